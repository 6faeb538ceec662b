package desk_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

func mustDetail(t *testing.T, d *desk.Desk, id int64) desk.CaseDetail {
	t.Helper()
	c, err := d.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Story 1: the promise in Sam's reply is tracked, he is reminded on the
// morning it is due, and marks it kept.
func TestPromiseTrackedRemindedAndKept(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)) // Monday morning
		reply, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID,
			Text: "Hi Dana,\n\nI'm sorry you were charged twice for order 4471 and that your earlier emails went unanswered. I will refund the duplicate $59.90 within 3 business days.\n\nSam"})
		if err != nil {
			t.Fatal(err)
		}
		if reply.Review == nil || len(reply.Promises) == 0 {
			t.Fatalf("reply review %+v with commitments %+v, want a tracked promise", reply.Review, reply.Promises)
		}
		p := reply.Promises[0]
		if p.Status != "open" || p.DueAt == nil || p.DueAt.Weekday() != time.Thursday {
			t.Fatalf("promise = %+v, want open and due Thursday", p)
		}
		clock.Set(time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)) // Wednesday: nothing yet
		if r, err := d.Sweep(ctx); err != nil || r.Reminded != 0 {
			t.Fatalf("Wednesday sweep = %+v, %v", r, err)
		}
		clock.Set(time.Date(2026, 12, 3, 9, 5, 0, 0, time.UTC)) // Thursday morning
		if r, err := d.Sweep(ctx); err != nil || r.Reminded != 1 || r.Broken != 0 {
			t.Fatalf("Thursday sweep = %+v, %v", r, err)
		}
		if r, _ := d.Sweep(ctx); r.Reminded != 0 {
			t.Errorf("reminded twice")
		}
		notes, _ := d.Notifications(ctx, sam, 10)
		if len(notes) == 0 || notes[0].Kind != "promise_due" {
			t.Errorf("Sam's notifications = %+v", notes)
		}
		kept, err := d.ClosePromise(ctx, sam, p.ID, "kept", "refund ref RF-2291")
		if err != nil || kept.Status != "kept" || kept.Note != "refund ref RF-2291" {
			t.Fatalf("kept = %+v, %v", kept, err)
		}
		if _, err := d.ClosePromise(ctx, sam, p.ID, "kept", ""); err == nil {
			t.Error("a kept promise was kept twice")
		}
		clock.Set(time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC))
		if r, _ := d.Sweep(ctx); r.Broken != 0 {
			t.Errorf("a kept promise was broken")
		}
		stats, err := d.PromiseStats(ctx)
		if err != nil || stats.Kept != 1 || stats.KeptRate != 1 {
			t.Errorf("promise stats = %+v, %v", stats, err)
		}
	})
}

// Story 3: a replacement promised by a date and not marked kept breaks at its
// due time: the case rises, escalates and the owner is told.
func TestBrokenPromiseEscalates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		clock.Set(time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC))
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "priya@example.com", CustomerName: "Priya Nair",
			Text: "The blender arrived broken. I'm really disappointed. Can you send a replacement?"})
		if err != nil {
			t.Fatal(err)
		}
		reply, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID,
			Text: "Hi Priya, I'm sorry the blender arrived broken, that is disappointing. I will send you a replacement by Friday and email you the tracking number."})
		if err != nil {
			t.Fatal(err)
		}
		if len(reply.Promises) == 0 || reply.Promises[0].DueAt == nil {
			t.Fatalf("commitments = %+v, want one with a due time", reply.Promises)
		}
		before := mustDetail(t, d, res.CaseID)
		clock.Set(reply.Promises[0].DueAt.Add(time.Minute))
		r, err := d.Sweep(ctx)
		if err != nil || r.Broken < 1 {
			t.Fatalf("sweep after due = %+v, %v", r, err)
		}
		after := mustDetail(t, d, res.CaseID)
		if after.Status != desk.StatusEscalated || after.Priority <= before.Priority {
			t.Errorf("after the broken promise: status %s priority %d (was %d)", after.Status, after.Priority, before.Priority)
		}
		if after.Promises[0].Status != "broken" {
			t.Errorf("promise status %s, want broken", after.Promises[0].Status)
		}
		last := after.Escalations[len(after.Escalations)-1]
		if last.Rule != "broken_promise" || !strings.Contains(last.Summary, "broken") {
			t.Errorf("escalation = %+v", last)
		}
		notes, _ := d.Notifications(ctx, sam, 10)
		found := false
		for _, n := range notes {
			found = found || n.Kind == "promise_broken"
		}
		if !found {
			t.Errorf("owner not told of the broken promise: %+v", notes)
		}
	})
}

