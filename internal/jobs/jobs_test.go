package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestRunnerSweeps starts the real job queue and waits for its periodic
// sweep to break a promise whose due time has passed.
func TestRunnerSweeps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		// The desk's clock is a week ahead, so the promise made "now" is overdue for the sweep.
		var offset time.Duration
		d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: func() time.Time { return time.Now().Add(offset) }})
		sam, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "priya@example.com", Text: "My blender arrived broken, please send a replacement."})
		if err != nil {
			t.Fatal(err)
		}
		reply, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "Hi, I'm sorry it arrived broken. I will send you a replacement within 2 business days."})
		if err != nil || len(reply.Commitments) == 0 {
			t.Fatalf("reply: %+v, %v", reply, err)
		}
		offset = 14 * 24 * time.Hour

		runner, err := jobs.Start(ctx, db, d, jobs.Config{SweepEvery: 200 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer func() {
			stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			if err := runner.Stop(stopCtx); err != nil {
				t.Error(err)
			}
		}()
		deadline := time.Now().Add(20 * time.Second)
		for time.Now().Before(deadline) {
			list, err := d.Commitments(ctx, desk.CommitmentQuery{Status: "broken"})
			if err != nil {
				t.Fatal(err)
			}
			if len(list) == 1 {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatal("the job queue did not sweep the overdue promise within 20 s")
	})
}
