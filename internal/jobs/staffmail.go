package jobs

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
)

// staffMailArgs is the periodic job that emails staff their notifications
// (escalations, promises due or broken, SLA breaches, unhappy surveys).
type staffMailArgs struct{}

// Kind implements river.JobArgs.
func (staffMailArgs) Kind() string { return "calmdesk.staff_mail" }

type staffMailWorker struct {
	river.WorkerDefaults[staffMailArgs]
	desk      *desk.Desk
	mail      *MailConfig
	publicURL string
	log       *slog.Logger
}

func (w *staffMailWorker) Work(ctx context.Context, _ *river.Job[staffMailArgs]) error {
	if w.mail == nil {
		return nil
	}
	pending, err := w.desk.PendingStaffEmails(ctx, 200)
	if err != nil {
		return err
	}
	// A notification counts as emailed once all its recipients got it; a
	// failure leaves it for the next run.
	failed := map[int64]bool{}
	done := []int64{}
	for _, e := range pending {
		if failed[e.NotificationID] {
			continue
		}
		text := e.Message
		if e.CaseID != nil && w.publicURL != "" {
			text += fmt.Sprintf("\n\nOpen the case: %s/cases/%d", w.publicURL, *e.CaseID)
		}
		_, err := w.mail.Sender.Send(ctx, mail.Outgoing{
			From:          mail.Address{Name: "calmdesk", Email: w.mail.From.Email},
			To:            []mail.Address{{Name: e.ToName, Email: e.ToEmail}},
			Subject:       "[calmdesk] " + e.Message,
			Text:          text,
			AutoSubmitted: true,
		})
		if err != nil {
			w.log.WarnContext(ctx, "staff email failed", "to", e.ToEmail, "err", err)
			failed[e.NotificationID] = true
			continue
		}
		if len(done) == 0 || done[len(done)-1] != e.NotificationID {
			done = append(done, e.NotificationID)
		}
	}
	for _, id := range done {
		if failed[id] {
			continue
		}
		if err := w.desk.MarkEmailed(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