func TestSLAWarningThenBreachEscalates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		clock.Set(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)) // Monday
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "kim@example.com", Text: "Hello, how long does delivery to Portugal take?"})
		if err != nil {
			t.Fatal(err)
		}
		c := mustDetail(t, d, res.CaseID)
		clock.Set(c.FirstResponseDueAt.Add(-10 * time.Minute))
		if r, err := d.Sweep(ctx); err != nil || r.SLAWarnings != 1 || r.SLABreaches != 0 {
			t.Fatalf("sweep before due = %+v, %v", r, err)
		}
		clock.Set(c.FirstResponseDueAt.Add(time.Minute))
		if r, err := d.Sweep(ctx); err != nil || r.SLABreaches != 1 {
			t.Fatalf("sweep after due = %+v, %v", r, err)
		}
		if r, _ := d.Sweep(ctx); r.SLABreaches != 0 || r.SLAWarnings != 0 {
			t.Errorf("breach recorded twice: %+v", r)
		}
		c = mustDetail(t, d, res.CaseID)
		if c.Status != desk.StatusEscalated || c.Escalations[0].Rule != "sla_breach" {
			t.Errorf("after the breach: %s %+v", c.Status, c.Escalations)
		}
	})
}

// Story 1's ending and story 4: the survey goes out after resolution, a
// happy answer closes the loop; an angry customer gets no survey, and
// writing again cancels it.
func TestFollowUpSurvey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		clock.Set(time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)) // Thursday
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana@example.com", CustomerName: "Dana Reyes", Text: "Thanks, I can see the refund now."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Resolve(ctx, desk.UserActor(sam), res.CaseID); err != nil {
			t.Fatal(err)
		}
		c := mustDetail(t, d, res.CaseID)
		if len(c.Surveys) != 1 || c.Surveys[0].Status != "scheduled" {
			t.Fatalf("surveys = %+v", c.Surveys)
		}
		clock.Set(c.Surveys[0].DueAt.Add(time.Minute))
		r, err := d.Sweep(ctx)
		if err != nil || r.SurveysSent != 1 {
			t.Fatalf("sweep = %+v, %v", r, err)
		}
		c = mustDetail(t, d, res.CaseID)
		last := c.Messages[len(c.Messages)-1]
		i := strings.Index(last.CleanText, "https://desk.example/survey/")
		if last.Direction != desk.Outbound || i < 0 {
			t.Fatalf("check-in message = %q", last.CleanText)
		}
		token, _, _ := strings.Cut(strings.Fields(last.CleanText[i+len("https://desk.example/survey/"):])[0], "?")
		if _, err := d.OpenSurvey(ctx, token); err != nil {
			t.Fatalf("open survey: %v", err)
		}
		if _, err := d.OpenSurvey(ctx, token[:len(token)-2]+"xx"); !errors.Is(err, desk.ErrSurveyLink) {
			t.Errorf("forged link: %v", err)
		}
		reopened, err := d.AnswerSurvey(ctx, token, 5, "thank you for owning it")
		if err != nil || reopened {
			t.Fatalf("answer = %v, %v", reopened, err)
		}
		if _, err := d.AnswerSurvey(ctx, token, 1, "again"); !errors.Is(err, desk.ErrSurveyLink) {
			t.Errorf("second answer: %v, want the link to be used up", err)
		}

		// Lee resolves while still angry: the survey waits, then his new message cancels it.
		lee, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", Text: "Fine, whatever. This is the LAST time I use your useless service!!!"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Resolve(ctx, desk.UserActor(sam), lee.CaseID); err != nil {
			t.Fatal(err)
		}
		lc := mustDetail(t, d, lee.CaseID)
		clock.Set(lc.Surveys[0].DueAt.Add(time.Minute))
		r, err = d.Sweep(ctx)
		if err != nil || r.SurveysSent != 0 || r.SurveysWaited != 1 {
			t.Fatalf("sweep for an angry customer = %+v, %v (anger %d)", r, err, lc.Anger.Latest)
		}
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", CaseID: lee.CaseID, Text: "And my login still does not work."}); err != nil {
			t.Fatal(err)
		}
		lc = mustDetail(t, d, lee.CaseID)
		if lc.Status != desk.StatusOpen || lc.Surveys[0].Status != "cancelled" {
			t.Errorf("after Lee wrote again: status %s, survey %s", lc.Status, lc.Surveys[0].Status)
		}
	})
}

func TestLowSurveyScoreReopens(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	d, clock := newDeskWithClock(t, db)
	sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
	clock.Set(time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC))
	res, _ := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "rui@example.com", Text: "Thanks, that works."})
	if _, err := d.Resolve(ctx, desk.UserActor(sam), res.CaseID); err != nil {
		t.Fatal(err)
	}
	c := mustDetail(t, d, res.CaseID)
	clock.Set(c.Surveys[0].DueAt.Add(time.Minute))
	if _, err := d.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	c = mustDetail(t, d, res.CaseID)
	text := c.Messages[len(c.Messages)-1].CleanText
	token, _, _ := strings.Cut(strings.Fields(text[strings.Index(text, "/survey/")+len("/survey/"):])[0], "?")
	reopened, err := d.AnswerSurvey(ctx, token, 2, "It broke again the next day.")
	if err != nil || !reopened {
		t.Fatalf("low score: reopened %v, %v", reopened, err)
	}
	if c := mustDetail(t, d, res.CaseID); c.Status != desk.StatusOpen {
		t.Errorf("status after a low score = %s", c.Status)
	}
}

