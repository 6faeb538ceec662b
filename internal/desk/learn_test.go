package desk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// filedHistory is what agents filed: eight first messages per category.
var filedHistory = map[string][]string{
	"billing": {
		"You charged me twice for my last order, please refund one of the payments.",
		"Why is there a late fee on my invoice? I paid on time.",
		"My card was billed $59.90 but the plan costs $49.90.",
		"I was overcharged this month, the bill is double what it should be.",
		"Can you explain the extra charge on my statement?",
		"The refund for my cancelled subscription never reached my card.",
		"I keep getting charged for a plan I cancelled in March.",
		"Please send me a corrected invoice, the VAT amount is wrong.",
	},
	"delivery": {
		"My parcel says delivered but it is not at my door.",
		"The courier has not arrived and the tracking has not moved in five days.",
		"Where is my package? It was due on Monday.",
		"The delivery driver left the box in the rain and it is soaked.",
		"My order was shipped to my old address, can you redirect it?",
		"Tracking shows the parcel stuck at the depot since last week.",
		"The delivery slot was missed again and nobody called.",
		"Half of my order arrived, the rest of the items are missing from the box.",
	},
	"account": {
		"I cannot log in, the password reset email never arrives.",
		"Please change the email address on my account to my new one.",
		"My account was locked after three wrong passwords.",
		"How do I turn on two-factor authentication for my login?",
		"Someone else seems to have signed in to my account from abroad.",
		"I want to delete my account and all my data.",
		"The app logs me out every time I open it.",
		"Can I merge my two accounts into one profile?",
	},
}

func fileHistory(t *testing.T, d *desk.Desk, agent desk.User) {
	t.Helper()
	ctx := context.Background()
	i := 0
	for _, cat := range []string{"billing", "delivery", "account"} {
		for _, text := range filedHistory[cat] {
			i++
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("c%d@example.com", i), Text: text})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.SetCategory(ctx, desk.UserActor(agent), res.CaseID, cat); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestLearnCategoriesFromAgents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		agent := mustUser(t, d, "sam@shop.example", desk.RoleAgent)

		got, err := d.LearnCategories(ctx)
		if err != nil || got.Trained || !strings.Contains(got.Skipped, "learning needs") {
			t.Fatalf("with nothing filed: %+v, %v", got, err)
		}

		fileHistory(t, d, agent)
		got, err = d.LearnCategories(ctx)
		if err != nil || !got.Trained || got.Model == nil {
			t.Fatalf("LearnCategories = %+v, %v", got, err)
		}
		if m := got.Model; m.Examples != 24 || strings.Join(m.Categories, ",") != "account,billing,delivery" {
			t.Errorf("model = %+v", m)
		}

		// New cases are filed by the learned model, on this instance and on
		// another that only shares the database.
		other := newDesk(t, db)
		for _, c := range []struct{ d *desk.Desk }{{d}, {other}} {
			for text, want := range map[string]string{
				"I have been charged twice for the same order, refund me please.": "billing",
				"The tracking number shows my parcel lost at the depot.":          "delivery",
				"I forgot my password and can't log in to my account.":            "account",
			} {
				res, err := c.d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "new@example.com", Text: text})
				if err != nil {
					t.Fatal(err)
				}
				cs, err := c.d.Case(ctx, res.CaseID)
				if err != nil {
					t.Fatal(err)
				}
				if cs.Category != want {
					t.Errorf("%q filed under %q, want %q", text, cs.Category, want)
				}
			}
		}

		again, err := d.LearnCategories(ctx)
		if err != nil || again.Trained || again.Model == nil || again.Model.ID != got.Model.ID {
			t.Errorf("relearning with nothing new = %+v, %v", again, err)
		}
		info, err := other.CategoryModel(ctx)
		if err != nil || info == nil || info.ID != got.Model.ID {
			t.Errorf("CategoryModel = %+v, %v", info, err)
		}
		events, err := d.AuditLog(ctx, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		learned := 0
		for _, e := range events {
			if e.Action == "categories.learned" {
				learned++
			}
		}
		if learned != 1 {
			t.Errorf("%d categories.learned events, want 1", learned)
		}
	})
}
