package jobs

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
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
	// insights, when set, writes the weekly digest notification as the
	// digest itself (insights.DigestMail) rather than its one-line summary.
	insights *insights.Insights
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
	digests := map[int64]insights.DigestEmail{} // by notification: one rendering for all its recipients
	for _, e := range pending {
		if failed[e.NotificationID] {
			continue
		}
		out := mail.Outgoing{
			From:          mail.Address{Name: "calmdesk", Email: w.mail.From.Email},
			To:            []mail.Address{{Name: e.ToName, Email: e.ToEmail}},
			Subject:       "[calmdesk] " + e.Message,
			Text:          e.Message,
			AutoSubmitted: true,
		}
		if e.CaseID != nil && w.publicURL != "" {
			out.Text += fmt.Sprintf("\n\nOpen the case: %s/cases/%d", w.publicURL, *e.CaseID)
		}
		if e.Kind == insights.DigestKind && w.insights != nil {
			dg, ok := digests[e.NotificationID]
			if !ok {
				var err error
				// The digest notification of a week is about the week before.
				dg, err = w.insights.DigestMail(ctx, insights.WeekOf(e.CreatedAt).Previous(), w.publicURL)
				if err != nil {
					w.log.WarnContext(ctx, "weekly digest email failed", "err", err)
					failed[e.NotificationID] = true
					continue
				}
				digests[e.NotificationID] = dg
			}
			out.Subject, out.Text, out.HTML = "[calmdesk] "+dg.Subject, dg.Text, dg.HTML
		}
		_, err := w.mail.Sender.Send(ctx, out)
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
