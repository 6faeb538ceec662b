package insights_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.now = t }

// The week of the story: Monday 16 to Sunday 22 November 2026.
var (
	monday = time.Date(2026, 11, 16, 0, 0, 0, 0, time.UTC)
	week   = insights.Period{From: monday, To: monday.AddDate(0, 0, 6)}
)

// promoComplaints are twelve customers' words about one promo code.
var promoComplaints = []string{
	"Your promo code WINTER24 doesn't work at checkout.",
	"I tried the discount code WINTER24 three times and it keeps saying invalid.",
	"The coupon WINTER24 from your newsletter is rejected when I pay.",
	"Why is WINTER24 not accepted? The promo code was in your own email!",
	"Checkout says the promo code WINTER24 has expired but the offer runs until December.",
	"WINTER24 gives me an error at checkout, code not valid.",
	"I entered the code WINTER24 and no discount was applied to my basket.",
	"Promo code not working. I typed WINTER24 exactly as written.",
	"Your WINTER24 voucher fails every time, what a waste of my evening.",
	"The 20% code WINTER24 is refused on the payment page.",
	"I can't use promo WINTER24, the site says the code is unknown.",
	"The discount code won't apply at checkout even though I copied it from the ad.",
}

// otherMessages are eighteen unrelated first messages.
var otherMessages = []string{
	"Where is my parcel? The tracking page has not moved since Friday.",
	"How do I change the delivery address for my subscription?",
	"My password reset link has expired before I could click it.",
	"The blue jacket I received is a size too small, can I exchange it?",
	"Is the store in Leeds open on Sunday afternoons?",
	"The invoice for November shows the wrong company name.",
	"Your app crashes when I open the wishlist on my tablet.",
	"Can I pay for a gift card with PayPal?",
	"The headphones arrived with a cracked left earcup.",
	"Please close my newsletter subscription for my old address.",
	"Do you ship furniture to Norway?",
	"The chat window covers the cookie banner on my laptop.",
	"My loyalty points from October are missing from the balance.",
	"The oven manual is missing from the box, is there a PDF?",
	"I would like to know when the grey sofa is back in stock.",
	"The courier left the box in the rain and the lamp is wet.",
	"The vacuum cleaner makes a loud rattling noise after a week.",
	"Could you send me a copy of the warranty certificate?",
}

type story struct {
	db       *store.DB
	d        *desk.Desk
	in       *insights.Insights
	clock    *clock
	agent    desk.User
	promoIDs []int64
	calmedID int64
	n        int
}

func (s *story) ingest(t *testing.T, who, text, category string, at time.Time) int64 {
	t.Helper()
	s.clock.Set(at)
	s.n++
	res, err := s.d.Ingest(context.Background(), desk.InboundMessage{
		CustomerEmail: who, Text: text, Channel: "email", Category: category,
		ExternalID: fmt.Sprintf("<m%d@test>", s.n)})
	if err != nil {
		t.Fatalf("ingest %q: %v", text, err)
	}
	return res.CaseID
}

func (s *story) reply(t *testing.T, caseID int64, text string, at time.Time) desk.ReplyResult {
	t.Helper()
	s.clock.Set(at)
	res, err := s.d.Reply(context.Background(), s.agent, desk.ReplyInput{CaseID: caseID, Text: text})
	if err != nil {
		t.Fatalf("reply on %d: %v", caseID, err)
	}
	return res
}

