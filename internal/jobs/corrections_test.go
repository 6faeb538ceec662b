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

// TestRunnerLearnsFromCorrections: two agents say six readings missed a
// threat to go public; the periodic job learns from them.
func TestRunnerLearnsFromCorrections(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := start(t, db, time.Now, jobs.Config{LearnEvery: 200 * time.Millisecond})
		var agents []desk.User
		for _, email := range []string{"sam@calmdesk.test", "ana@calmdesk.test"} {
			u, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: email, Name: email[:3], Role: desk.RoleAgent})
			if err != nil {
				t.Fatal(err)
			}
			agents = append(agents, u)
		}
		for i := range 12 {
			text := fmt.Sprintf("Parcel %d has not arrived and the tracking has not moved for days.", 2000+i)
			if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("p%d@example.com", i), Text: text}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 6 {
			text := fmt.Sprintf("Bins missed again on Orchard Close, week %d. This goes on Millbrook Matters tonight.", i+1)
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("m%d@example.com", i), Text: text})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := d.Correct(ctx, agents[i%2], res.MessageID, desk.CorrectionInput{Kind: desk.CorrectMissedSignal, Signal: "public_exposure"}); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, "the desk to learn from the corrections", func() bool {
			st, err := d.CorrectionLearningStatus(ctx)
			return err == nil && st.Model != nil && st.Model.Corrections == 6 && st.Since == 0
		})
	})
}
