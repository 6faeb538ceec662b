package insights_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// resolveSome resolves promo cases 1–8 (case 0 stays open), three of them
// with a lesson, after a reply on case 1; and four unrelated cases.
func resolveSome(t *testing.T, s *story) (withLesson []int64) {
	t.Helper()
	ctx := context.Background()
	at := s.clock.Now()
	s.reply(t, s.promoIDs[1], "I'm sorry the code WINTER24 was refused. I have applied the 20% discount to your order by hand.", at)
	for i, id := range s.promoIDs[1:9] {
		lesson := ""
		if i < 3 {
			lesson = "WINTER24 had its expiry date set to November in the promo engine; a check of new codes against the campaign calendar would have caught it."
			withLesson = append(withLesson, id)
		}
		if _, err := s.d.ResolveWithLesson(ctx, desk.UserActor(s.agent), id, lesson); err != nil {
			t.Fatal(err)
		}
	}
	page, err := s.d.Cases(ctx, desk.CaseQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range page.Cases {
		if !slices.Contains(s.promoIDs, c.ID) && c.ID != s.calmedID && n < 4 {
			if _, err := s.d.ResolveWithLesson(ctx, desk.UserActor(s.agent), c.ID, "Courier lost the parcel; nothing we could have done."); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	return withLesson
}

func TestSimilarCases(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := tellStory(t, db)
		resolveSome(t, s)
		open := s.promoIDs[0]
		sim, err := s.in.Similar(ctx, s.agent, open, 5)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("similar: %+v", sim)
		if sim.CaseID != open || sim.Resolved < 6 || sim.Resolved > 8 || len(sim.Cases) != 5 {
			t.Fatalf("resolved %d like case %d, listing %d; want 6–8 of the 8 resolved promo cases, 5 listed", sim.Resolved, open, len(sim.Cases))
		}
		sawSteps := false
		for i, c := range sim.Cases {
			if !slices.Contains(s.promoIDs[1:9], c.CaseID) {
				t.Errorf("case %d is listed as like a WINTER24 complaint", c.CaseID)
			}
			if c.Category != sim.Category || !strings.Contains(c.Why, "both customers wrote") || len(c.Shared) == 0 {
				t.Errorf("case %d: category %q (asked %q), why %q, shared %v", c.CaseID, c.Category, sim.Category, c.Why, c.Shared)
			}
			if i > 0 && c.Score > sim.Cases[i-1].Score {
				t.Errorf("not ranked: %v after %v", c.Score, sim.Cases[i-1].Score)
			}
			if c.ResolutionMinutes == nil || *c.ResolutionMinutes <= 0 {
				t.Errorf("case %d has no resolution time", c.CaseID)
			}
			if c.CaseID == s.promoIDs[1] {
				sawSteps = c.Replies == 1 && len(c.Steps) > 0
			}
		}
		if !strings.Contains(strings.Join(sim.Cases[0].Shared, " "), "WINTER24") {
			t.Errorf("the closest case shares %v, want WINTER24 (as the customer wrote it)", sim.Cases[0].Shared)
		}
		all, err := s.in.Similar(ctx, s.agent, open, insights.MaxSimilar)
		if err != nil || len(all.Cases) != sim.Resolved {
			t.Errorf("with the largest limit %d cases (%v), want all %d", len(all.Cases), err, sim.Resolved)
		} else if i := slices.IndexFunc(all.Cases, func(c insights.SimilarCase) bool { return c.CaseID == s.promoIDs[1] }); i >= 0 {
			sawSteps = sawSteps || (all.Cases[i].Replies == 1 && len(all.Cases[i].Steps) > 0)
		}
		if !sawSteps {
			t.Errorf("the case answered with a reply does not show its method steps")
		}
		// A case resolved since is counted at once by the same Insights (it
		// keeps the resolved cases' words by day, under the day's version),
		// and a case reopened is no longer.
		before := all.Resolved
		if _, err := s.d.Resolve(ctx, desk.UserActor(s.agent), s.promoIDs[9]); err != nil {
			t.Fatal(err)
		}
		if again, err := s.in.Similar(ctx, s.agent, open, insights.MaxSimilar); err != nil || again.Resolved != before+1 ||
			!slices.ContainsFunc(again.Cases, func(c insights.SimilarCase) bool { return c.CaseID == s.promoIDs[9] }) {
			t.Errorf("after resolving case %d: %d like this (%v), want %d with it", s.promoIDs[9], again.Resolved, err, before+1)
		}
		if _, err := s.d.SetStatus(ctx, s.agent, s.promoIDs[9], desk.StatusOpen); err != nil {
			t.Fatal(err)
		}
		if again, err := s.in.Similar(ctx, s.agent, open, insights.MaxSimilar); err != nil || again.Resolved != before {
			t.Errorf("after case %d reopened: %d like this (%v), want %d", s.promoIDs[9], again.Resolved, err, before)
		}
		// With room for the newest resolved cases only, the older ones are
		// not compared: the newest of the promo cases is the one listed.
		s.in.SetSimilarPool(1)
		newest, err := s.in.Similar(ctx, s.agent, open, 5)
		s.in.SetSimilarPool(insights.SimilarPool)
		if err != nil {
			t.Fatal(err)
		}
		var latest int64 // the newest resolved case (the story's have no category: any category)
		if err := db.Read().QueryRowContext(ctx, `SELECT id FROM cases WHERE status IN ('resolved', 'closed') AND id <> $1
		  ORDER BY created_at DESC LIMIT 1`, open).Scan(&latest); err != nil {
			t.Fatal(err)
		}
		if newest.Resolved != 1 || len(newest.Cases) != 1 || newest.Cases[0].CaseID != latest {
			t.Errorf("with a pool of 1: %d like this (%+v), want the newest, case %d", newest.Resolved, newest.Cases, latest)
		}
		// A case about something else: no promo case is like it.
		other, err := s.in.Similar(ctx, s.agent, s.calmedID, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range other.Cases {
			if slices.Contains(s.promoIDs, c.CaseID) {
				t.Errorf("a promo case %d is like the double charge: %+v", c.CaseID, c)
			}
		}
		if _, err := s.in.Similar(ctx, s.agent, 424242, 3); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("unknown case: %v", err)
		}
		var ferr *desk.ForbiddenError
		if _, err := s.in.Similar(ctx, desk.User{ID: 99, Role: "nobody"}, open, 3); !errors.As(err, &ferr) {
			t.Errorf("a user without cases:read: %v", err)
		}
	})
}

func TestLessonsSearchAndDigest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := tellStory(t, db)
		withLesson := resolveSome(t, s)
		sup, _, err := s.d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sue@desk.test", Name: "Sue", Role: desk.RoleSupervisor})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			q    insights.LessonQuery
			want int
		}{
			{"every lesson", insights.LessonQuery{}, 7},
			{"words in any case and order", insights.LessonQuery{Q: "ENGINE winter24"}, 3},
			{"every word must match", insights.LessonQuery{Q: "winter24 courier"}, 0},
			{"a LIKE wildcard is literal", insights.LessonQuery{Q: "%"}, 0},
			{"one case", insights.LessonQuery{CaseIDs: withLesson[:1]}, 1},
			{"a problem's cases", insights.LessonQuery{CaseIDs: s.promoIDs}, 3},
			{"limit", insights.LessonQuery{Limit: 2}, 2},
		} {
			got, err := s.in.Lessons(ctx, sup, tc.q)
			if err != nil || len(got) != tc.want {
				t.Errorf("%s: %d lessons (%v), want %d", tc.name, len(got), err, tc.want)
			}
			for _, l := range got {
				if l.By != "sam@desk.test" || l.Text == "" || l.CaseID == 0 {
					t.Errorf("%s: lesson %+v", tc.name, l)
				}
			}
		}
		var ferr *desk.ForbiddenError
		if _, err := s.in.Lessons(ctx, s.agent, insights.LessonQuery{}); !errors.As(err, &ferr) {
			t.Errorf("an agent searched lessons: %v", err)
		}
		var verr *desk.ValidationError
		if _, err := s.in.Lessons(ctx, sup, insights.LessonQuery{Q: strings.Repeat("a", 201)}); !errors.As(err, &verr) {
			t.Errorf("a 201-character search: %v", err)
		}
		d, err := s.in.Digest(ctx, insights.WeekOf(s.clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Lessons) != 7 {
			t.Errorf("digest of the week lists %d lessons, want 7", len(d.Lessons))
		}
		before, err := s.in.Digest(ctx, insights.WeekOf(s.clock.Now()).Previous())
		if err != nil || len(before.Lessons) != 0 {
			t.Errorf("the week before lists %d lessons (%v), want 0", len(before.Lessons), err)
		}
	})
}
