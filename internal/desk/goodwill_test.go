package desk_test

import (
	"context"
	"database/sql"
	"sync"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Issue 14, defect 5: five $15 offers on one case were all approved at once
// with an agent limit of $15. The limit is on the case's total, checked in
// the write transaction: offers made at the same moment cannot each fit.
func TestGoodwillLimitIsPerCaseEvenWhenOffersRace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mo@example.com", Text: "You charged me after cancelling my subscription."})
		if err != nil {
			t.Fatal(err)
		}
		const offers = 8
		if db.Engine == store.Postgres {
			// Open the pool's connections first: otherwise the offers wait
			// in turn for new connections and seldom meet in the database.
			// (SQLite has one writer connection; its writers queue in Go.)
			var open []*sql.Rows
			for range offers {
				rows, err := db.Writer().QueryContext(ctx, `SELECT 1`)
				if err != nil {
					t.Fatal(err)
				}
				open = append(open, rows)
			}
			for _, rows := range open {
				rows.Close()
			}
		}
		results := make([]desk.Goodwill, offers)
		errs := make([]error, offers)
		var wg sync.WaitGroup
		for i := range offers {
			wg.Go(func() {
				results[i], errs[i] = d.OfferGoodwill(ctx, sam, desk.GoodwillInput{CaseID: res.CaseID, Kind: "credit", AmountCents: 1500})
			})
		}
		wg.Wait()
		approved := 0
		for i, g := range results {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			if g.Status == "approved" {
				approved++
			}
		}
		if approved != 1 {
			t.Errorf("%d of %d concurrent $15 offers approved at once with a $15 limit, want 1", approved, offers)
		}
		list, err := d.GoodwillOffers(ctx, desk.GoodwillQuery{CaseID: res.CaseID, Status: "approved"})
		if err != nil || len(list) != 1 {
			t.Errorf("approved gestures stored = %d, %v; want 1", len(list), err)
		}
		// A supervisor's approval is held to the case's approved total too:
		// $15 approved plus $15 fits Ana's $50, the fourth $15 does not.
		ana := mustUser(t, d, "ana@calmdesk.test", desk.RoleSupervisor)
		pending, _ := d.GoodwillOffers(ctx, desk.GoodwillQuery{CaseID: res.CaseID, Status: "pending"})
		decided := 0
		for _, g := range pending {
			if _, err := d.DecideGoodwill(ctx, ana, g.ID, true, ""); err == nil {
				decided++
			}
		}
		if decided != 2 {
			t.Errorf("a supervisor with a $50 limit approved %d more $15 gestures on a case with $15 approved, want 2", decided)
		}
	})
}

// Issue 14, defect 5: gestures to one customer are limited over a period,
// across their cases (goodwill.customer_limit per customer_period_days).
func TestGoodwillLimitPerCustomerPerPeriod(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		p := desk.DefaultPolicy()
		p.Goodwill.CustomerLimit, p.Goodwill.CustomerPeriodDays = 2000, 30
		if err := d.SetPolicy(ctx, desk.SystemActor, p); err != nil {
			t.Fatal(err)
		}
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		offer := func(text string) desk.Goodwill {
			t.Helper()
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mo@example.com", Text: text}) // a case of its own
			if err != nil {
				t.Fatal(err)
			}
			g, err := d.OfferGoodwill(ctx, sam, desk.GoodwillInput{CaseID: res.CaseID, Kind: "credit", AmountCents: 1500})
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		if g := offer("My parcel arrived broken."); g.Status != "approved" {
			t.Fatalf("first $15 to Mo: %s", g.Status)
		}
		if g := offer("The replacement arrived broken too."); g.Status != "pending" {
			t.Errorf("second $15 to Mo within 30 days (limit $20): %s, want pending", g.Status)
		}
		clock.Set(fixedClock.AddDate(0, 0, 31))
		if g := offer("And now the lid is missing."); g.Status != "approved" {
			t.Errorf("$15 to Mo 31 days later: %s, want approved", g.Status)
		}
	})
}
