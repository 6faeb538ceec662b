package insights

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/calmdesk/calmdesk/internal/store"
)

// caseFacts is what the figures need to know about one case.
type caseFacts struct {
	ID          int64
	CustomerID  int64
	Tier        string
	Category    string
	Channel     string
	AgentID     int64
	Agent       string // the assignee's email
	Status      string
	CreatedAt   time.Time
	FirstDue    *time.Time
	FirstReply  *time.Time
	ResolveDue  *time.Time
	ResolvedAt  *time.Time
	Inbound     []inbound // customer messages, oldest first
	Escalations []string  // rules, in order
	Survey      *int      // the latest answered score
	SurveySent  bool      // a survey went out
	Promises    []promise
	Reopened    bool
	Repeat      bool
	Goodwill    int64 // approved, cents
}

type inbound struct {
	At       time.Time
	Level    string
	Angry    bool
	Concerns []string
}

type promise struct {
	Status   string
	Due      *time.Time
	ClosedAt *time.Time
}

// repeatWindow is how far back an earlier case by the same customer makes
// a case a repeat contact.
const repeatWindow = 30 * 24 * time.Hour

// need says which facts a query needs beyond the cases themselves.
type need int

const (
	needFigures  need = 1 << iota // escalations, surveys, promises, reopens, goodwill, repeat contacts
	needConcerns                  // the concerns of the customers' messages
	needAll      = needFigures | needConcerns
)

// load reads all the facts of the cases created in [start, end) that pass
// f, ordered by id.
func (in *Insights) load(ctx context.Context, start, end time.Time, f Filter) ([]*caseFacts, error) {
	return in.loadFor(ctx, start, end, f, needAll)
}

