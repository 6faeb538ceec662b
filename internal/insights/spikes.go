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

// spikeQuiet is how long a problem's spike stays announced: it is told
// again only if it still spikes a week after the last notification.
const spikeQuiet = 7 * 24 * time.Hour

// Spike is a problem supervisors were just told about.
type Spike struct {
	Problem
	Link string `json:"link"` // the page listing its cases
}

// NotifySpikes looks at the problems of the last seven days and tells
// supervisors (a notification of kind "insights.spike" to their role)
// about each spike not announced in the last seven days. It returns the
// spikes it announced.
func (in *Insights) NotifySpikes(ctx context.Context) ([]Spike, error) {
	now := in.Now()
	p, err := ParsePeriod("", "", now)
	if err != nil {
		return nil, err
	}
	problems, err := in.Problems(ctx, p, Filter{})
	if err != nil {
		return nil, err
	}
	var told []Spike
	for _, pr := range problems {
		if !pr.Spike {
			continue
		}
		s := Spike{Problem: pr, Link: spikeLink(p, pr)}
		key := strings.Join(pr.Terms, " ")
		announced := false
		err := in.db.Tx(ctx, func(tx *sql.Tx) error {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM insight_spikes WHERE problem = $1 AND notified_at > $2 LIMIT 1`,
				key, now.Add(-spikeQuiet)).Scan(&id)
			if err == nil {
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO insight_spikes (problem, label, cases, baseline, notified_at) VALUES ($1, $2, $3, $4, $5)`,
				key, pr.Label, pr.Count, pr.Baseline, now); err != nil {
				return err
			}
			msg := fmt.Sprintf("Spike: %q — %d cases in the last 7 days (usually %.1f). See %s", pr.Label, pr.Count, pr.Baseline, s.Link)
			if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (role, kind, message, created_at) VALUES ('supervisor', 'insights.spike', $1, $2)`,
				textkit.Clip(msg, 1000), now); err != nil {
				return err
			}
			announced = true
			return nil
		})
		if err != nil {
			return told, fmt.Errorf("insights: notify spike %q: %w", pr.Label, err)
		}
		if announced {
			told = append(told, s)
		}
	}
	return told, nil
}

func spikeLink(p Period, pr Problem) string {
	ids := make([]string, len(pr.CaseIDs))
	for i, id := range pr.CaseIDs {
		ids[i] = fmt.Sprint(id)
	}
	return "/insights/cases?from=" + p.From.Format(time.DateOnly) + "&to=" + p.To.Format(time.DateOnly) + "&ids=" + strings.Join(ids, ",")
}
