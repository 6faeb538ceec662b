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

// Issue 14, defect 1: a message "received" in year 9999 pushed due times
// into year 10000, which SQLite cannot read back. Times outside the window
// around the desk clock are refused before anything is written.
func TestReceivedAtOutsideTheWindowIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db) // the clock starts at fixedClock and ticks a second per reading
		for _, tc := range []struct {
			name string
			at   time.Time
			ok   bool
		}{
			{"year 9999", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), false},
			{"ten minutes ahead", fixedClock.Add(10 * time.Minute), false},
			{"before 2000", time.Date(1999, 12, 31, 23, 59, 59, 0, time.UTC), false},
			{"a minute ahead (a fast clock)", fixedClock.Add(time.Minute), true},
			{"last year (a phone call logged late)", fixedClock.AddDate(-1, 0, 0), true},
		} {
			in := dana
			in.ExternalID, in.ReceivedAt = "<"+tc.name+">", tc.at
			_, err := d.Ingest(ctx, in)
			var verr *desk.ValidationError
			switch {
			case tc.ok && err != nil:
				t.Errorf("%s: %v, want it stored", tc.name, err)
			case !tc.ok && (!errors.As(err, &verr) || verr.Fields["received_at"] == ""):
				t.Errorf("%s: err = %v, want a validation error on received_at", tc.name, err)
			}
		}
		page, err := d.Cases(ctx, desk.CaseQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Cases) != 2 {
			t.Fatalf("%d cases, want the two of the accepted messages", len(page.Cases))
		}
		for _, c := range page.Cases {
			if c.ResolutionDueAt == nil || c.ResolutionDueAt.Year() > 2030 {
				t.Errorf("case %d resolution due %v", c.ID, c.ResolutionDueAt)
			}
		}
	})
}

// Issue 14, defect 1: a row that already holds a time the desk cannot read
// (written before times were checked) is logged and skipped; it stops
// neither the case list, nor the live view, nor the sweep, and its own case
// page still opens.
func TestUnreadableTimeStopsNoListAndNoSweep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		var ids []int64
		for i, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: email, Text: "Where is my parcel? It is a week late."})
			if err != nil {
				t.Fatal(i, err)
			}
			ids = append(ids, res.CaseID)
		}
		poisoned := ids[1]
		// What SQLite held after the year-9999 message; PostgreSQL stores
		// year 10000, but a database/sql time cannot hold its infinity.
		bad := "10000-01-03 17:00:00+00:00"
		if db.Engine == store.Postgres {
			bad = "infinity"
		}
		if _, err := db.Writer().ExecContext(ctx,
			`UPDATE cases SET first_response_due_at = $2, resolution_due_at = $2 WHERE id = $1`, poisoned, bad); err != nil {
			t.Fatal(err)
		}

		for _, q := range []desk.CaseQuery{{}, {Breaching: true}} {
			page, err := d.Cases(ctx, q)
			if err != nil {
				t.Fatalf("list %+v: %v", q, err)
			}
			for _, c := range page.Cases {
				if c.ID == poisoned {
					t.Errorf("list %+v shows the unreadable case", q)
				}
			}
		}
		// Paging one case at a time still reaches every readable case.
		var seen []int64
		for cursor, pages := "", 0; pages < 10; pages++ {
			page, err := d.Cases(ctx, desk.CaseQuery{Limit: 1, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Cases {
				seen = append(seen, c.ID)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seen) != 2 {
			t.Errorf("paging one by one saw cases %v, want the two readable ones", seen)
		}
		if cases, err := d.CasesByID(ctx, ids); err != nil || len(cases) != 2 {
			t.Errorf("cases by id = %d cases, %v; want the two readable ones", len(cases), err)
		}
		detail, err := d.Case(ctx, poisoned)
		if err != nil {
			t.Fatalf("the unreadable case's own page: %v", err)
		}
		if detail.ResolutionDueAt != nil || len(detail.Messages) != 1 {
			t.Errorf("unreadable case = due %v, %d messages; want no due time and its message", detail.ResolutionDueAt, len(detail.Messages))
		}

		clock.Set(fixedClock.Add(30 * 24 * time.Hour)) // every readable target missed
		res, err := d.Sweep(ctx)
		if err != nil {
			t.Fatalf("sweep: %v", err)
		}
		if res.SLABreaches != 4 { // first response and resolution of the two readable cases
			t.Errorf("sweep = %+v, want 4 SLA breaches", res)
		}
		if _, err := d.Sweep(ctx); err != nil {
			t.Fatalf("second sweep: %v", err)
		}
	})
}