// Story 2's limits: an agent may give $15, a supervisor $50.
func TestGoodwillLimitsAndApproval(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		ana := mustUser(t, d, "ana@calmdesk.test", desk.RoleSupervisor)
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mo@example.com", Text: "You charged me after cancelling my subscription."})
		if err != nil {
			t.Fatal(err)
		}
		small, err := d.OfferGoodwill(ctx, sam, desk.GoodwillInput{CaseID: res.CaseID, Kind: "credit", AmountCents: 1000})
		if err != nil || small.Status != "approved" {
			t.Fatalf("$10 by an agent = %+v, %v", small, err)
		}
		big, err := d.OfferGoodwill(ctx, sam, desk.GoodwillInput{CaseID: res.CaseID, Kind: "credit", AmountCents: 3000, Reason: "four-year customer"})
		if err != nil || big.Status != "pending" {
			t.Fatalf("$30 by an agent = %+v, %v", big, err)
		}
		if c := mustDetail(t, d, res.CaseID); c.Status != desk.StatusEscalated {
			t.Errorf("a gesture above the limit left the case %s", c.Status)
		}
		if _, err := d.DecideGoodwill(ctx, sam, big.ID, true, ""); err == nil {
			t.Error("an agent approved goodwill")
		}
		ok, err := d.DecideGoodwill(ctx, ana, big.ID, true, "loyal customer")
		if err != nil || ok.Status != "approved" {
			t.Fatalf("approval = %+v, %v", ok, err)
		}
		if _, err := d.DecideGoodwill(ctx, ana, big.ID, false, ""); err == nil {
			t.Error("a decided gesture was decided again")
		}
		if _, err := d.OfferGoodwill(ctx, sam, desk.GoodwillInput{CaseID: res.CaseID, Kind: "gold bars", AmountCents: 100}); err == nil {
			t.Error("an unknown gesture kind was accepted")
		}
		budget, err := d.GoodwillSpent(ctx, fixedClock.Add(-time.Hour), fixedClock.Add(time.Hour))
		if err != nil || budget.ApprovedTotal != 4000 || budget.ApprovedByKind["credit"] != 4000 {
			t.Errorf("budget = %+v, %v", budget, err)
		}
	})
}

// Story 5: after several furious customers in a row, an agent gets the next
// calm case and the next furious one goes to someone else.
func TestAssignmentSpreadsHostileCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		a := mustUser(t, d, "a@calmdesk.test", desk.RoleAgent)
		b := mustUser(t, d, "b@calmdesk.test", desk.RoleAgent)
		furious := "This is UNACCEPTABLE!!! You idiots charged me twice and nobody answers. I am furious. Fix it NOW!!!"
		assignee := func(email, text string) int64 {
			t.Helper()
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: email, Text: text})
			if err != nil {
				t.Fatal(err)
			}
			c := mustDetail(t, d, res.CaseID)
			if c.AssigneeID == nil {
				t.Fatalf("case %d not assigned", c.ID)
			}
			return *c.AssigneeID
		}
		counts := map[int64]int{}
		for i := range 6 {
			counts[assignee(strings.Repeat("x", i+1)+"@example.com", furious)]++
		}
		if counts[a.ID] != 3 || counts[b.ID] != 3 {
			t.Errorf("furious cases split %v, want 3 and 3", counts)
		}
		exp, err := d.AgentExposure(ctx, fixedClock.Add(-time.Hour))
		if err != nil || len(exp) != 2 || exp[0].Hostile != 3 || exp[1].Hostile != 3 || exp[0].Cases != 3 {
			t.Errorf("exposure = %+v, %v", exp, err)
		}
		// Both are now exposed; the next calm case goes to one of them and the
		// balance holds.
		calm := assignee("calm@example.com", "Could you tell me when my order ships? Thanks!")
		if calm != a.ID && calm != b.ID {
			t.Errorf("calm case went to %d", calm)
		}
	})
}

func TestAssignmentRespectsSkills(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		billing := mustUser(t, d, "billing@calmdesk.test", desk.RoleAgent)
		shipping := mustUser(t, d, "shipping@calmdesk.test", desk.RoleAgent)
		if _, err := d.SetSkills(ctx, desk.SystemActor, billing.Email, []string{"billing"}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.SetSkills(ctx, desk.SystemActor, shipping.Email, []string{"shipping", " "}); err != nil {
			t.Fatal(err)
		}
		for i, tc := range []struct {
			category string
			want     int64
		}{{"billing", billing.ID}, {"shipping", shipping.ID}, {"billing", billing.ID}, {"shipping", shipping.ID}} {
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: strings.Repeat("c", i+1) + "@example.com", Text: "Hello, a question.", Category: tc.category})
			if err != nil {
				t.Fatal(err)
			}
			c := mustDetail(t, d, res.CaseID)
			if c.AssigneeID == nil || *c.AssigneeID != tc.want || c.Category != tc.category {
				t.Errorf("case %d (%s) assigned to %v, want %d", c.ID, c.Category, c.AssigneeID, tc.want)
			}
		}
	})
}