// loadFor reads the facts of the cases created in [start, end) that pass
// f that n says are needed, ordered by id.
func (in *Insights) loadFor(ctx context.Context, start, end time.Time, f Filter, n need) ([]*caseFacts, error) {
	where, args := caseWhere(start, end, f)
	var cases []*caseFacts
	byID := map[int64]*caseFacts{}
	err := in.query(ctx, `SELECT c.id, c.customer_id, cu.tier, c.category, c.channel, COALESCE(u.id, 0), COALESCE(u.email, ''),
	        c.status, c.created_at, c.first_response_due_at, c.first_responded_at, c.resolution_due_at, c.resolved_at
	   FROM`+caseJoin+`WHERE `+where+` ORDER BY c.id`, args, func(rows *sql.Rows) error {
		var c caseFacts
		var firstDue, firstReply, resolveDue, resolved sql.NullTime
		if err := rows.Scan(&c.ID, &c.CustomerID, &c.Tier, &c.Category, &c.Channel, &c.AgentID, &c.Agent,
			&c.Status, &c.CreatedAt, &firstDue, &firstReply, &resolveDue, &resolved); err != nil {
			return err
		}
		c.CreatedAt = c.CreatedAt.UTC()
		c.FirstDue, c.FirstReply, c.ResolveDue, c.ResolvedAt = timePtr(firstDue), timePtr(firstReply), timePtr(resolveDue), timePtr(resolved)
		cases = append(cases, &c)
		byID[c.ID] = &c
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: cases: %w", err)
	}
	if len(cases) == 0 {
		return cases, nil
	}
	of := func(id int64) *caseFacts { return byID[id] }

	concerns := "NULL"
	if n&needConcerns != 0 {
		concerns = "m.concerns"
	}
	// reading_facts holds each customer message's level, angry flag and
	// concerns (migration 00013): no stored reading is parsed here.
	err = in.query(ctx, `SELECT m.case_id, m.created_at, m.level, m.angry, `+concerns+` FROM reading_facts m JOIN`+joinCases("m.case_id")+`
	  WHERE `+where+` ORDER BY m.case_id, m.created_at, m.message_id`, args, func(rows *sql.Rows) error {
		var id int64
		var m inbound
		var level, concerns sql.NullString
		var angry int
		if err := rows.Scan(&id, &m.At, &level, &angry, &concerns); err != nil {
			return err
		}
		m.At, m.Level, m.Angry = m.At.UTC(), level.String, angry == 1
		if concerns.Valid {
			var cs []struct {
				Text string `json:"text"`
			}
			_ = json.Unmarshal([]byte(concerns.String), &cs) // unreadable concerns count as none
			for _, c := range cs {
				m.Concerns = append(m.Concerns, c.Text)
			}
		}
		if c := of(id); c != nil {
			c.Inbound = append(c.Inbound, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: messages: %w", err)
	}
	if n&needFigures == 0 {
		return cases, nil
	}

	err = in.query(ctx, `SELECT e.case_id, e.rule FROM escalations e JOIN`+joinCases("e.case_id")+`
	  WHERE `+where+` ORDER BY e.id`, args, func(rows *sql.Rows) error {
		var id int64
		var rule string
		if err := rows.Scan(&id, &rule); err != nil {
			return err
		}
		if c := of(id); c != nil {
			c.Escalations = append(c.Escalations, rule)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: escalations: %w", err)
	}

	err = in.query(ctx, `SELECT s.case_id, s.status, s.score, s.sent_at FROM surveys s JOIN`+joinCases("s.case_id")+`
	  WHERE `+where+` ORDER BY s.id`, args, func(rows *sql.Rows) error {
		var id int64
		var status string
		var score sql.NullInt64
		var sent sql.NullTime
		if err := rows.Scan(&id, &status, &score, &sent); err != nil {
			return err
		}
		c := of(id)
		if c == nil {
			return nil
		}
		c.SurveySent = c.SurveySent || sent.Valid
		if status == "answered" && score.Valid {
			v := int(score.Int64)
			c.Survey = &v
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: surveys: %w", err)
	}

	err = in.query(ctx, `SELECT k.case_id, k.status, k.due_at, k.closed_at FROM commitments k JOIN`+joinCases("k.case_id")+`
	  WHERE `+where+` ORDER BY k.id`, args, func(rows *sql.Rows) error {
		var id int64
		var p promise
		var due, closed sql.NullTime
		if err := rows.Scan(&id, &p.Status, &due, &closed); err != nil {
			return err
		}
		p.Due, p.ClosedAt = timePtr(due), timePtr(closed)
		if c := of(id); c != nil {
			c.Promises = append(c.Promises, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: commitments: %w", err)
	}

	err = in.query(ctx, `SELECT DISTINCT a.case_id FROM audit_events a JOIN`+joinCases("a.case_id")+`
	  WHERE `+where+` AND a.action = 'case.reopened'`, args, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		if c := of(id); c != nil {
			c.Reopened = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: reopens: %w", err)
	}

	// +status on SQLite: its planner otherwise walks every approved
	// goodwill by the status index (231 ms for one case at 1,000,000)
	// instead of the period's cases by their opening time.
	status := "g.status"
	if in.db.Engine == store.SQLite {
		status = "+g.status"
	}
	err = in.query(ctx, `SELECT g.case_id, g.amount_cents FROM goodwill g JOIN`+joinCases("g.case_id")+`
	  WHERE `+where+` AND `+status+` = 'approved'`, args, func(rows *sql.Rows) error {
		var id, cents int64
		if err := rows.Scan(&id, &cents); err != nil {
			return err
		}
		if c := of(id); c != nil {
			c.Goodwill += cents
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: goodwill: %w", err)
	}

	// Earlier cases of the same customers, for repeat contacts.
	earlier := map[int64][]time.Time{}
	err = in.query(ctx, `SELECT p.customer_id, p.created_at FROM cases p
	  WHERE p.created_at >= $`+fmt.Sprint(len(args)+1)+` AND p.created_at < $2
	    AND p.customer_id IN (SELECT c.customer_id FROM`+caseJoin+`WHERE `+where+`)`,
		append(slices.Clone(args), start.Add(-repeatWindow)), func(rows *sql.Rows) error {
			var cust int64
			var at time.Time
			if err := rows.Scan(&cust, &at); err != nil {
				return err
			}
			earlier[cust] = append(earlier[cust], at.UTC())
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("insights: repeat contacts: %w", err)
	}
	for _, c := range cases {
		for _, at := range earlier[c.CustomerID] {
			if at.Before(c.CreatedAt) && !at.Before(c.CreatedAt.Add(-repeatWindow)) {
				c.Repeat = true
				break
			}
		}
	}
	return cases, nil
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}
