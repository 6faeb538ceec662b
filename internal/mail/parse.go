package mail

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	netmail "net/mail"
	"strings"

	"github.com/emersion/go-message"
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
	e, err := message.Read(bytes.NewReader(raw))
	if e == nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	sum := sha256.Sum256(raw)
	in := &Inbound{Fingerprint: "sha256:" + hex.EncodeToString(sum[:])}
	if err != nil {
		in.problem("%v", err)
	}
	readHeader(in, e.Header)

	w := walker{in: in, limits: limits, charsetErr: message.IsUnknownCharset(err)}
	w.entity(e, 0, "")
	if w.empty() {
		w.recover(raw, e.Header)
	}
	if w.html.Len() > 0 {
		rawHTML := w.html.String()
		in.HTML = truncate(SanitizeHTML(rawHTML), limits.MaxTextBytes)
		if strings.TrimSpace(in.Text) == "" {
			in.Text = truncate(HTMLToText(rawHTML), limits.MaxTextBytes)
			in.TextFromHTML = true
		}
	}
	in.NewText = StripQuotes(in.Text)
	in.Automatic, in.AutomaticReason = automatic(e.Header, in, w.report)
	in.CaseRef, _ = CaseRefFromSubject(in.Subject)
	return in, nil
}

func readHeader(in *Inbound, h message.Header) {
	if from := parseAddresses(h, "From"); len(from) > 0 {
		in.From = from[0]
	} else if sender := parseAddresses(h, "Sender"); len(sender) > 0 {
		in.From = sender[0]
	}
	in.ReplyTo = parseAddresses(h, "Reply-To")
	in.To = parseAddresses(h, "To")
	in.Cc = parseAddresses(h, "Cc")
	for _, key := range []string{"Delivered-To", "X-Original-To"} {
		for _, a := range parseAddresses(h, key) {
			in.DeliveredTo = appendUnique(in.DeliveredTo, strings.ToLower(a.Email))
		}
	}
	in.Subject = decodeHeaderText(h.Get("Subject"))
	if ids := msgIDs(h, "Message-Id", 1); len(ids) > 0 {
		in.MessageID = ids[0]
	}
	in.InReplyTo = msgIDs(h, "In-Reply-To", 10)
	in.References = msgIDs(h, "References", 100)
	if v := h.Get("Date"); v != "" {
		if t, err := netmail.ParseDate(v); err == nil {
			in.Date = t
		} else {
			in.problem("unreadable Date %q", cleanLine(v, 100))
		}
	}
}

func (in *Inbound) problem(format string, args ...any) {
	if len(in.Problems) < 50 {
		in.Problems = append(in.Problems, fmt.Sprintf(format, args...))
	}
}

// rawBody returns what follows the header of a raw message.
func rawBody(raw []byte) []byte {
	for _, sep := range []string{"\r\n\r\n", "\n\n"} {
		if i := bytes.Index(raw, []byte(sep)); i >= 0 {
			return raw[i+len(sep):]
		}
	}
	return nil
}

// normalizeText turns decoded part bytes into valid UTF-8 with \n line ends.
func normalizeText(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\x00", "")
	return strings.ReplaceAll(s, "\r", "\n")
}

// truncate cuts s to at most max bytes on a rune boundary.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut]
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