// tellStory builds the week: thirty cases, twelve of them about WINTER24,
// one angry customer calmed by a good reply, one promise kept and one
// broken; three unrelated cases in the weeks before.
func tellStory(t *testing.T, db *store.DB) *story {
	t.Helper()
	ctx := context.Background()
	c := &clock{now: monday.AddDate(0, 0, -21)}
	s := &story{db: db, clock: c, d: desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: c.Now, PublicURL: "https://desk.test"}),
		in: insights.New(db, insights.Options{Now: c.Now})}
	var err error
	if s.agent, _, err = s.d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@desk.test", Name: "Sam", Role: desk.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	// Before the week: nothing about promo codes.
	for i, text := range otherMessages[:3] {
		s.ingest(t, fmt.Sprintf("earlier%d@example.com", i), text, "", monday.AddDate(0, 0, -19+i*6).Add(9*time.Hour))
	}

	// Monday 10:00 an angry customer; a good reply at 10:30; calm at 11:15.
	angryAt := monday.Add(10 * time.Hour)
	s.calmedID = s.ingest(t, "dana@example.com",
		"This is the third time I write. You charged me twice for order 4471 and nobody answers. Fix it NOW!!!", "billing", angryAt)
	s.reply(t, s.calmedID, "Dana, I'm sorry you were charged twice for order 4471 and had to write three times. "+
		"I have refunded the duplicate charge of $59.90 just now.", angryAt.Add(30*time.Minute))
	s.clock.Set(angryAt.Add(75 * time.Minute))
	if _, err := s.d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana@example.com", CaseID: s.calmedID, Channel: "email",
		Text: "Thank you, I can see the refund is on its way. That helps a lot."}); err != nil {
		t.Fatal(err)
	}

	// Monday 12:00 two customers get a promise each; one is kept on Tuesday.
	var promises []int64
	for i, who := range []string{"lee@example.com", "kim@example.com"} {
		id := s.ingest(t, who, "My refund for the returned kettle has not arrived yet.", "refunds", monday.Add(time.Duration(12+i)*time.Hour))
		res := s.reply(t, id, "I'm sorry the refund hasn't arrived. I will refund the $25.00 for the kettle within 1 business day.",
			monday.Add(time.Duration(12+i)*time.Hour+20*time.Minute))
		if len(res.Promises) != 1 {
			t.Fatalf("reply made %d commitments, want 1: %+v", len(res.Promises), res.Promises)
		}
		promises = append(promises, res.Promises[0].ID)
	}
	c.Set(monday.AddDate(0, 0, 1).Add(9 * time.Hour))
	if _, err := s.d.ClosePromise(ctx, s.agent, promises[0], "kept", "refunded"); err != nil {
		t.Fatal(err)
	}

	// Tuesday to Thursday: twelve customers about WINTER24, and the rest.
	for i, text := range promoComplaints {
		at := monday.AddDate(0, 0, 1+i%3).Add(time.Duration(9+i%7) * time.Hour)
		s.promoIDs = append(s.promoIDs, s.ingest(t, fmt.Sprintf("promo%d@example.com", i), text, "", at))
	}
	for i, text := range otherMessages[3:] {
		at := monday.AddDate(0, 0, 1+i%3).Add(time.Duration(9+i%8)*time.Hour + 30*time.Minute)
		s.ingest(t, fmt.Sprintf("other%d@example.com", i), text, "", at)
	}
	// Friday: the sweep finds the second promise broken.
	c.Set(monday.AddDate(0, 0, 4).Add(15 * time.Hour))
	if _, err := s.d.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := tellStory(t, db)

		sum, err := s.in.Summary(ctx, week, insights.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Cases != 30 {
			t.Errorf("cases = %d, want 30", sum.Cases)
		}
		if sum.Previous.Cases != 1 || sum.Previous.From != "2026-11-09" || sum.Previous.To != "2026-11-15" {
			t.Errorf("previous = %d cases %s..%s, want 1 case 2026-11-09..2026-11-15", sum.Previous.Cases, sum.Previous.From, sum.Previous.To)
		}
		if sum.PromiseKeptRate == nil || *sum.PromiseKeptRate != 0.5 || sum.PromisesDue != 2 {
			t.Errorf("promise kept rate = %v of %d, want 0.5 of 2", ptr(sum.PromiseKeptRate), sum.PromisesDue)
		}
		if sum.MedianTimeToCalmMinutes == nil || *sum.MedianTimeToCalmMinutes != 75 || sum.CalmedCases != 1 {
			t.Errorf("time to calm = %v over %d cases, want 75 minutes over 1", ptr(sum.MedianTimeToCalmMinutes), sum.CalmedCases)
		}
		deesc, err := s.in.Cases(ctx, week, insights.Filter{}, "deescalated", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(deesc) != 1 || deesc[0].ID != s.calmedID || ptr(deesc[0].TimeToCalmMinutes) != any(75.0) {
			t.Errorf("de-escalated cases = %+v, want case %d calmed in 75 minutes", deesc, s.calmedID)
		}
		if sum.DeescalatedCases != 1 || sum.AngryCases < 1 || sum.DeescalationRate == nil {
			t.Errorf("de-escalated %d of %d angry, rate %v", sum.DeescalatedCases, sum.AngryCases, ptr(sum.DeescalationRate))
		}
		if sum.EscalatedCases < 1 || sum.EscalationReasons["broken_promise"] != 1 {
			t.Errorf("escalations = %d %v, want the broken promise among them", sum.EscalatedCases, sum.EscalationReasons)
		}

		problems, err := s.in.Problems(ctx, week, insights.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var spikes []insights.Problem
		for _, p := range problems {
			if p.Spike {
				spikes = append(spikes, p)
			}
		}
		if len(spikes) != 1 {
			t.Fatalf("spikes = %+v, want one", spikes)
		}
		p := spikes[0]
		if problems[0].Label != p.Label {
			t.Errorf("biggest problem is %q, want the spike %q first", problems[0].Label, p.Label)
		}
		held := 0
		for _, id := range p.CaseIDs {
			if slices.Contains(s.promoIDs, id) {
				held++
			}
		}
		if held < 10 || p.Count != len(p.CaseIDs) || p.Baseline != 0 {
			t.Errorf("spike %q holds %d of the 12 promo cases (count %d, baseline %v), want ≥ 10, baseline 0", p.Label, held, p.Count, p.Baseline)
		}
		words := strings.ToLower(strings.Join(promoComplaints, " "))
		for _, w := range strings.FieldsFunc(p.Label, func(r rune) bool { return r == ' ' || r == ',' }) {
			if !strings.Contains(words, strings.ToLower(w)) {
				t.Errorf("label %q: %q is not the customers' word", p.Label, w)
			}
		}
		t.Logf("problems: %+v", problems)

		works, err := s.in.WhatWorks(ctx, week, insights.Filter{Category: "billing"})
		if err != nil {
			t.Fatal(err)
		}
		if len(works) != 1 || works[0].Replies != 1 || works[0].Calmed != 1 || len(works[0].Patterns) == 0 {
			t.Fatalf("what works in billing = %+v, want the one reply that calmed Dana", works)
		}
		for _, p := range works[0].Patterns {
			if p.Calmed != 1 || p.ExampleCaseID != s.calmedID || ptr(p.CalmRate) != any(1.0) {
				t.Errorf("pattern %+v, want it calming case %d", p, s.calmedID)
			}
		}
	})
}

