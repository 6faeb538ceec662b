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

// TestSettleImported imports two year-old cases, one resolved and one still
// open, and checks the next sweep neither surveys the first nor breaches
// and escalates the second.
func TestSettleImported(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		admin := mustUser(t, d, "admin@shop.example", desk.RoleAdmin)
		past := fixedClock.AddDate(-2, 0, 0)
		ingest := func(email, id string) int64 {
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: email, Channel: "import", ExternalID: id,
				Text: "My order 4471 never arrived and nobody answers. I want to speak to a manager.", ReceivedAt: past})
			if err != nil {
				t.Fatal(err)
			}
			return res.CaseID
		}
		clock.Set(past)
		resolved, open := ingest("dana@example.com", "old-1"), ingest("lee@example.com", "old-2")
		if _, err := d.Resolve(ctx, desk.UserActor(admin), resolved); err != nil {
			t.Fatal(err)
		}
		clock.Set(fixedClock)
		for _, id := range []int64{resolved, open, open} {
			if err := d.SettleImported(ctx, desk.UserActor(admin), id); err != nil {
				t.Fatal(err)
			}
		}
		notes, err := d.Notifications(ctx, admin, 50)
		if err != nil {
			t.Fatal(err)
		}
		unread := map[int64]int{}
		for _, n := range notes {
			if n.CaseID != nil && n.ReadAt == nil {
				unread[*n.CaseID]++
			}
		}
		if unread[resolved] != 0 || unread[open] == 0 {
			t.Errorf("unread notifications by case = %v: the resolved case's should be read, the open one's not", unread)
		}
		c, err := d.Case(ctx, open)
		if err != nil {
			t.Fatal(err)
		}
		if c.ResolutionDueAt == nil || !c.ResolutionDueAt.After(fixedClock) || c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.After(fixedClock) {
			t.Errorf("open imported case due %v / %v, want after the import", c.FirstResponseDueAt, c.ResolutionDueAt)
		}
		clock.Set(fixedClock.Add(time.Hour))
		res, err := d.Sweep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if res.SurveysSent != 0 || res.SLABreaches != 0 || res.SurveysWaited != 0 {
			t.Errorf("sweep after import = %+v", res)
		}
		live, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "kim@example.com", Text: "Hello"})
		if err != nil {
			t.Fatal(err)
		}
		var cerr *desk.ConflictError
		if err := d.SettleImported(ctx, desk.UserActor(admin), live.CaseID); !errors.As(err, &cerr) {
			t.Errorf("settling a live case: %v", err)
		}
	})
}
