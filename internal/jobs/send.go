package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
)

// sendAttempts bounds retries of a temporary failure; River spaces them
// with exponential backoff (seconds at first, hours at the end).
const sendAttempts = 12

// MailConfig says how the desk's email goes out.
type MailConfig struct {
	Sender   *mail.Sender
	From     mail.Address // the desk's address, e.g. support@acme.example
	Domain   string       // for Message-IDs; the From domain when empty
	FromName string       // shown when a message has no agent, e.g. "ACME Support"
	// NotifyAfter is how long a reply may stay undelivered, retried,
	// before its author is told; 30 minutes when zero.
	NotifyAfter time.Duration
	Metrics     *mail.Metrics // counts sent, retrying and failed; nil counts nothing
}

// notifyAfter is NotifyAfter or its default.
func (m *MailConfig) notifyAfter() time.Duration {
	if m.NotifyAfter > 0 {
		return m.NotifyAfter
	}
	return 30 * time.Minute
}

func (m *MailConfig) newMessageID() string {
	domain := m.Domain
	if domain == "" {
		if _, d, ok := strings.Cut(m.From.Email, "@"); ok {
			domain = d
		} else {
			domain = "calmdesk.invalid"
		}
	}
	return mail.NewMessageID(domain)
}

// sendArgs is the job that emails one outbound message.
type sendArgs struct {
	MessageID int64 `json:"message_id"`
}

// Kind implements river.JobArgs.
func (sendArgs) Kind() string { return "calmdesk.send_email" }

type sendWorker struct {
	river.WorkerDefaults[sendArgs]
	desk *desk.Desk
	mail *MailConfig
	log  *slog.Logger
}

// Work sends the email. A temporary failure returns an error so River
// retries later; a permanent one (a 5xx reply), or running out of attempts,
// is recorded on the case instead.
func (w *sendWorker) Work(ctx context.Context, job *river.Job[sendArgs]) error {
	if w.mail == nil {
		return river.JobCancel(errors.New("outbound mail is not configured"))
	}
	o, err := w.desk.OutboundEmailFor(ctx, job.Args.MessageID)
	if errors.Is(err, desk.ErrNotFound) {
		return river.JobCancel(err)
	}
	if err != nil {
		return err
	}
	if o.Status == desk.DeliverySent {
		return nil // a retry after the send succeeded but the bookkeeping did not
	}
	from := w.mail.From
	switch {
	case o.FromName != "" && w.mail.FromName != "":
		from.Name = o.FromName + " at " + w.mail.FromName
	case o.FromName != "":
		from.Name = o.FromName
	default:
		from.Name = w.mail.FromName
	}
	to := mail.Address{Name: o.ToName, Email: o.ToEmail}
	if o.ReplyTo != "" && !strings.EqualFold(o.ReplyTo, o.ToEmail) {
		to = mail.Address{Email: o.ReplyTo} // the customer asked answers to go there
	}
	_, err = w.mail.Sender.Send(ctx, mail.Outgoing{
		From:          from,
		To:            []mail.Address{to},
		Subject:       mail.ReplySubject(o.Subject, o.CaseID),
		CaseID:        o.CaseID,
		MessageID:     o.ExternalID,
		InReplyTo:     o.InReplyTo,
		References:    o.References,
		Text:          o.Text,
		AutoSubmitted: o.AutoSubmitted,
	})
	if err == nil {
		w.mail.Metrics.Sent("sent")
		return w.desk.MarkDelivered(ctx, o.MessageID)
	}
	if mail.IsTemporary(err) && job.Attempt < job.MaxAttempts {
		w.log.WarnContext(ctx, "email will be retried", "message_id", o.MessageID, "attempt", job.Attempt, "err", err)
		w.mail.Metrics.Sent("retrying")
		// Tell the author once: on the first failure past NotifyAfter.
		since, limit := time.Since(job.CreatedAt), w.mail.notifyAfter()
		tell := since >= limit && (len(job.Errors) == 0 || job.Errors[len(job.Errors)-1].At.Sub(job.CreatedAt) < limit)
		if markErr := w.desk.MarkRetrying(ctx, o.MessageID, err.Error(), tell); markErr != nil {
			w.log.ErrorContext(ctx, "record email retry", "message_id", o.MessageID, "err", markErr)
		}
		return err
	}
	w.mail.Metrics.Sent("failed")
	w.log.ErrorContext(ctx, "email undeliverable", "message_id", o.MessageID, "err", err)
	if markErr := w.desk.MarkUndeliverable(ctx, o.MessageID, err.Error()); markErr != nil {
		return fmt.Errorf("record undeliverable email: %w", markErr)
	}
	return river.JobCancel(err)
}
