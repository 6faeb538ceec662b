package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestTrainingReplyTimes: the desk stamps the opening and each reply, and
// the scorecard has the time each reply took, on both engines.
func TestTrainingReplyTimes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		trainee := mustUser(t, d, "tess@example.com", desk.RoleTrainee)
		seed := uint64(4)
		a, err := d.StartTraining(ctx, trainee, desk.NewTrainingAttempt{ScenarioID: "retail-late-parcel", Seed: &seed})
		if err != nil {
			t.Fatal(err)
		}
		start := a.Session.Started
		for _, wait := range []time.Duration{40 * time.Second, 95 * time.Second} {
			clock.Set(clock.Now().Add(wait - time.Second)) // the reading itself ticks a second
			if _, err := d.TrainingReply(ctx, trainee, a.ID, "We are looking into it."); err != nil {
				t.Fatal(err)
			}
		}
		got, err := d.TrainingAttempt(ctx, trainee, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		secs := got.Scorecard.ReplySeconds
		if start.IsZero() || len(secs) != 2 || secs[0] < 40 || secs[0] > 42 || secs[1] < 95 || secs[1] > 97 {
			t.Fatalf("reply times %v (started %v, turns %+v)", secs, start, got.Session.Turns)
		}
		if got.Scorecard.MeanReplySeconds != (secs[0]+secs[1])/2 {
			t.Errorf("mean %d of %v", got.Scorecard.MeanReplySeconds, secs)
		}
	})
}

// TestTrainingPassMarkNeedsAnAdmin: pass marks are settings; progress of
// others is for those who manage training.
func TestTrainingPassMarkNeedsAnAdmin(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	d := newDesk(t, db)
	sup := mustUser(t, d, "sue@example.com", desk.RoleSupervisor)
	admin := mustUser(t, d, "ada@example.com", desk.RoleAdmin)
	trainee := mustUser(t, d, "tess@example.com", desk.RoleTrainee)
	if err := d.SetTrainingPassMark(ctx, sup, "delivery", 80); err == nil {
		t.Error("a supervisor set a pass mark")
	}
	if err := d.SetTrainingPassMark(ctx, admin, "delivery", 80); err != nil {
		t.Fatal(err)
	}
	marks, err := d.TrainingPassMarks(ctx, trainee)
	if err != nil || marks["delivery"] != 80 || marks["billing"] != desk.DefaultPassMark {
		t.Errorf("pass marks %v %v", marks, err)
	}
	if _, err := d.TrainingProgress(ctx, trainee, sup.ID); err == nil {
		t.Error("a trainee read someone else's progress")
	}
	p, err := d.TrainingProgress(ctx, sup, trainee.ID)
	if err != nil || !slices.ContainsFunc(p.Sets, func(s desk.SetProgress) bool { return s.Set == "delivery" && s.PassMark == 80 && len(s.Scenarios) == 3 }) {
		t.Errorf("progress %+v %v", p, err)
	}
}
