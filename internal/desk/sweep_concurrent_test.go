package desk_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestConcurrentSweepsDoEachThingOnce runs four sweeps at once over a desk
// with promises to remind and break and surveys to send, as overlapping
// periodic sweeps, two instances or `calmdesk sweep` beside `serve` would:
// each promise is reminded once and broken once, each survey sent once.
// (On PostgreSQL two transactions can both read a row as still to do; only
// a guarded write tells them apart.)
func TestConcurrentSweepsDoEachThingOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		const cases = 60
		for i := range cases {
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("c%d@example.com", i), Channel: "email",
				Text: fmt.Sprintf("Hello, could you tell me where my parcel for order %d is?", 4000+i)})
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 1 { // a promise to keep
				if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "Thank you for asking. I will email you the tracking number by tomorrow."}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			// Answered and resolved: a survey to send.
			if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "Thank you for asking. Your parcel was delivered this morning."}); err != nil {
				t.Fatal(err)
			}
			if _, err := d.Resolve(ctx, desk.UserActor(sam), res.CaseID); err != nil {
				t.Fatal(err)
			}
		}
		count := func(query string) int {
			t.Helper()
			var n int
			if err := db.Read().QueryRowContext(ctx, query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		promises := count(`SELECT count(*) FROM commitments WHERE status = 'open'`)
		surveys := count(`SELECT count(*) FROM surveys WHERE status = 'scheduled'`)
		if promises < cases/2 || surveys != cases/2 {
			t.Fatalf("%d open promises and %d scheduled surveys; want %d and %d", promises, surveys, cases, cases/2)
		}

		clock.Set(fixedClock.Add(10 * 24 * time.Hour))
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				if _, err := d.Sweep(ctx); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for _, c := range []struct {
			what  string
			query string
			want  int
		}{
			{"reminders", `SELECT count(*) FROM audit_events WHERE action = 'promise.due'`, promises},
			{"reminder notifications", `SELECT count(*) FROM notifications WHERE kind = 'promise_due'`, promises},
			{"broken promises", `SELECT count(*) FROM audit_events WHERE action = 'promise.broken'`, promises},
			{"surveys sent", `SELECT count(*) FROM audit_events WHERE action = 'survey.sent'`, surveys},
			{"survey messages", `SELECT count(*) FROM messages WHERE direction = 'outbound' AND raw_text LIKE '%/survey/%'`, surveys},
		} {
			if got := count(c.query); got != c.want {
				t.Errorf("%s: %d, want %d (one each)", c.what, got, c.want)
			}
		}
	})
}
