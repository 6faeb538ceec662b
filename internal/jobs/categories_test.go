package jobs_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestRunnerLearnsCategories files cases the way agents do and waits for
// the periodic job to learn a category model from them.
func TestRunnerLearnsCategories(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := start(t, db, time.Now, jobs.Config{LearnEvery: 200 * time.Millisecond})
		agent, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		texts := map[string]string{
			"billing":  "I was charged twice for invoice %d, please refund the second payment.",
			"delivery": "Parcel %d has not arrived and the tracking has not moved for days.",
		}
		for i := range 12 {
			for cat, text := range texts {
				res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("c%d@example.com", i), Text: fmt.Sprintf(text, 1000+i)})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := d.SetCategory(ctx, desk.UserActor(agent), res.CaseID, cat); err != nil {
					t.Fatal(err)
				}
			}
		}
		waitFor(t, "the category model to be learned", func() bool {
			m, err := d.CategoryModel(ctx)
			return err == nil && m != nil && m.Examples == 24
		})
	})
}
