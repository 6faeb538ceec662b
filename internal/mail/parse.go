package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"github.com/calmdesk/calmdesk/internal/textkit"
	"io"
	netmail "net/mail"
	"strings"
)

// Parse reads one raw RFC 5322 message and returns it parsed, decoded and
// sanitised. Only a message over Limits.MaxMessageBytes (ErrTooLarge) or
// one whose header cannot be read (ErrMalformed) is an error; anything else
// wrong is recorded in Inbound.Problems and parsing goes on.
func Parse(r io.Reader, limits Limits) (*Inbound, error) {
	limits = limits.withDefaults()
	raw, err := io.ReadAll(io.LimitReader(r, limits.MaxMessageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("mail: read message: %w", err)
	}
	if int64(len(raw)) > limits.MaxMessageBytes {
		return nil, &TooLargeError{Limit: limits.MaxMessageBytes}
	}
	return ParseBytes(raw, limits)
}

// ParseBytes is Parse for a message already in memory.
func ParseBytes(raw []byte, limits Limits) (*Inbound, error) {
	limits = limits.withDefaults()
	if int64(len(raw)) > limits.MaxMessageBytes {
		return nil, &TooLargeError{Limit: limits.MaxMessageBytes}
	}
	h, body, problems := readHeader(raw, true)
	if len(h) == 0 {
		return nil, fmt.Errorf("%w: no header fields", ErrMalformed)
	}
	in := &Inbound{Fingerprint: fingerprint(h, body)}
	for _, p := range problems {
		in.problem("%s", p)
	}
	readFields(in, h)

	w := walker{in: in, limits: limits}
	w.entity(h, body, 0, "")
	w.useNamedText()
	if w.empty() {
		w.recover(body)
	}
	if w.html.Len() > 0 {
		rawHTML := w.html.String()
		in.HTML = textkit.Clip(SanitizeHTML(rawHTML), limits.MaxTextBytes)
		if strings.TrimSpace(in.Text) == "" {
			in.Text = textkit.Clip(HTMLToText(rawHTML), limits.MaxTextBytes)
			in.TextFromHTML = true
		}
	}
	// The new words are at the top (or between quotes near it); a text of
	// megabytes is a pasted log, and the desk analyses 100 kB at most.
	in.NewText = StripQuotes(textkit.Clip(in.Text, maxQuoteScan))
	in.Automatic, in.AutomaticReason = automatic(h, in, w.report, w.tnefClass)
	in.CaseRef, _ = CaseRefFromSubject(in.Subject)
	return in, nil
}

// maxQuoteScan bounds the text StripQuotes reads for NewText.
const maxQuoteScan = 256 << 10

func readFields(in *Inbound, h header) {
	for _, key := range []string{"From", "Sender", "Return-Path"} {
		if list := parseAddresses(h, key); len(list) > 0 && strings.Contains(list[0].Email, "@") {
			in.From = list[0]
			if key != "From" {
				in.problem("no usable From; sender taken from %s", key)
			}
			break
		}
	}
	in.ReplyTo = parseAddresses(h, "Reply-To")
	in.To = parseAddresses(h, "To")
	in.Cc = parseAddresses(h, "Cc")
	for _, key := range []string{"Delivered-To", "X-Original-To"} {
		for _, a := range parseAddresses(h, key) {
			in.DeliveredTo = appendUnique(in.DeliveredTo, strings.ToLower(a.Email))
		}
	}
	in.Subject = decodeHeaderText(h.get("Subject"))
	if ids := msgIDs(h, "Message-Id", 1); len(ids) > 0 {
		in.MessageID = ids[0]
	}
	in.InReplyTo = msgIDs(h, "In-Reply-To", 10)
	in.References = msgIDs(h, "References", 100)
	if v := h.get("Date"); v != "" {
		if t, err := netmail.ParseDate(v); err == nil {
			in.Date = t
		} else {
			in.problem("unreadable Date %q", cleanLine(v, 100))
		}
	}
}

// traceFields are the header fields relays add or rewrite on the way; a
// message sent again differs from the first copy only there.
var traceFields = map[string]bool{
	"received": true, "return-path": true, "delivered-to": true, "x-original-to": true, "x-received": true,
	"received-spf": true, "authentication-results": true, "arc-seal": true, "arc-message-signature": true,
	"arc-authentication-results": true, "x-spam-status": true, "x-spam-score": true, "x-spam-level": true,
	"x-spam-flag": true, "x-virus-scanned": true, "x-original-authentication-results": true, "x-envelope-from": true,
	"x-envelope-to": true, "x-forwarded-to": true, "x-forwarded-for": true,
}

// fingerprint is "sha256:" and the hex SHA-256 of the message without its
// trace fields and with its line ends made uniform: the same message
// relayed twice, or by two routes, has one fingerprint.
func fingerprint(h header, body []byte) string {
	sum := sha256.New()
	for _, f := range h {
		if traceFields[strings.ToLower(f.name)] {
			continue
		}
		io.WriteString(sum, strings.ToLower(f.name))
		io.WriteString(sum, ":")
		io.WriteString(sum, strings.Join(strings.Fields(f.value), " "))
		io.WriteString(sum, "\n")
	}
	sum.Write([]byte("\n"))
	for line := range bytes.Lines(body) {
		sum.Write(bytes.TrimRight(line, "\r\n"))
		sum.Write([]byte("\n"))
	}
	return "sha256:" + hex.EncodeToString(sum.Sum(nil))
}

func (in *Inbound) problem(format string, args ...any) {
	if len(in.Problems) < 50 {
		in.Problems = append(in.Problems, fmt.Sprintf(format, args...))
	}
}

// normalizeText makes decoded text safe to store and show: valid UTF-8,
// \n line ends, no NUL or other control characters but tab and newline
// (PostgreSQL cannot store NUL, and a customer's message must never be
// refused for one), C1 controls read as the Windows-1252 characters their
// bytes were meant to be, no byte-order mark.
func normalizeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	clean := true
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r <= 0x9f) || r == '\uFEFF' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\r':
			b.WriteByte('\n')
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f || r == '\uFEFF':
		case r >= 0x80 && r <= 0x9f:
			if c := windows1252Rune(byte(r)); c != r {
				b.WriteRune(c)
			}
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
