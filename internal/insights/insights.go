// Package insights answers a support lead's questions from what the desk
// has stored: how many cases, how many angry, how many calmed and how fast,
// promises kept, escalations, surveys, repeat contacts, and the recurring
// problems in the customers' own words. It only reads the desk's tables
// (and writes spike notifications); docs/insights.md defines every figure.
package insights

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
)

// Insights runs the queries against one desk database.
type Insights struct {
	db    *store.DB
	now   func() time.Time
	cache *dayCache  // day aggregates of the rollups, by slice
	pool  *poolCache // resolved cases' concern words, by category and day (Similar)

	similarPool int // SimilarPool; tests make it small
}

// Options configure Insights; zero values pick the production defaults.
type Options struct {
	Now func() time.Time // default time.Now; tests pass a fixed clock
}

// New returns Insights over db.
func New(db *store.DB, opt Options) *Insights {
	in := &Insights{db: db, now: opt.Now, cache: &dayCache{slices: map[Filter]*sliceDays{}},
		pool: &poolCache{days: map[poolKey]*poolDay{}}, similarPool: SimilarPool}
	if in.now == nil {
		in.now = time.Now
	}
	return in
}

// Now is the time the figures are measured at (UTC, microseconds).
func (in *Insights) Now() time.Time { return in.now().UTC().Truncate(time.Microsecond) }

// MaxPeriod is the longest period one request may cover.
const MaxPeriod = 366 * 24 * time.Hour

// Period is a span of whole UTC days: From's midnight up to, not
// including, the midnight after To.
type Period struct {
	From, To time.Time // dates (midnight UTC); To is the last day included
}

// Start is the first instant of the period.
func (p Period) Start() time.Time { return p.From }

// End is the first instant after the period.
func (p Period) End() time.Time { return p.To.AddDate(0, 0, 1) }

// Days is the period's length in days.
func (p Period) Days() int { return int(p.End().Sub(p.Start()).Hours()/24 + 0.5) }

// Previous is the period of equal length just before p.
func (p Period) Previous() Period {
	n := p.Days()
	return Period{From: p.From.AddDate(0, 0, -n), To: p.From.AddDate(0, 0, -1)}
}

// ParsePeriod reads two YYYY-MM-DD dates. An empty from or to defaults to
// the seven days ending today.
func ParsePeriod(from, to string, now time.Time) (Period, error) {
	bad := map[string]string{}
	day := func(field, s string, def time.Time) time.Time {
		if s == "" {
			return def
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			bad[field] = "must be a date YYYY-MM-DD"
		}
		return t
	}
	today := now.UTC().Truncate(24 * time.Hour)
	p := Period{To: day("to", to, today)}
	p.From = day("from", from, p.To.AddDate(0, 0, -6))
	switch {
	case len(bad) > 0:
	case p.To.Before(p.From):
		bad["to"] = "must not be before from"
	case p.End().Sub(p.Start()) > MaxPeriod:
		bad["to"] = "the period may cover at most 366 days"
	case p.From.Before(desk.EarliestTime):
		bad["from"] = "must not be before 2000-01-01"
	case p.To.Year() > 9998:
		bad["to"] = "is too far in the future"
	}
	if len(bad) > 0 {
		return Period{}, &desk.ValidationError{Fields: bad}
	}
	return p, nil
}

// Filter narrows the cases to one slice; empty fields match everything.
type Filter struct {
	Category string `json:"category,omitempty"`
	Agent    string `json:"agent,omitempty"` // the assignee's user id or email
	Channel  string `json:"channel,omitempty"`
	Tier     string `json:"tier,omitempty"` // the customer's tier
}

// caseWhere is the WHERE clause picking the cases created in [start, end)
// that pass f, over cases c, customers cu and users u; its placeholders
// start at $1.
func caseWhere(start, end time.Time, f Filter) (string, []any) {
	where := "c.created_at >= $1 AND c.created_at < $2"
	args := []any{start, end}
	add := func(cond, v string) {
		if v == "" {
			return
		}
		args = append(args, v)
		where += fmt.Sprintf(" AND "+cond, len(args))
	}
	add("c.category = $%d", f.Category)
	add("c.channel = $%d", f.Channel)
	add("cu.tier = $%d", f.Tier)
	if f.Agent != "" {
		args = append(args, f.Agent)
		n := len(args)
		where += fmt.Sprintf(" AND (CAST(u.id AS TEXT) = $%d OR u.email = $%d)", n, n)
	}
	return where, args
}

// caseJoin is the FROM clause caseWhere's conditions need.
const caseJoin = ` cases c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users u ON u.id = c.assignee_id `

// joinCases joins caseJoin's tables to the case named by col.
func joinCases(col string) string {
	return ` cases c ON c.id = ` + col + ` JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users u ON u.id = c.assignee_id `
}

func (in *Insights) query(ctx context.Context, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := in.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func invalid(field, msg string) error {
	return &desk.ValidationError{Fields: map[string]string{field: msg}}
}
