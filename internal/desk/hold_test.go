package desk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// A case on hold (waiting on a third party) has its SLA clocks paused: the
// sweep records no breach while it waits, and when the hold ends the due
// times move later by the business time it was on hold.
func TestOnHoldPausesTheSLA(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		p, err := d.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cal, err := p.BusinessHours.Calendar()
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC) // Monday, opening time
		clock.Set(t0)
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		before := mustDetail(t, d, res.CaseID).Case
		if before.FirstResponseDueAt == nil || before.ResolutionDueAt == nil {
			t.Fatalf("no SLA due times: %+v", before)
		}
		due0, resDue0 := *before.FirstResponseDueAt, *before.ResolutionDueAt

		t1 := t0.Add(10 * time.Minute)
		clock.Set(t1)
		held, err := d.SetStatus(ctx, sam, res.CaseID, desk.StatusOnHold)
		if err != nil {
			t.Fatal(err)
		}
		if held.Status != desk.StatusOnHold || held.SLAPausedAt == nil || held.SLAPausedAt.Sub(t1) < 0 || held.SLAPausedAt.Sub(t1) > 5*time.Second {
			t.Fatalf("on hold: status %s, paused at %v, want on_hold since %v", held.Status, held.SLAPausedAt, t1)
		}

		t2 := time.Date(2026, 11, 30, 15, 0, 0, 0, time.UTC) // long past the first-response target
		if !t2.After(due0) {
			t.Fatalf("test needs the target (%v) before %v", due0, t2)
		}
		clock.Set(t2)
		if r, err := d.Sweep(ctx); err != nil || r.SLABreaches != 0 || r.SLAWarnings != 0 {
			t.Fatalf("sweep while on hold = %+v, %v; want no SLA warning or breach", r, err)
		}
		open, err := d.SetStatus(ctx, sam, res.CaseID, desk.StatusOpen)
		if err != nil {
			t.Fatal(err)
		}
		// The clock ticks a second a reading: the hold began at SLAPausedAt
		// and ended when the case was updated.
		pausedAt, resumed := *held.SLAPausedAt, open.UpdatedAt
		wantDue := cal.AddBusinessDuration(resumed, cal.BusinessDuration(pausedAt, due0))
		wantRes := cal.AddBusinessDuration(resumed, cal.BusinessDuration(pausedAt, resDue0))
		if open.Status != desk.StatusOpen || open.SLAPausedAt != nil {
			t.Fatalf("after the hold: status %s, paused at %v", open.Status, open.SLAPausedAt)
		}
		if open.FirstResponseDueAt == nil || !open.FirstResponseDueAt.Equal(wantDue) || !open.FirstResponseDueAt.After(due0) {
			t.Errorf("first response due %v after the hold, want %v (was %v)", open.FirstResponseDueAt, wantDue, due0)
		}
		if open.ResolutionDueAt == nil || !open.ResolutionDueAt.Equal(wantRes) {
			t.Errorf("resolution due %v after the hold, want %v (was %v)", open.ResolutionDueAt, wantRes, resDue0)
		}
		clock.Set(wantDue.Add(-time.Minute))
		if r, err := d.Sweep(ctx); err != nil || r.SLABreaches != 0 {
			t.Fatalf("sweep before the moved target = %+v, %v", r, err)
		}
		clock.Set(wantDue.Add(time.Minute))
		if r, err := d.Sweep(ctx); err != nil || r.SLABreaches != 1 {
			t.Fatalf("sweep after the moved target = %+v, %v; want one breach", r, err)
		}
	})
}

// When the customer writes to a case on hold it opens again and its
// clocks run again, moved by the hold.
func TestOnHoldEndsWhenTheCustomerWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		clock.Set(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		due0 := *mustDetail(t, d, res.CaseID).FirstResponseDueAt
		if _, err := d.SetStatus(ctx, sam, res.CaseID, desk.StatusOnHold); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 11, 30, 14, 0, 0, 0, time.UTC))
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: dana.CustomerEmail, CaseID: res.CaseID, Text: "Any news from the bank?", Channel: "email"}); err != nil {
			t.Fatal(err)
		}
		c := mustDetail(t, d, res.CaseID).Case
		if c.Status != desk.StatusOpen || c.SLAPausedAt != nil {
			t.Fatalf("after the customer wrote: status %s, paused at %v; want open and running", c.Status, c.SLAPausedAt)
		}
		if c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.After(due0) {
			t.Errorf("first response due %v, want later than %v", c.FirstResponseDueAt, due0)
		}
	})
}

func TestSetStatusRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, _ := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		trainee := mustUser(t, d, "tia@calmdesk.test", desk.RoleTrainee)
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		var verr *desk.ValidationError
		for _, bad := range []desk.Status{"resolved", "escalated", "closed", "new", "paused", ""} {
			if _, err := d.SetStatus(ctx, sam, res.CaseID, bad); !errors.As(err, &verr) || verr.Fields["status"] == "" {
				t.Errorf("SetStatus(%q) = %v, want a validation error on status", bad, err)
			}
		}
		var ferr *desk.ForbiddenError
		if _, err := d.SetStatus(ctx, trainee, res.CaseID, desk.StatusPending); !errors.As(err, &ferr) {
			t.Errorf("a trainee set a real case's status: %v", err)
		}
		if _, err := d.SetStatus(ctx, sam, 9999, desk.StatusPending); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("missing case: %v", err)
		}
		if _, err := d.Escalate(ctx, desk.UserActor(sam), res.CaseID, "manual", "asks for a manager"); err != nil {
			t.Fatal(err)
		}
		var cerr *desk.ConflictError
		if _, err := d.SetStatus(ctx, sam, res.CaseID, desk.StatusPending); !errors.As(err, &cerr) {
			t.Errorf("an escalated case was set pending: %v", err)
		}
		// A resolved case reopens with a status.
		if _, err := d.Resolve(ctx, desk.UserActor(sam), res.CaseID); err != nil {
			t.Fatal(err)
		}
		c, err := d.SetStatus(ctx, sam, res.CaseID, desk.StatusPending)
		if err != nil || c.Status != desk.StatusPending || c.ResolvedAt != nil {
			t.Fatalf("reopen as pending = %+v, %v", c, err)
		}
		audit, err := d.AuditLog(ctx, res.CaseID, 100)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range audit {
			found = found || e.Action == "case.status_changed"
		}
		if !found {
			t.Error("the status change is not in the case's audit log")
		}
	})
}

// A reply (or a note) can set the case's status in the same transaction:
// "send and set pending", "send and resolve", "note and put on hold".
func TestReplyThenStatus(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, _ := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		text := "Hi Dana, I'm sorry you were charged twice. I have refunded the duplicate charge today; you will see it on your statement.\n\nSam"
		for _, tc := range []struct {
			then, want desk.Status
			note       bool
		}{
			{"", desk.StatusOpen, false},
			{desk.StatusPending, desk.StatusPending, false},
			{desk.StatusOnHold, desk.StatusOnHold, true},
			{desk.StatusResolved, desk.StatusResolved, false},
		} {
			in := dana
			in.ExternalID = "<" + string(tc.then) + "-" + t.Name() + ">"
			res, err := d.Ingest(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: text, Note: tc.note, Then: tc.then}); err != nil {
				t.Fatalf("reply then %q: %v", tc.then, err)
			}
			c := mustDetail(t, d, res.CaseID).Case
			want := tc.want
			if tc.note && tc.then == "" {
				want = desk.StatusNew
			}
			if c.Status != want {
				t.Errorf("reply then %q: status %s, want %s", tc.then, c.Status, want)
			}
		}
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", Text: "Where is my parcel?", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		var verr *desk.ValidationError
		if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: text, Then: "closed"}); !errors.As(err, &verr) {
			t.Errorf("reply then closed = %v, want a validation error", err)
		}
		// An escalated case cannot be set pending: the reply is not stored either.
		if _, err := d.Escalate(ctx, desk.UserActor(sam), res.CaseID, "manual", "asks for a manager"); err != nil {
			t.Fatal(err)
		}
		var cerr *desk.ConflictError
		if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: text, Then: desk.StatusPending}); !errors.As(err, &cerr) {
			t.Fatalf("reply then pending on an escalated case = %v, want a conflict", err)
		}
		if n := len(mustDetail(t, d, res.CaseID).Messages); n != 1 {
			t.Errorf("the refused reply was stored: %d messages", n)
		}
	})
}

// The desk's own check-in after resolution is no answer: the customer's
// open concerns stay open, and the message reads as automatic.
func TestCheckInDoesNotClearConcerns(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		clock.Set(time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC))
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", CustomerName: "Lee Novak",
			Text: "Hello, my parcel for order 1207 has not arrived yet. Could you check where it is?", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		before := len(mustDetail(t, d, res.CaseID).Concerns)
		if before == 0 {
			t.Fatal("the message raised no concern")
		}
		if _, err := d.Resolve(ctx, desk.SystemActor, res.CaseID); err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
		if r, err := d.Sweep(ctx); err != nil || r.SurveysSent != 1 {
			t.Fatalf("sweep = %+v, %v; want the check-in sent", r, err)
		}
		c := mustDetail(t, d, res.CaseID)
		last := c.Messages[len(c.Messages)-1]
		if !last.Automatic() {
			t.Fatalf("the check-in (%q) is not automatic", last.CleanText)
		}
		if len(c.Concerns) != before {
			t.Errorf("after the check-in %d open concerns, want %d", len(c.Concerns), before)
		}
	})
}
