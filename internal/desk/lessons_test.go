package desk_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestResolveWithLesson: a lesson is kept with the resolve, in its
// transaction and audited; a bad lesson is refused and nothing changes; a
// blank one is no lesson; a resolved case takes another lesson, a closed
// one none.
func TestResolveWithLesson(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		ana := mustUser(t, d, "ana@calmdesk.test", desk.RoleAgent)
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		id := res.CaseID

		for _, tc := range []struct {
			name, lesson, want string
		}{
			{"too long", strings.Repeat("é", desk.MaxLessonLength+1), "at most 1000 characters"},
			{"control characters", "the cause\x00was", "control characters"},
			{"invalid UTF-8", "bad \xff byte", "UTF-8"},
		} {
			_, err := d.ResolveWithLesson(ctx, desk.UserActor(ana), id, tc.lesson)
			var verr *desk.ValidationError
			if !errors.As(err, &verr) || !strings.Contains(verr.Fields["lesson"], tc.want) {
				t.Errorf("%s: err = %v, want a lesson error with %q", tc.name, err, tc.want)
			}
		}
		if c, err := d.Case(ctx, id); err != nil || c.Status == desk.StatusResolved {
			t.Fatalf("a refused lesson resolved the case: %v %v", c.Status, err)
		}
		if ls, _ := d.CaseLessons(ctx, id); len(ls) != 0 {
			t.Fatalf("a refused lesson was kept: %+v", ls)
		}

		exact := "  Refund job ran twice after the outage.\nA duplicate check would have prevented it. " + strings.Repeat("x", desk.MaxLessonLength-90) + "  "
		c, err := d.ResolveWithLesson(ctx, desk.UserActor(ana), id, exact)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != desk.StatusResolved {
			t.Errorf("status = %s", c.Status)
		}
		ls, err := d.CaseLessons(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 1 || ls[0].Text != strings.TrimSpace(exact) || ls[0].ByUserID == nil || *ls[0].ByUserID != ana.ID || ls[0].CaseID != id {
			t.Fatalf("lessons = %+v", ls)
		}
		events, err := d.AuditLog(ctx, id, 50)
		if err != nil {
			t.Fatal(err)
		}
		var noted, resolved int
		for _, e := range events {
			switch e.Action {
			case "lesson.noted":
				noted++
				if !strings.Contains(string(e.Detail), `"lesson_id"`) {
					t.Errorf("lesson audit detail = %s", e.Detail)
				}
			case "case.resolved":
				resolved++
			}
		}
		if noted != 1 || resolved != 1 {
			t.Errorf("audit: %d lesson.noted, %d case.resolved; want 1 and 1", noted, resolved)
		}

		// Resolved again: no second resolve, a blank lesson adds nothing, a
		// real one is added.
		if _, err := d.ResolveWithLesson(ctx, desk.UserActor(ana), id, " \n "); err != nil {
			t.Fatal(err)
		}
		if _, err := d.ResolveWithLesson(ctx, desk.UserActor(ana), id, "Second thought: tell billing."); err != nil {
			t.Fatal(err)
		}
		if ls, _ = d.CaseLessons(ctx, id); len(ls) != 2 || ls[1].Text != "Second thought: tell billing." {
			t.Errorf("lessons after a second resolve = %+v", ls)
		}
		// Resolve without a lesson keeps its old contract: no lesson row.
		res2, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", Text: "Where is my parcel?", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Resolve(ctx, desk.UserActor(ana), res2.CaseID); err != nil {
			t.Fatal(err)
		}
		if ls, _ := d.CaseLessons(ctx, res2.CaseID); len(ls) != 0 {
			t.Errorf("Resolve without a lesson kept %+v", ls)
		}
		if _, err := d.ResolveWithLesson(ctx, desk.SystemActor, 424242, "x"); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("lesson on an unknown case: %v", err)
		}
	})
}

// TestResolveChecksThePermissionInTheDesk: Resolve (with or without a
// lesson) checks cases:resolve itself, not only at the route: a trainee's
// resolve is refused and changes nothing; the system may resolve.
func TestResolveChecksThePermissionInTheDesk(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		trainee := mustUser(t, d, "tia@calmdesk.test", desk.RoleTrainee)
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		for _, lesson := range []string{"", "Caused by the outage."} {
			_, err := d.ResolveWithLesson(ctx, desk.UserActor(trainee), res.CaseID, lesson)
			var forbidden *desk.ForbiddenError
			if !errors.As(err, &forbidden) || forbidden.Permission != desk.PermCasesResolve {
				t.Errorf("lesson %q: err = %v, want forbidden (cases:resolve)", lesson, err)
			}
		}
		if c, err := d.Case(ctx, res.CaseID); err != nil || c.Status == desk.StatusResolved {
			t.Fatalf("a refused resolve resolved the case: %v %v", c.Status, err)
		}
		if ls, _ := d.CaseLessons(ctx, res.CaseID); len(ls) != 0 {
			t.Fatalf("a refused resolve kept its lesson: %+v", ls)
		}
		if _, err := d.Resolve(ctx, desk.SystemActor, res.CaseID); err != nil {
			t.Fatalf("the system's resolve: %v", err)
		}
	})
}
