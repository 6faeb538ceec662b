package jobs_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestTwoInstancesRunEachJobOnce runs two job queues — two `serve`
// instances — on one PostgreSQL database and checks that every overdue
// promise is broken, escalated and announced exactly once.
func TestTwoInstancesRunEachJobOnce(t *testing.T) {
	if os.Getenv("CALMDESK_TEST_POSTGRES_URL") == "" && os.Getenv("CALMDESK_REQUIRE_POSTGRES") != "1" {
		t.Skip("needs PostgreSQL")
	}
	db, url := storetest.OpenURL(t, store.Postgres)
	ctx := context.Background()
	clock := time.Now().Add(30 * 24 * time.Hour) // the desks live a month ahead: every promise made below is overdue
	now := func() time.Time { return clock }

	seed := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: time.Now})
	sam, _, err := seed.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent})
	if err != nil {
		t.Fatal(err)
	}
	const promises = 40
	for i := range promises {
		res, err := seed.Ingest(ctx, desk.InboundMessage{CustomerEmail: "c" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + "@example.com",
			Text: "My parcel never arrived. Please resend it."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := seed.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "I'm sorry it did not arrive. I will resend it within 2 business days."}); err != nil {
			t.Fatal(err)
		}
	}
	// A second database handle per instance, as two processes would have.
	for range 2 {
		other, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { other.Close() })
		start(t, other, now, jobs.Config{SweepEvery: 50 * time.Millisecond})
	}
	waitFor(t, "every promise to break", func() bool {
		list, err := seed.Promises(ctx, desk.PromiseQuery{Status: "broken", Limit: 1000})
		return err == nil && len(list) == promises
	})
	time.Sleep(500 * time.Millisecond) // give a duplicate the chance to show up
	count := func(q string) int {
		var n int
		if err := db.Read().QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT count(*) FROM audit_events WHERE action = 'promise.broken'`); n != promises {
		t.Errorf("%d promise.broken events, want %d", n, promises)
	}
	if n := count(`SELECT count(*) FROM escalations WHERE rule = 'broken_promise'`); n != promises {
		t.Errorf("%d broken-promise escalations, want %d", n, promises)
	}
	if n := count(`SELECT count(*) FROM notifications WHERE kind = 'promise_broken' AND user_id IS NOT NULL`); n != promises {
		t.Errorf("%d owner notifications, want %d", n, promises)
	}
}
