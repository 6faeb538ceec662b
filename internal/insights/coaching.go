package insights

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
)

// Coaching is one agent's practice over a period, from the coach's reviews
// of their replies and the cases assigned to them.
type Coaching struct {
	AgentID int64 `json:"agent_id"`
	// Figures are the figures of the cases assigned to the agent now,
	// exposure (angry share) and de-escalation included.
	Figures Figures `json:"figures"`
	Replies int     `json:"replies"` // reviewed replies they sent in the period
	// Steps is how often their replies took each method step.
	Steps []Usage `json:"steps"`
	// Pitfalls is how often the coach found each pitfall in their replies.
	Pitfalls []Usage `json:"pitfalls"`
	// Weeks is the same, bucket by bucket (days up to 31 days, else weeks).
	Weeks []CoachingBucket `json:"weeks"`
}

// Usage is how many replies did one thing, and their share.
type Usage struct {
	ID      string   `json:"id"`
	Replies int      `json:"replies"`
	Share   *float64 `json:"share"`
}

// CoachingBucket is one day's or week's replies.
type CoachingBucket struct {
	From     string   `json:"from"`
	To       string   `json:"to"`
	Replies  int      `json:"replies"`
	Score    *float64 `json:"average_score"` // the coach's 0–100 score
	Pitfalls int      `json:"pitfalls"`      // findings, all kinds
}

// Coaching gathers agentID's practice in p.
func (in *Insights) Coaching(ctx context.Context, p Period, agentID int64) (Coaching, error) {
	c := Coaching{AgentID: agentID, Steps: []Usage{}, Pitfalls: []Usage{}}
	cases, err := in.load(ctx, p.Start(), p.End(), Filter{Agent: strconv.FormatInt(agentID, 10)})
	if err != nil {
		return c, err
	}
	c.Figures = figuresOf(p, cases, in.Now())
	buckets := Buckets(p)
	scores := make([][]float64, len(buckets))
	c.Weeks = make([]CoachingBucket, len(buckets))
	for i, b := range buckets {
		c.Weeks[i] = CoachingBucket{From: b.From.Format("2006-01-02"), To: b.To.Format("2006-01-02")}
	}
	steps, pitfalls := map[string]int{}, map[string]int{}
	err = in.query(ctx, `SELECT created_at, review FROM messages
	  WHERE author_user_id = $1 AND direction = 'outbound' AND review IS NOT NULL AND created_at >= $2 AND created_at < $3
	  ORDER BY created_at, id`, []any{agentID, p.Start(), p.End()}, func(rows *sql.Rows) error {
		var at sql.NullTime
		var raw string
		if err := rows.Scan(&at, &raw); err != nil {
			return err
		}
		var rv struct {
			storedReview
			Score int `json:"score"`
		}
		if json.Unmarshal([]byte(raw), &rv) != nil || !rv.Supported {
			return nil
		}
		c.Replies++
		i := sort.Search(len(buckets), func(i int) bool { return at.Time.UTC().Before(buckets[i].End()) })
		if i == len(buckets) {
			i--
		}
		c.Weeks[i].Replies++
		scores[i] = append(scores[i], float64(rv.Score))
		for _, s := range rv.Steps {
			if s.Done {
				steps[s.ID]++
			}
		}
		seen := map[string]bool{}
		for _, f := range rv.Findings {
			c.Weeks[i].Pitfalls++
			if !seen[f.Rule] {
				seen[f.Rule] = true
				pitfalls[f.Rule]++
			}
		}
		return nil
	})
	if err != nil {
		return c, fmt.Errorf("insights: coaching of user %d: %w", agentID, err)
	}
	for i, s := range scores {
		if len(s) > 0 {
			sum := 0.0
			for _, v := range s {
				sum += v
			}
			avg := round(sum / float64(len(s)))
			c.Weeks[i].Score = &avg
		}
	}
	usage := func(m map[string]int) []Usage {
		out := []Usage{}
		for id, n := range m {
			out = append(out, Usage{ID: id, Replies: n, Share: rate(n, c.Replies)})
		}
		sort.Slice(out, func(a, b int) bool {
			if out[a].Replies != out[b].Replies {
				return out[a].Replies > out[b].Replies
			}
			return out[a].ID < out[b].ID
		})
		return out
	}
	c.Steps, c.Pitfalls = usage(steps), usage(pitfalls)
	return c, nil
}
