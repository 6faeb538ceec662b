// Package mailintake connects the mail channel to the desk: every message
// the SMTP receiver or the IMAP poller accepts becomes a desk.Ingest call.
// It is the only package that knows both.
package mailintake

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
)

// Intake stores received mail on the desk. It implements mail.Deliverer:
// Deliver returns nil only after the message is committed, and a message
// delivered twice (same Message-ID) is stored once.
type Intake struct {
	Desk *desk.Desk
	Log  *slog.Logger
}

// Deliver implements mail.Deliverer.
func (in Intake) Deliver(ctx context.Context, raw []byte, msg *mail.Inbound, rcpts []string) error {
	log := in.Log
	if log == nil {
		log = slog.Default()
	}
	if msg.Automatic != mail.NotAutomatic {
		// Out-of-office replies and bounces are not customers speaking: they
		// must neither open cases nor count as anger. Accept and drop them.
		log.InfoContext(ctx, "automatic mail not stored", "from", msg.From.Email, "reason", msg.AutomaticReason, "message_id", msg.MessageID)
		return nil
	}
	m := desk.InboundMessage{
		CustomerEmail: msg.From.Email,
		CustomerName:  msg.From.Name,
		Subject:       desk.Clip(msg.Subject, desk.MaxSubjectBytes),
		Text:          desk.Clip(firstNonBlank(msg.NewText, msg.Text, msg.Subject, "(empty message)"), desk.MaxTextBytes),
		RawText:       desk.Clip(msg.Text, desk.MaxRawTextBytes),
		Channel:       "email",
		ExternalID:    desk.Clip(msg.DedupKey(), desk.MaxExternalID),
		CaseID:        msg.CaseRef,
		InReplyTo:     threadRefs(msg),
		HTML:          desk.Clip(msg.HTML, desk.MaxHTMLBytes),
		Attachments:   attachments(msg),
	}
	_, err := in.Desk.Ingest(ctx, m)
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		if _, badCase := verr.Fields["case_id"]; badCase && len(verr.Fields) == 1 {
			// A case token that is not this customer's (a forwarded mail, a
			// typo): thread by headers or open a new case instead.
			m.CaseID = 0
			_, err = in.Desk.Ingest(ctx, m)
		}
	}
	if errors.As(err, &verr) {
		return fmt.Errorf("%w: %s", mail.ErrRejected, verr.Error())
	}
	return err
}

// attachments keeps what the parser kept, within the desk's limits; what
// does not fit is recorded by name, type and size, marked omitted.
func attachments(msg *mail.Inbound) []desk.Attachment {
	var out []desk.Attachment
	total := 0
	for i, a := range msg.Attachments {
		if i == desk.MaxAttachments {
			break
		}
		d := desk.Attachment{Filename: desk.Clip(a.Filename, 255), ContentType: desk.Clip(a.ContentType, 255), ContentID: a.ContentID,
			Inline: a.Inline, Size: a.Size, Data: a.Data, Omitted: a.Omitted}
		if total+len(d.Data) > desk.MaxAttachmentsBytes {
			d.Data, d.Omitted = nil, "over the desk's limit for one message"
		}
		total += len(d.Data)
		out = append(out, d)
	}
	return out
}

// threadRefs are the ids a message answers, newest first, at most 20.
func threadRefs(msg *mail.Inbound) []string {
	refs := append([]string{}, msg.InReplyTo...)
	for i := len(msg.References) - 1; i >= 0; i-- {
		refs = append(refs, msg.References[i])
	}
	if len(refs) > 20 {
		refs = refs[:20]
	}
	return refs
}

func firstNonBlank(options ...string) string {
	for _, s := range options {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
