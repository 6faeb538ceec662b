// Package mailintake connects the mail channel to the desk: every message
// the SMTP receiver or the IMAP poller accepts becomes a desk.Ingest call.
// It is the only package that knows both.
package mailintake

import (
	"context"
	"errors"
	"fmt"
	"github.com/calmdesk/calmdesk/internal/textkit"
	"log/slog"
	"slices"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
)

// Intake stores received mail on the desk. It implements mail.Deliverer:
// Deliver returns nil only after the message is committed, and a message
// delivered twice is stored once.
type Intake struct {
	Desk *desk.Desk
	Log  *slog.Logger
}

// Deliver implements mail.Deliverer.
//
// A message is the same as one stored before when it has its Message-ID,
// its sender and its words (one may have gained a footer on the way, as
// lists add) and its files. Two messages that share only the Message-ID — different
// senders, or a mailer that gives every message one id — are both
// stored: the second under its Message-ID and a fingerprint of its
// content. A message without Message-ID is known by that fingerprint,
// which leaves out the trace fields relays add.
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
		Subject:       textkit.Clip(msg.Subject, desk.MaxSubjectBytes),
		Text:          textkit.Clip(firstNonBlank(msg.NewText, msg.Text, msg.Subject, "(empty message)"), desk.MaxTextBytes),
		RawText:       textkit.Clip(msg.Text, desk.MaxRawTextBytes),
		Channel:       "email",
		ExternalID:    textkit.Clip(msg.DedupKey(), desk.MaxExternalID),
		CaseID:        msg.CaseRef,
		InReplyTo:     threadRefs(msg),
		HTML:          textkit.Clip(msg.HTML, desk.MaxHTMLBytes),
		Attachments:   attachments(msg),
		ReplyTo:       replyTo(msg),
	}
	res, err := in.ingest(ctx, m)
	if err == nil && res.Duplicate && msg.MessageID != "" {
		same, serr := in.sameMessage(ctx, res, m)
		if serr != nil {
			return serr
		}
		if !same {
			log.InfoContext(ctx, "mail: Message-ID already used by another message; stored apart",
				"from", msg.From.Email, "message_id", msg.MessageID, "first_case", res.CaseID)
			m.ExternalID = textkit.Clip(msg.MessageID, desk.MaxExternalID-20) + " " + strings.TrimPrefix(msg.Fingerprint, "sha256:")[:16]
			res, err = in.ingest(ctx, m)
		}
	}
	if err == nil && res.Duplicate {
		log.InfoContext(ctx, "mail: duplicate not stored again", "from", msg.From.Email, "message_id", msg.MessageID,
			"key", m.ExternalID, "case", res.CaseID)
	}
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		return fmt.Errorf("%w: %s", mail.ErrRejected, verr.Error())
	}
	return err
}

// Refused shows the admins a message the mailbox poller could not store
// (it implements mail.IMAPConfig.Refused): who sent it, why it was
// refused and where it now is.
func (in Intake) Refused(ctx context.Context, r mail.Refusal) {
	where := "It is still in the mailbox, flagged."
	if r.MovedTo != "" {
		where = "It is in the mailbox folder " + r.MovedTo + "."
	}
	from := r.From
	if from == "" {
		from = "an unknown sender"
	}
	msg := fmt.Sprintf("An email from %s (subject %q) could not be stored: %s. %s", from, textkit.Clip(r.Subject, 120), r.Reason, where)
	if err := in.Desk.NotifyAdmins(ctx, "mail_refused", msg); err != nil {
		log := in.Log
		if log == nil {
			log = slog.Default()
		}
		log.ErrorContext(ctx, "mail: tell admins of a refused email", "uid", r.UID, "err", err)
	}
}

// ingest stores m. A case token that is not this customer's (a forwarded
// mail, a typo) threads by headers or opens a new case instead; a
// Reply-To the desk cannot use leaves answers with the sender.
func (in Intake) ingest(ctx context.Context, m desk.InboundMessage) (desk.IngestResult, error) {
	for {
		res, err := in.Desk.Ingest(ctx, m)
		var verr *desk.ValidationError
		if !errors.As(err, &verr) || len(verr.Fields) != 1 {
			return res, err
		}
		if _, bad := verr.Fields["case_id"]; bad && m.CaseID != 0 {
			m.CaseID = 0
		} else if _, bad := verr.Fields["reply_to"]; bad && m.ReplyTo != "" {
			m.ReplyTo = ""
		} else {
			return res, err
		}
	}
}

// replyTo is the first Reply-To address when it is not the sender's.
func replyTo(msg *mail.Inbound) string {
	for _, a := range msg.ReplyTo {
		if strings.Contains(a.Email, "@") && !strings.EqualFold(a.Email, msg.From.Email) {
			return textkit.Clip(a.Email, 320)
		}
	}
	return ""
}

// sameMessage reports whether the message stored as dup is m: the same
// customer, the same files, and the same words or one the other with
// something added.
func (in Intake) sameMessage(ctx context.Context, dup desk.IngestResult, m desk.InboundMessage) (bool, error) {
	c, err := in.Desk.Case(ctx, dup.CaseID)
	if err != nil {
		return false, fmt.Errorf("mailintake: compare with message %d: %w", dup.MessageID, err)
	}
	if !strings.EqualFold(c.Customer.Email, strings.TrimSpace(m.CustomerEmail)) {
		return false, nil
	}
	for _, stored := range c.Messages {
		if stored.ID != dup.MessageID {
			continue
		}
		var had, has []string
		for _, a := range stored.Attachments {
			had = append(had, a.Filename)
		}
		for _, a := range m.Attachments {
			has = append(has, a.Filename)
		}
		slices.Sort(had)
		slices.Sort(has)
		a, b := strings.TrimSpace(stored.RawText), strings.TrimSpace(m.RawText)
		return slices.Equal(had, has) && (a == b || strings.HasPrefix(a, b) || strings.HasPrefix(b, a)), nil
	}
	return false, nil
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
		d := desk.Attachment{Filename: textkit.Clip(a.Filename, 255), ContentType: textkit.Clip(a.ContentType, 255), ContentID: a.ContentID,
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
