package insights

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Pattern is one thing replies to angry customers did — a method step
// taken, or a pitfall the coach found — and what the customer's next
// message was like.
type Pattern struct {
	Pattern    string   `json:"pattern"` // "step:apologize", "pitfall:blame"
	Replies    int      `json:"replies"` // replies to an angry customer that did it and were answered
	Calmed     int      `json:"calmed"`  // the customer's next message read calm
	StillAngry int      `json:"still_angry"`
	CalmRate   *float64 `json:"calm_rate"` // calmed / replies
	// Example is a reply that did it and was followed by calm (or, for a
	// pattern that never calmed anyone, one followed by anger).
	ExampleCaseID    int64 `json:"example_case_id,omitempty"`
	ExampleMessageID int64 `json:"example_message_id,omitempty"`
}

// WhatWorks is, per category, how customers answered replies by what the
// replies did.
type WhatWorks struct {
	Category string    `json:"category"`
	Replies  int       `json:"replies"`
	Calmed   int       `json:"calmed"`
	Patterns []Pattern `json:"patterns"` // most used first
}

// storedReview is the part of a stored coach.Review insights read.
type storedReview struct {
	Supported bool `json:"supported"`
	Steps     []struct {
		ID   string `json:"id"`
		Done bool   `json:"done"`
	} `json:"steps"`
	Findings []struct {
		Rule string `json:"rule"`
	} `json:"findings"`
}

// WhatWorks looks at every reviewed reply on the period's cases that
// answered an angry customer (the customer message before it read annoyed
// or worse) and was answered in turn, and counts, per category and per
// step or pitfall, how often the next customer message read calm.
func (in *Insights) WhatWorks(ctx context.Context, p Period, f Filter) ([]WhatWorks, error) {
	cases, err := in.load(ctx, p.Start(), p.End(), f)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*caseFacts{}
	for _, c := range cases {
		byID[c.ID] = c
	}
	type reply struct {
		caseID, id int64
		at         time.Time
		patterns   []string
	}
	var replies []reply
	where, args := caseWhere(p.Start(), p.End(), f)
	err = in.query(ctx, `SELECT m.case_id, m.id, m.created_at, m.review FROM messages m JOIN`+joinCases("m.case_id")+`
	  WHERE `+where+` AND m.direction = 'outbound' AND m.review IS NOT NULL ORDER BY m.case_id, m.created_at, m.id`, args,
		func(rows *sql.Rows) error {
			var r reply
			var raw string
			if err := rows.Scan(&r.caseID, &r.id, &r.at, &raw); err != nil {
				return err
			}
			var rv storedReview
			if json.Unmarshal([]byte(raw), &rv) != nil || !rv.Supported {
				return nil
			}
			r.at = r.at.UTC()
			for _, s := range rv.Steps {
				if s.Done {
					r.patterns = append(r.patterns, "step:"+s.ID)
				}
			}
			seen := map[string]bool{}
			for _, fd := range rv.Findings {
				if !seen[fd.Rule] {
					seen[fd.Rule] = true
					r.patterns = append(r.patterns, "pitfall:"+fd.Rule)
				}
			}
			replies = append(replies, r)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("insights: replies: %w", err)
	}

	type tally struct {
		WhatWorks
		patterns map[string]*Pattern
	}
	cats := map[string]*tally{}
	for _, r := range replies {
		c := byID[r.caseID]
		if c == nil {
			continue
		}
		before, after := -1, -1
		for i, m := range c.Inbound {
			if !m.At.After(r.at) {
				before = i
			} else if after < 0 {
				after = i
			}
		}
		if before < 0 || after < 0 || !c.Inbound[before].Angry {
			continue
		}
		calmed := c.Inbound[after].Level == "calm" && !c.Inbound[after].Angry
		t := cats[c.Category]
		if t == nil {
			t = &tally{WhatWorks: WhatWorks{Category: c.Category}, patterns: map[string]*Pattern{}}
			cats[c.Category] = t
		}
		t.Replies++
		if calmed {
			t.Calmed++
		}
		for _, name := range r.patterns {
			pt := t.patterns[name]
			if pt == nil {
				pt = &Pattern{Pattern: name}
				t.patterns[name] = pt
			}
			pt.Replies++
			if calmed {
				pt.Calmed++
			} else {
				pt.StillAngry++
			}
			if (calmed && pt.Calmed == 1) || pt.ExampleCaseID == 0 {
				pt.ExampleCaseID, pt.ExampleMessageID = r.caseID, r.id
			}
		}
	}
	out := []WhatWorks{}
	for _, t := range cats {
		for _, pt := range t.patterns {
			pt.CalmRate = rate(pt.Calmed, pt.Replies)
			t.Patterns = append(t.Patterns, *pt)
		}
		sort.Slice(t.Patterns, func(a, b int) bool {
			pa, pb := t.Patterns[a], t.Patterns[b]
			if pa.Replies != pb.Replies {
				return pa.Replies > pb.Replies
			}
			return pa.Pattern < pb.Pattern
		})
		out = append(out, t.WhatWorks)
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Replies != out[b].Replies {
			return out[a].Replies > out[b].Replies
		}
		return out[a].Category < out[b].Category
	})
	return out, nil
}
