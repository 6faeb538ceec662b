package insights_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// sameFigures fails t unless the rollups (Summary, Trend) and the concern
// signatures (Problems) answer exactly what the full computation from
// every row answers, for several periods and slices: those of a fresh Insights (a start, which reads the day
// aggregates persisted by earlier checks, some of them stale since) and
// then those of the story's (its days kept in memory).
func sameFigures(t *testing.T, s *story, when string) {
	t.Helper()
	ctx := context.Background()
	started := insights.New(s.db, insights.Options{Now: s.clock.Now})
	day := s.clock.Now().UTC().Truncate(24 * time.Hour)
	periods := []insights.Period{
		week,
		{From: day.AddDate(0, 0, -6), To: day},
		{From: day.AddDate(0, 0, -89), To: day},
		{From: day.AddDate(0, 0, -1), To: day.AddDate(0, 0, 1)},
	}
	filters := []insights.Filter{{}, {Category: "billing"}, {Channel: "email"}, {Tier: "vip"}, {Tier: "standard"},
		{Agent: s.agent.Email}, {Agent: fmt.Sprint(s.agent.ID), Category: "refunds"}, {Agent: "nobody@desk.test"}}
	js := func(v any) string {
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, in := range []struct {
		name string
		in   *insights.Insights
	}{{"after a start", started}, {"warm", s.in}} {
		for _, p := range periods {
			for _, f := range filters {
				got, err := in.in.Summary(ctx, p, f)
				if err != nil {
					t.Fatal(err)
				}
				want, err := s.in.SummaryFull(ctx, p, f)
				if err != nil {
					t.Fatal(err)
				}
				if js(got) != js(want) {
					t.Fatalf("%s, %s: summary %v %+v:\nrollups %s\nfull    %s", when, in.name, p, f, js(got), js(want))
				}
				gotP, err := in.in.Problems(ctx, p, f)
				if err != nil {
					t.Fatal(err)
				}
				wantP, err := s.in.ProblemsFull(ctx, p, f)
				if err != nil {
					t.Fatal(err)
				}
				if js(gotP) != js(wantP) {
					t.Fatalf("%s, %s: problems %v %+v:\nsignatures %s\nfull       %s", when, in.name, p, f, js(gotP), js(wantP))
				}
			}
			got, err := in.in.Trend(ctx, p, insights.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			want, err := s.in.TrendFull(ctx, p, insights.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			if js(got) != js(want) {
				t.Fatalf("%s, %s: trend %v:\nrollups %s\nfull    %s", when, in.name, p, js(got), js(want))
			}
		}
	}
}

var (
	angryTexts = []string{
		"This is the third time I write. You charged me twice and nobody answers. Fix it NOW!!!",
		"I am furious, the parcel is lost again and your people keep lying to me.",
		"Unacceptable. I want my money back today or I call my lawyer.",
	}
	calmTexts = []string{
		"Thank you, that helps a lot. Have a nice day.",
		"Thanks, everything works now!",
		"Could you tell me when the sofa is back in stock?",
	}
)

// TestRollupsEqualFullComputation: the rollups kept by the writing
// transactions answer exactly what the full computation answers — on the
// story, and after each round of random writes through the desk and
// straight to the tables: new cases, follow-ups (a reopen when the case
// was resolved), replies with promises kept and broken, resolves,
// escalations, category and assignee changes, corrected and unreadable
// readings, messages moved between cases, surveys, goodwill, a case moved
// to another customer, tier changes, and time passing due times.
func TestRollupsEqualFullComputation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := tellStory(t, db)
		sameFigures(t, s, "after the story")
		bob, _, err := s.d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "bob@desk.test", Name: "Bob", Role: desk.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(7, 11))
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.Writer().ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		pick := func(q string) (int64, bool) {
			t.Helper()
			var id int64
			err := db.Read().QueryRowContext(ctx, q).Scan(&id)
			return id, err == nil && id != 0
		}
		anyCase := func() (int64, bool) {
			n, _ := pick(`SELECT count(*) FROM cases`)
			if n == 0 {
				return 0, false
			}
			return pick(fmt.Sprintf(`SELECT id FROM cases ORDER BY id LIMIT 1 OFFSET %d`, rng.IntN(int(n))))
		}
		now := s.clock.Now()
		for round := range 6 {
			for step := range 25 {
				now = now.Add(time.Duration(10+rng.IntN(600)) * time.Minute)
				s.clock.Set(now)
				who := fmt.Sprintf("r%d@example.com", rng.IntN(12))
				texts := calmTexts
				if rng.IntN(2) == 0 {
					texts = angryTexts
				}
				text := texts[rng.IntN(len(texts))]
				switch op := rng.IntN(16); op {
				case 0, 1: // a new case
					s.ingest(t, who, text, []string{"", "billing", "refunds"}[rng.IntN(3)], now)
				case 2, 3: // a follow-up, which reopens a resolved case
					if id, ok := pick(`SELECT max(id) FROM cases WHERE status <> 'closed'`); ok {
						var email string
						if err := db.Read().QueryRowContext(ctx, `SELECT cu.email FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1`, id).Scan(&email); err != nil {
							t.Fatal(err)
						}
						if _, err := s.d.Ingest(ctx, desk.InboundMessage{CustomerEmail: email, CaseID: id, Channel: "email", Text: text}); err != nil {
							t.Fatal(err)
						}
					}
				case 4: // a reply, perhaps with a promise
					if id, ok := anyCase(); ok {
						_, _ = s.d.Reply(ctx, s.agent, desk.ReplyInput{CaseID: id,
							Text: "I'm sorry about this. I will refund the $25.00 within 1 business day."})
					}
				case 5: // a promise kept or broken
					if id, ok := pick(`SELECT min(id) FROM commitments WHERE status = 'open'`); ok {
						_, _ = s.d.ClosePromise(ctx, s.agent, id, []string{"kept", "broken"}[rng.IntN(2)], "")
					}
				case 6:
					if id, ok := anyCase(); ok {
						_, _ = s.d.Resolve(ctx, desk.UserActor(s.agent), id)
					}
				case 7:
					if id, ok := anyCase(); ok {
						_, _ = s.d.Escalate(ctx, desk.UserActor(s.agent), id, "manual", "a test")
					}
				case 8: // a category change
					if id, ok := anyCase(); ok {
						if _, err := s.d.SetCategory(ctx, desk.UserActor(s.agent), id, []string{"billing", "refunds", "shipping"}[rng.IntN(3)]); err != nil {
							t.Fatal(err)
						}
					}
				case 9:
					if id, ok := anyCase(); ok {
						_, _ = s.d.Assign(ctx, desk.UserActor(s.agent), id, []int64{s.agent.ID, bob.ID}[rng.IntN(2)])
					}
				case 10: // a corrected reading, or an unreadable one (SQLite)
					if id, ok := pick(`SELECT max(id) FROM messages WHERE direction = 'inbound'`); ok {
						reading := []string{`{"level":"calm","angry":false}`, `{"level":"furious","angry":true}`, `{"level":"annoyed","angry":true}`}[rng.IntN(3)]
						if db.Engine == store.SQLite && rng.IntN(4) == 0 {
							reading = `{not json`
						}
						exec(`UPDATE messages SET reading = $1 WHERE id = $2`, reading, id)
					}
				case 11: // a message moved to another case
					m, ok1 := pick(`SELECT min(id) FROM messages WHERE direction = 'inbound'`)
					c, ok2 := anyCase()
					if ok1 && ok2 {
						exec(`UPDATE messages SET case_id = $1 WHERE id = $2`, c, m)
					}
				case 12: // a survey sent and answered
					if id, ok := anyCase(); ok {
						exec(`INSERT INTO surveys (case_id, token_hash, status, due_at, sent_at, answered_at, score, created_at)
						  VALUES ($1, $2, 'answered', $3, $3, $3, $4, $3)`, id, []byte(fmt.Sprintf("tok%d-%d", round, step)), now, 1+rng.IntN(5))
					}
				case 13: // goodwill approved, or declined
					if id, ok := anyCase(); ok {
						exec(`INSERT INTO goodwill (case_id, kind, amount_cents, currency, status, requested_by, created_at)
						  VALUES ($1, 'credit', $2, 'EUR', $3, $4, $5)`, id, 100+rng.IntN(900), []string{"approved", "declined"}[rng.IntN(2)], s.agent.ID, now)
					}
				case 14: // a case moved to another customer (a merge)
					c, ok1 := anyCase()
					// One of the three newest customers that exist (PostgreSQL's ids have gaps).
					cu, ok2 := pick(fmt.Sprintf(`SELECT id FROM customers ORDER BY id DESC LIMIT 1 OFFSET %d`, rng.IntN(3)))
					if ok1 && ok2 {
						exec(`UPDATE cases SET customer_id = $1 WHERE id = $2`, cu, c)
					}
				case 15: // a customer becomes vip, or standard again
					if cu, ok := pick(fmt.Sprintf(`SELECT id FROM customers ORDER BY id DESC LIMIT 1 OFFSET %d`, rng.IntN(4))); ok {
						exec(`UPDATE customers SET tier = $1 WHERE id = $2`, []string{"vip", "standard"}[rng.IntN(2)], cu)
					}
				}
			}
			if rng.IntN(2) == 0 {
				if _, err := s.d.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
			}
			sameFigures(t, s, fmt.Sprintf("round %d", round))
		}
	})
}
