package insights

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Digest is the week in review for supervisors: the figures against the
// week before, four weeks of de-escalation and promises kept, the spiking
// problems, the promises broken and what customers wrote in their surveys.
type Digest struct {
	Summary
	Weeks    []Figures       `json:"weeks"` // the last four weeks, oldest first
	Spikes   []Problem       `json:"spikes"`
	Broken   []BrokenPromise `json:"broken_promises"`
	Comments []SurveyComment `json:"survey_comments"`
	Lessons  []LessonRow     `json:"lessons"` // lessons learned written during the week
}

// BrokenPromise is a promise that came due unkept during the week.
type BrokenPromise struct {
	CaseID int64     `json:"case_id"`
	Action string    `json:"action"`
	Amount string    `json:"amount,omitempty"`
	DueAt  time.Time `json:"due_at"`
	Owner  string    `json:"owner"` // the agent's email
}

// SurveyComment is a survey answer with a comment, given during the week.
type SurveyComment struct {
	CaseID     int64     `json:"case_id"`
	Score      int       `json:"score"`
	Comment    string    `json:"comment"`
	AnsweredAt time.Time `json:"answered_at"`
}

// WeekOf is the Monday-to-Sunday week holding t.
func WeekOf(t time.Time) Period {
	day := t.UTC().Truncate(24 * time.Hour)
	monday := day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
	return Period{From: monday, To: monday.AddDate(0, 0, 6)}
}

// Digest gathers the digest of week w.
func (in *Insights) Digest(ctx context.Context, w Period) (Digest, error) {
	var d Digest
	var err error
	if d.Summary, err = in.Summary(ctx, w, Filter{}); err != nil {
		return d, err
	}
	month := Period{From: w.From.AddDate(0, 0, -21), To: w.To}
	cases, err := in.loadFor(ctx, month.Start(), month.End(), Filter{}, needFigures)
	if err != nil {
		return d, err
	}
	now := in.Now()
	for i := 3; i >= 0; i-- {
		wk := Period{From: w.From.AddDate(0, 0, -7*i), To: w.To.AddDate(0, 0, -7*i)}
		var in []*caseFacts
		for _, c := range cases {
			if !c.CreatedAt.Before(wk.Start()) && c.CreatedAt.Before(wk.End()) {
				in = append(in, c)
			}
		}
		d.Weeks = append(d.Weeks, figuresOf(wk, in, now))
	}
	problems, err := in.Problems(ctx, w, Filter{})
	if err != nil {
		return d, err
	}
	d.Spikes = []Problem{}
	for _, p := range problems {
		if p.Spike {
			d.Spikes = append(d.Spikes, p)
		}
	}
	d.Broken = []BrokenPromise{}
	err = in.query(ctx, `SELECT k.case_id, k.action, k.amount, k.due_at, COALESCE(u.email, '') FROM commitments k
	    LEFT JOIN users u ON u.id = k.owner_user_id
	  WHERE k.due_at >= $1 AND k.due_at < $2 AND (k.status = 'broken' OR (k.status = 'kept' AND k.closed_at > k.due_at))
	  ORDER BY k.due_at, k.id LIMIT 200`, []any{w.Start(), w.End()}, func(rows *sql.Rows) error {
		var b BrokenPromise
		if err := rows.Scan(&b.CaseID, &b.Action, &b.Amount, &b.DueAt, &b.Owner); err != nil {
			return err
		}
		b.DueAt = b.DueAt.UTC()
		d.Broken = append(d.Broken, b)
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("insights: digest promises: %w", err)
	}
	d.Comments = []SurveyComment{}
	err = in.query(ctx, `SELECT case_id, score, comment, answered_at FROM surveys
	  WHERE status = 'answered' AND answered_at >= $1 AND answered_at < $2 AND comment <> ''
	  ORDER BY answered_at, id LIMIT 200`, []any{w.Start(), w.End()}, func(rows *sql.Rows) error {
		var c SurveyComment
		if err := rows.Scan(&c.CaseID, &c.Score, &c.Comment, &c.AnsweredAt); err != nil {
			return err
		}
		c.AnsweredAt = c.AnsweredAt.UTC()
		d.Comments = append(d.Comments, c)
		return nil
	})
	if err != nil {
		return d, fmt.Errorf("insights: digest comments: %w", err)
	}
	if d.Lessons, err = in.lessons(ctx, LessonQuery{Since: w.Start(), Until: w.End()}); err != nil {
		return d, err
	}
	return d, nil
}

// DigestKind is the kind of the weekly digest's notification.
const DigestKind = "insights.digest"

// NotifyDigest tells supervisors, once a week from Monday 08:00 UTC, that
// last week's digest is ready, with its headline figures (the notification
// is emailed to them when outbound mail is configured). It reports whether
// it did.
func (in *Insights) NotifyDigest(ctx context.Context) (bool, error) {
	now := in.Now()
	this := WeekOf(now)
	if now.Before(this.From.Add(8 * time.Hour)) {
		return false, nil
	}
	last := this.Previous()
	d, err := in.Digest(ctx, last)
	if err != nil {
		return false, err
	}
	msg := digestMessage(d)
	sent := false
	err = in.db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM notifications WHERE kind = $2 AND created_at >= $1 LIMIT 1`,
			this.Start(), DigestKind).Scan(&id)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (role, kind, message, created_at) VALUES ('supervisor', $3, $1, $2)`,
			textkit.Clip(msg, 1000), now, DigestKind); err != nil {
			return err
		}
		sent = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("insights: digest notification: %w", err)
	}
	return sent, nil
}

func digestMessage(d Digest) string {
	pct := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.0f%%", *v*100)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Week %s to %s: %d cases (%d the week before); de-escalated %s (was %s); promises kept on time %s (was %s); %d broken promises; %d survey comments; %d lessons learned.",
		d.From, d.To, d.Cases, d.Previous.Cases, pct(d.DeescalationRate), pct(d.Previous.DeescalationRate),
		pct(d.PromiseKeptRate), pct(d.Previous.PromiseKeptRate), len(d.Broken), len(d.Comments), len(d.Lessons))
	for _, s := range d.Spikes {
		fmt.Fprintf(&b, " Spike: %q, %d cases.", s.Label, s.Count)
	}
	fmt.Fprintf(&b, " The digest: /insights/digest?week=%s", d.From)
	return b.String()
}
