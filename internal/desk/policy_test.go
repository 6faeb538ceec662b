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

func TestPolicyRoundTripAndValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		p, err := d.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		p.BusinessHours.TimeZone = "Europe/Berlin"
		p.Goodwill.Limits["agent"] = 2000
		p.FollowUp.Delay = desk.Duration{Duration: 48 * time.Hour}
		if err := d.SetPolicy(ctx, desk.SystemActor, p); err != nil {
			t.Fatal(err)
		}
		got, err := d.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.BusinessHours.TimeZone != "Europe/Berlin" || got.Goodwill.Limits["agent"] != 2000 || got.FollowUp.Delay.Duration != 48*time.Hour {
			t.Errorf("policy after update = %+v", got)
		}
		bad := []func(p *desk.Policy){
			func(p *desk.Policy) { p.BusinessHours.TimeZone = "Mars/Olympus" },
			func(p *desk.Policy) { p.BusinessHours.Open, p.BusinessHours.Close = "17:00", "09:00" },
			func(p *desk.Policy) { p.SLA.Targets = nil },
			func(p *desk.Policy) { p.Goodwill.Limits["root"] = 1 },
			func(p *desk.Policy) { p.Assignment.Mode = "random" },
			// Due times computed from it would pass what SQLite can store.
			func(p *desk.Policy) { p.SLA.Targets[0].Resolution = desk.Duration{Duration: 400 * 24 * time.Hour} },
		}
		for i, edit := range bad {
			q := desk.DefaultPolicy()
			edit(&q)
			var verr *desk.ValidationError
			if err := d.SetPolicy(ctx, desk.SystemActor, q); !errors.As(err, &verr) {
				t.Errorf("bad policy %d: err = %v, want a validation error", i, err)
			}
		}
	})
}

func TestSLADueTimesCountBusinessHours(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := newDesk(t, db) // the clock starts Friday 27 Nov 2026 23:10 UTC
	res, err := d.Ingest(context.Background(), desk.InboundMessage{CustomerEmail: "kim@example.com", Text: "Could you tell me when my parcel ships?"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.Case(context.Background(), res.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	// A calm question on Friday night: the first-response clock runs from
	// Monday 09:00 and the default target for low priority is 8 business hours.
	want := time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC)
	if c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.Equal(want) {
		t.Errorf("first response due %v, want %v", c.FirstResponseDueAt, want)
	}
}
