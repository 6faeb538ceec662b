package insights

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/store"
)

// Summary computes the figures for p and its previous period. They are
// read from case_rollups (migration 00018): one row per case holding what
// it contributes, kept by the desk's writing transactions, aggregated here
// in the database. They equal what summaryFull computes from every row of
// the cases (a test holds the two equal).
func (in *Insights) Summary(ctx context.Context, p Period, f Filter) (Summary, error) {
	prev := p.Previous()
	figs, err := in.rolled(ctx, []Period{prev, p}, f)
	if err != nil {
		return Summary{}, err
	}
	return Summary{Figures: figs[1], Filter: f, Previous: figs[0]}, nil
}

// Trend is the figures of a period bucket by bucket: by day for periods
// of up to 31 days, else by week (Monday to Sunday; the first and last
// weeks are clipped to the period). Read from the rollups, as Summary.
func (in *Insights) Trend(ctx context.Context, p Period, f Filter) ([]Figures, error) {
	return in.rolled(ctx, Buckets(p), f)
}

// rolled computes the figures of each of the contiguous periods ps from
// case_rollups: sums grouped by period, the open promises past due (which
// depend on the time of asking) from the commitments, and the medians and
// p90 by rank within each period.
func (in *Insights) rolled(ctx context.Context, ps []Period, f Filter) ([]Figures, error) {
	now := in.Now()
	out := make([]Figures, len(ps))
	scores := make([]int, len(ps))
	for i, p := range ps {
		out[i] = Figures{From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly), EscalationReasons: map[string]int{}}
	}
	// The period of a row: $1 is now, then the periods' bounds.
	args := []any{now, ps[0].Start()}
	where := "r.created_at >= $2"
	var bucket strings.Builder
	bucket.WriteString("CASE")
	for i, p := range ps {
		args = append(args, p.End())
		if i < len(ps)-1 {
			fmt.Fprintf(&bucket, " WHEN r.created_at < $%d THEN %d", len(args), i)
		}
	}
	fmt.Fprintf(&bucket, " ELSE %d END", len(ps)-1)
	where += fmt.Sprintf(" AND r.created_at < $%d", len(args))
	add := func(cond, v string) {
		if v == "" {
			return
		}
		args = append(args, v)
		where += strings.ReplaceAll(cond, "$N", fmt.Sprintf("$%d", len(args)))
	}
	add(" AND r.category = $N", f.Category)
	add(" AND r.channel = $N", f.Channel)
	add(" AND r.tier = $N", f.Tier)
	add(" AND r.assignee_id IN (SELECT u.id FROM users u WHERE CAST(u.id AS TEXT) = $N OR u.email = $N)", f.Agent)
	b := bucket.String()

	err := in.query(ctx, `SELECT `+b+` AS b, count(*), COALESCE(sum(r.angry), 0), COALESCE(sum(r.deescalated), 0), count(r.calm_ms),
	    COALESCE(sum(CASE WHEN r.first_due_at IS NOT NULL AND (r.first_ms IS NOT NULL OR r.first_due_at <= $1) THEN 1 ELSE 0 END), 0),
	    COALESCE(sum(r.first_met), 0),
	    COALESCE(sum(CASE WHEN r.resolve_due_at IS NOT NULL AND (r.resolve_ms IS NOT NULL OR r.resolve_due_at <= $1) THEN 1 ELSE 0 END), 0),
	    COALESCE(sum(r.resolve_met), 0), COALESCE(sum(r.survey_sent), 0), count(r.survey_score), COALESCE(sum(r.survey_score), 0),
	    COALESCE(sum(r.promises_due), 0), COALESCE(sum(r.promises_kept), 0), COALESCE(sum(r.escalated), 0),
	    COALESCE(sum(r.repeat_contact), 0), COALESCE(sum(r.reopened), 0), COALESCE(sum(r.goodwill_cents), 0)
	  FROM case_rollups r WHERE `+where+` GROUP BY 1`, args, func(rows *sql.Rows) error {
		var i, score int
		var g Figures
		if err := rows.Scan(&i, &g.Cases, &g.AngryCases, &g.DeescalatedCases, &g.CalmedCases, &g.FirstResponseDue, &g.FirstResponseMet,
			&g.ResolutionDue, &g.ResolutionMet, &g.SurveysSent, &g.CSATResponses, &score, &g.PromisesDue, &g.PromisesKept,
			&g.EscalatedCases, &g.RepeatContactCases, &g.ReopenedCases, &g.GoodwillSpentCents); err != nil {
			return err
		}
		g.From, g.To, g.EscalationReasons = out[i].From, out[i].To, out[i].EscalationReasons
		out[i], scores[i] = g, score
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: rollups: %w", err)
	}
	// Promises still open whose due time has passed count as due, not kept.
	err = in.query(ctx, `SELECT `+b+` AS b, count(*) FROM commitments k JOIN case_rollups r ON r.case_id = k.case_id
	  WHERE k.status = 'open' AND k.due_at <= $1 AND `+where+` GROUP BY 1`, args, func(rows *sql.Rows) error {
		var i, n int
		if err := rows.Scan(&i, &n); err != nil {
			return err
		}
		out[i].PromisesDue += n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: open promises: %w", err)
	}
	// Every query names $1 (now), so PostgreSQL knows its type.
	nowIsSet := "$1 IS NOT NULL"
	if in.db.Engine == store.Postgres {
		nowIsSet = "CAST($1 AS TIMESTAMPTZ) IS NOT NULL"
	}
	err = in.query(ctx, `SELECT `+b+` AS b, r.escalation_rules, count(*) FROM case_rollups r
	  WHERE r.escalated = 1 AND `+nowIsSet+` AND `+where+` GROUP BY 1, 2`, args, func(rows *sql.Rows) error {
		var i, n int
		var rules string
		if err := rows.Scan(&i, &rules, &n); err != nil {
			return err
		}
		for _, rule := range strings.Split(rules, ";") {
			if rule != "" {
				out[i].EscalationReasons[rule] += n
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: escalation reasons: %w", err)
	}
	for _, m := range []struct {
		col string
		q   []float64
		set func(g *Figures, q int, v *float64)
	}{
		{"calm_ms", []float64{0.5, 0.9}, func(g *Figures, q int, v *float64) {
			if q == 0 {
				g.MedianTimeToCalmMinutes = v
			} else {
				g.P90TimeToCalmMinutes = v
			}
		}},
		{"first_ms", []float64{0.5}, func(g *Figures, _ int, v *float64) { g.MedianFirstResponseMinutes = v }},
		{"resolve_ms", []float64{0.5}, func(g *Figures, _ int, v *float64) { g.MedianResolutionMinutes = v }},
	} {
		if err := in.ranks(ctx, b, where, args, m.col, m.q, func(i, q int, ms int64) {
			v := minutes(time.Duration(ms) * time.Millisecond)
			m.set(&out[i], q, &v)
		}); err != nil {
			return nil, err
		}
	}
	for i := range out {
		out[i].finish(scores[i])
	}
	return out, nil
}

// ranks finds, in each period, the nearest-rank quantiles qs of col (the
// smallest value with at least q of the values at or below it: rank
// ceil(q·n)), and calls set with the period, the quantile's index and the
// value.
func (in *Insights) ranks(ctx context.Context, bucket, where string, args []any, col string, qs []float64, set func(i, q int, v int64)) error {
	nowIsSet := "$1 IS NOT NULL" // every query names $1 (now), so PostgreSQL knows its type
	if in.db.Engine == store.Postgres {
		nowIsSet = "CAST($1 AS TIMESTAMPTZ) IS NOT NULL"
	}
	// ceil(q·n) in integers: q is a whole number of tenths.
	var conds []string
	for _, q := range qs {
		t := int(q*10 + 0.5)
		conds = append(conds, fmt.Sprintf("rn = (%d * n + 9) / 10", t))
	}
	q := `SELECT b, v, rn, n FROM (SELECT ` + bucket + ` AS b, r.` + col + ` AS v,
	    ROW_NUMBER() OVER (PARTITION BY ` + bucket + ` ORDER BY r.` + col + `) AS rn,
	    COUNT(*) OVER (PARTITION BY ` + bucket + `) AS n
	  FROM case_rollups r WHERE r.` + col + ` IS NOT NULL AND ` + nowIsSet + ` AND ` + where + `) t WHERE ` + strings.Join(conds, " OR ")
	err := in.query(ctx, q, args, func(rows *sql.Rows) error {
		var i int
		var v, rn, n int64
		if err := rows.Scan(&i, &v, &rn, &n); err != nil {
			return err
		}
		for k, q := range qs {
			t := int64(q*10 + 0.5)
			if rn == (t*n+9)/10 {
				set(i, k, v)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("insights: %s quantiles: %w", col, err)
	}
	return nil
}