func ptr[T any](v *T) any {
	if v == nil {
		return nil
	}
	return *v
}

func TestSpikeNotifiedOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := tellStory(t, db)
		sup, _, err := s.d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sue@desk.test", Name: "Sue", Role: desk.RoleSupervisor})
		if err != nil {
			t.Fatal(err)
		}
		told, err := s.in.NotifySpikes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(told) != 1 || !strings.Contains(told[0].Link, "/insights/cases?") {
			t.Fatalf("told = %+v, want the one spike", told)
		}
		again, err := s.in.NotifySpikes(ctx)
		if err != nil || len(again) != 0 {
			t.Errorf("second check told %+v (%v), want nothing new", again, err)
		}
		notes, err := s.d.Notifications(ctx, sup, 50)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, note := range notes {
			if note.Kind == "insights.spike" {
				n++
				if !strings.Contains(note.Message, told[0].Label) {
					t.Errorf("notification %q does not name %q", note.Message, told[0].Label)
				}
			}
		}
		if n != 1 {
			t.Errorf("supervisor has %d spike notifications, want 1", n)
		}
	})
}

func TestDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := tellStory(t, db)
		d, err := s.in.Digest(ctx, insights.WeekOf(s.clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if d.Cases != 30 || len(d.Weeks) != 4 || d.Weeks[3].Cases != 30 || len(d.Spikes) != 1 || len(d.Broken) != 1 {
			t.Errorf("digest: %d cases, %d weeks, %d spikes, %d broken promises; want 30, 4 (the last of 30), 1, 1",
				d.Cases, len(d.Weeks), len(d.Spikes), len(d.Broken))
		}
		for _, step := range []struct {
			at   time.Time
			want bool
		}{
			{s.clock.Now(), true},                               // none sent this week yet: last week's goes out
			{s.clock.Now().Add(time.Hour), false},               // once a week
			{monday.AddDate(0, 0, 7).Add(7 * time.Hour), false}, // next Monday, before 08:00
			{monday.AddDate(0, 0, 7).Add(9 * time.Hour), true},  // this week's
			{monday.AddDate(0, 0, 7).Add(10 * time.Hour), false},
		} {
			s.clock.Set(step.at)
			if sent, err := s.in.NotifyDigest(ctx); err != nil || sent != step.want {
				t.Errorf("digest at %s: sent %v (%v), want %v", step.at, sent, err, step.want)
			}
		}
	})
}

func TestCoaching(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		s := tellStory(t, db)
		c, err := s.in.Coaching(context.Background(), week, s.agent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Replies != 3 || len(c.Steps) == 0 || c.Figures.Cases == 0 || len(c.Weeks) != 7 || c.Weeks[0].Replies != 3 || c.Weeks[0].Score == nil {
			t.Errorf("coaching = %+v, want Sam's 3 replies on Monday with their steps", c)
		}
	})
}
