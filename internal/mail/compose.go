package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"html"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Outgoing is one message from the desk to a customer: an agent's reply,
// a follow-up or a survey.
type Outgoing struct {
	// From is the desk's address with the agent's name, e.g.
	// {"Sam at ACME Support", "support@acme.example"}.
	From    Address
	ReplyTo []Address // optional
	To      []Address
	Cc      []Address

	// Subject is written as given, with the case token ensured at the end
	// when CaseID is set; use ReplySubject for "Re: …".
	Subject string
	CaseID  int64

	// MessageID is this message's id without angle brackets. Give it
	// (NewMessageID) and store it before the first try, so retries send
	// the same id and the customer's answer threads; generated if empty.
	MessageID string
	// InReplyTo is the id of the message answered; References the thread's
	// ids, oldest first. Both without angle brackets.
	InReplyTo  string
	References []string

	Attachments []OutgoingAttachment // files sent with the message

	Text      string // the body as plain text
	HTML      string // the body as HTML; made from Text when empty
	Signature string // plain text appended under a "-- " line

	// AutoSubmitted marks machine-sent mail (follow-ups, surveys) with
	// Auto-Submitted: auto-generated, so that autoresponders stay quiet.
	AutoSubmitted bool
	Date          time.Time // the Date header; now when zero
}

// OutgoingAttachment is a file sent with an Outgoing message.
type OutgoingAttachment struct {
	Filename    string
	ContentType string // "application/octet-stream" when empty
	Data        []byte
}

// maxReferences bounds the References header; RFC 5322 §3.6.4 lets a
// long thread keep the first id and the most recent ones.
const maxReferences = 20

// NewMessageID returns a fresh, unguessable Message-ID (without angle
// brackets) on domain, e.g. "cd.4f2k…@support.acme.example".
func NewMessageID(domain string) string {
	var b [16]byte
	rand.Read(b[:])
	id := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	if domain == "" {
		domain = "calmdesk.invalid"
	}
	return "cd." + id + "@" + domain
}

// Compose builds the message for out, with Message-ID, In-Reply-To,
// References, the case token in the subject and a text/plain part with an
// HTML alternative. It fills out.MessageID when empty; the id used is
// returned by msg.GetMessageID.
func Compose(out Outgoing) (*gomail.Msg, error) {
	if out.From.Email == "" {
		return nil, errors.New("mail: compose: no From address")
	}
	if len(out.To) == 0 {
		return nil, errors.New("mail: compose: no recipient")
	}
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.FromFormat(cleanName(out.From.Name), out.From.Email); err != nil {
		return nil, fmt.Errorf("mail: compose: From %q: %w", out.From.Email, err)
	}
	for _, set := range []struct {
		header gomail.AddrHeader
		addrs  []Address
	}{{gomail.HeaderTo, out.To}, {gomail.HeaderCc, out.Cc}, {gomail.HeaderReplyTo, out.ReplyTo}} {
		if len(set.addrs) == 0 {
			continue
		}
		list := make([]*netmail.Address, len(set.addrs))
		for i, a := range set.addrs {
			addr, err := netmail.ParseAddress(a.Email)
			if err != nil {
				return nil, fmt.Errorf("mail: compose: %s %q: %w", set.header, a.Email, err)
			}
			list[i] = &netmail.Address{Name: cleanName(a.Name), Address: addr.Address}
		}
		m.SetAddrHeaderFromMailAddress(set.header, list...)
	}
	subject := cleanLine(out.Subject, 900)
	if out.CaseID > 0 {
		subject = WithCaseToken(subject, out.CaseID)
	}
	m.Subject(subject)

	if out.MessageID == "" {
		out.MessageID = NewMessageID(domainOf(out.From.Email))
	}
	m.SetMessageIDWithValue(safeMsgID(out.MessageID))
	if out.Date.IsZero() {
		out.Date = time.Now()
	}
	m.SetDateWithValue(out.Date)
	if id := safeMsgID(out.InReplyTo); id != "" {
		m.SetGenHeader(gomail.HeaderInReplyTo, "<"+id+">")
	}
	if refs := references(out.References, out.InReplyTo); len(refs) > 0 {
		m.SetGenHeader(gomail.HeaderReferences, "<"+strings.Join(refs, "> <")+">")
	}
	if out.AutoSubmitted {
		m.SetGenHeader("Auto-Submitted", "auto-generated")
		m.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	}

	text := strings.TrimRight(out.Text, "\n")
	htmlBody := out.HTML
	if htmlBody == "" {
		htmlBody = textToHTML(text)
	}
	if sig := strings.TrimSpace(out.Signature); sig != "" {
		text += "\n\n-- \n" + sig
		htmlBody += `<div class="signature">-- <br>` + textToHTML(sig) + "</div>"
	}
	m.SetBodyString(gomail.TypeTextPlain, text+"\n")
	m.AddAlternativeString(gomail.TypeTextHTML, htmlBody)
	for i, a := range out.Attachments {
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		name := cleanFilename(a.Filename, ct, i+1)
		m.AttachReadSeeker(name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(ct)))
	}
	return m, nil
}

// references returns the References ids: the thread's, then the message
// answered, deduplicated, trimmed to maxReferences keeping the first.
func references(thread []string, inReplyTo string) []string {
	var refs []string
	for _, id := range append(append([]string(nil), thread...), inReplyTo) {
		if id = safeMsgID(id); id != "" {
			refs = appendUnique(refs, id)
		}
	}
	if len(refs) > maxReferences {
		refs = append(refs[:1], refs[len(refs)-maxReferences+1:]...)
	}
	return refs
}

// safeMsgID returns id without brackets if it can go into a header as is
// (printable ASCII, no spaces), or "".
func safeMsgID(id string) string {
	id = strings.Trim(strings.TrimSpace(id), "<>")
	if id == "" || len(id) > 250 {
		return ""
	}
	for _, r := range id {
		if r <= ' ' || r >= 0x7f || r == '<' || r == '>' {
			return ""
		}
	}
	return id
}

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return ""
}

// textToHTML renders plain text as HTML paragraphs: escaped, blank lines
// between paragraphs, single line breaks kept.
func textToHTML(text string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(strings.Trim(para, "\n")), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return b.String()
}
