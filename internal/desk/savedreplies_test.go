package desk_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

func TestSavedRepliesFillFromTheCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		clock.Set(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)) // a Thursday
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		sr, err := d.CreateSavedReply(ctx, sam, desk.SavedReplyInput{Title: "Refund on its way",
			Body: "Hi {{first_name}},\n\nI have refunded the duplicate charge on order {{ order_number }} (case {{case_number}}). It reaches your account by {{due_in_3_business_days}}.\n\n{{agent_name}}"})
		if err != nil {
			t.Fatal(err)
		}
		if sr.Flagged || !sr.Editable || sr.OwnerID != sam.ID {
			t.Errorf("new saved reply = %+v", sr)
		}
		got, err := d.FillSavedReply(ctx, sam, sr.ID, res.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := d.Policy(ctx)
		cal, _ := p.BusinessHours.Calendar()
		due := cal.AddBusinessDays(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), 3).Format("Monday 2 January")
		if due != "Tuesday 8 December" {
			t.Fatalf("3 business days after Thursday 3 December = %s; the test's calendar is not the default", due)
		}
		want := "Hi Dana,\n\nI have refunded the duplicate charge on order 4471 (case " + strconv.FormatInt(res.CaseID, 10) + "). It reaches your account by " + due + ".\n\nsam"
		if got.Text != want || len(got.Missing) != 0 {
			t.Errorf("filled =\n%q, missing %v\nwant\n%q", got.Text, got.Missing, want)
		}
		// A case with no order number leaves a visible gap, named.
		other, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", Text: "My router is dead.", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		got, err = d.FillSavedReply(ctx, sam, sr.ID, other.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(got.Text, "order [order number]") || !slices.Contains(got.Missing, "order_number") || !slices.Contains(got.Missing, "first_name") {
			t.Errorf("filled without an order number or name = %q, missing %v", got.Text, got.Missing)
		}
	})
}

func TestSavedRepliesCheckedSharedAndFlagged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, _ := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		kim := mustUser(t, d, "kim@calmdesk.test", desk.RoleAgent)
		admin := mustUser(t, d, "ada@calmdesk.test", desk.RoleAdmin)
		trainee := mustUser(t, d, "tia@calmdesk.test", desk.RoleTrainee)

		var verr *desk.ValidationError
		for _, tc := range []struct {
			in    desk.SavedReplyInput
			field string
		}{
			{desk.SavedReplyInput{Title: "", Body: "Hello"}, "title"},
			{desk.SavedReplyInput{Title: "x", Body: "  "}, "body"},
			{desk.SavedReplyInput{Title: "x", Body: "Hi {{customer_nmae}}"}, "body"},
			{desk.SavedReplyInput{Title: "x", Body: "by {{due_in_99_business_days}}"}, "body"},
			{desk.SavedReplyInput{Title: strings.Repeat("t", 101), Body: "Hello"}, "title"},
		} {
			if _, err := d.CreateSavedReply(ctx, sam, tc.in); !errors.As(err, &verr) || verr.Fields[tc.field] == "" {
				t.Errorf("create %+v = %v, want a validation error on %s", tc.in, err, tc.field)
			}
		}
		if _, err := d.CreateSavedReply(ctx, sam, desk.SavedReplyInput{Title: "x", Body: "Hi {{customer_nmae}}"}); err == nil || !strings.Contains(err.Error(), "customer_nmae") {
			t.Errorf("the unknown placeholder is not named: %v", err)
		}
		var ferr *desk.ForbiddenError
		if _, err := d.CreateSavedReply(ctx, trainee, desk.SavedReplyInput{Title: "x", Body: "Hello"}); !errors.As(err, &ferr) {
			t.Errorf("a trainee saved a reply: %v", err)
		}

		bad := "Calm down, as I already said we will fix it soon."
		mine, err := d.CreateSavedReply(ctx, sam, desk.SavedReplyInput{Title: "Mine", Body: bad})
		if err != nil {
			t.Fatal(err)
		}
		if len(mine.CoachProblems) == 0 || mine.Flagged {
			t.Errorf("a personal failing reply: problems %v, flagged %v; want problems, not flagged", mine.CoachProblems, mine.Flagged)
		}
		shared, err := d.CreateSavedReply(ctx, sam, desk.SavedReplyInput{Title: "Team", Body: bad, Shared: true})
		if err != nil {
			t.Fatal(err)
		}
		if !shared.Flagged {
			t.Errorf("a shared reply that fails the coach is not flagged: %+v", shared)
		}
		notes, err := d.Notifications(ctx, sam, 10)
		if err != nil {
			t.Fatal(err)
		}
		flagged := 0
		for _, n := range notes {
			if n.Kind == "saved_reply_flagged" {
				flagged++
				if !strings.Contains(n.Message, "Team") {
					t.Errorf("the flag does not name the reply: %q", n.Message)
				}
			}
		}
		if flagged != 1 {
			t.Errorf("Sam got %d flags, want 1 (the shared reply only): %+v", flagged, notes)
		}
		if _, err := d.CreateSavedReply(ctx, sam, desk.SavedReplyInput{Title: "Team", Body: "Hello"}); !errors.As(err, &verr) || verr.Fields["title"] == "" {
			t.Errorf("a second reply with the same title = %v", err)
		}

		// Kim sees the shared one, not Sam's own, and cannot change it.
		list, err := d.SavedReplies(ctx, kim)
		if err != nil || len(list) != 1 || list[0].ID != shared.ID || list[0].Editable {
			t.Fatalf("Kim's saved replies = %+v, %v", list, err)
		}
		if _, err := d.FillSavedReply(ctx, kim, mine.ID, 1); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("Kim filled Sam's own reply: %v", err)
		}
		if _, err := d.UpdateSavedReply(ctx, kim, shared.ID, desk.SavedReplyInput{Title: "Team", Body: "Hello"}); !errors.As(err, &ferr) {
			t.Errorf("Kim changed Sam's shared reply: %v", err)
		}
		if err := d.DeleteSavedReply(ctx, kim, mine.ID); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("Kim deleted Sam's own reply: %v", err)
		}
		// An admin fixes the shared one: it passes and is no longer flagged.
		good := "Hi {{first_name}}, I'm sorry for the trouble. I have refunded the charge today; you will see it by {{due_in_3_business_days}}."
		fixed, err := d.UpdateSavedReply(ctx, admin, shared.ID, desk.SavedReplyInput{Title: "Team", Body: good, Shared: true})
		if err != nil {
			t.Fatal(err)
		}
		if fixed.Flagged || len(fixed.CoachProblems) != 0 || fixed.OwnerID != sam.ID {
			t.Errorf("fixed shared reply = %+v", fixed)
		}
		if err := d.DeleteSavedReply(ctx, sam, mine.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := d.SavedReplies(ctx, sam); len(list) != 1 {
			t.Errorf("after deleting, Sam has %d saved replies, want 1", len(list))
		}
	})
}
