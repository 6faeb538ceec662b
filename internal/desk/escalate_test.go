package desk_test

import (
	"context"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Story 2: a manager request with a chargeback threat escalates at ingest
// with a handoff summary the supervisor can act on.
func TestManagerRequestEscalatesAtIngestWithHandoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		res, err := d.Ingest(ctx, desk.InboundMessage{
			CustomerEmail: "mo.haddad@example.com", CustomerName: "Mo Haddad", Subject: "Cancelled without notice",
			Text: "You cancelled my subscription without any notice and charged me anyway. I want to speak to your manager, otherwise I will file a chargeback with my bank.",
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := d.Case(ctx, res.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != desk.StatusEscalated || len(c.Escalations) != 1 {
			t.Fatalf("status %s with %d escalations, want escalated once", c.Status, len(c.Escalations))
		}
		e := c.Escalations[0]
		if !strings.HasPrefix(e.Rule, "signal:") || e.ByUserID != nil {
			t.Errorf("escalation = %+v, want a signal rule fired by the system", e)
		}
		for _, want := range []string{"asked for a manager", "Mo Haddad", "mo.haddad@example.com", "Anger:", "Tried so far: nothing yet", "Concerns"} {
			if !strings.Contains(e.Summary, want) {
				t.Errorf("handoff summary lacks %q:\n%s", want, e.Summary)
			}
		}
		sup := mustUser(t, d, "ana@calmdesk.test", desk.RoleSupervisor)
		notes, err := d.Notifications(ctx, sup, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(notes) != 1 || notes[0].Kind != "escalation" {
			t.Errorf("supervisor notifications = %+v", notes)
		}
		// A calm follow-up does not escalate again.
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mo.haddad@example.com", CaseID: res.CaseID, Text: "Thank you for calling me back."}); err != nil {
			t.Fatal(err)
		}
		c, _ = d.Case(ctx, res.CaseID)
		if len(c.Escalations) != 1 {
			t.Errorf("%d escalations after a calm follow-up, want 1", len(c.Escalations))
		}
	})
}

// Story 5: three angry messages without a reply make a venting wave.
func TestVentingWaveAsksToAcknowledgeFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		texts := []string{
			"I returned the jacket three weeks ago and STILL no refund. Unacceptable!",
			"Hello?? Is anyone even reading this? I want my $120 back NOW!!!",
			"Worst service ever. Unacceptable. Refund me NOW.",
		}
		var caseID int64
		for i, text := range texts {
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "alex@example.com", CaseID: caseID, Text: text})
			if err != nil {
				t.Fatal(err)
			}
			caseID = res.CaseID
			c, _ := d.Case(ctx, caseID)
			if want := i == 2; c.AcknowledgeFirst != want {
				t.Errorf("after message %d acknowledge_first = %v, want %v", i+1, c.AcknowledgeFirst, want)
			}
		}
		if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: caseID, Text: "Alex, I'm so sorry for the silence. I will refund your $120 today."}); err != nil {
			t.Fatal(err)
		}
		c, _ := d.Case(ctx, caseID)
		if c.AcknowledgeFirst {
			t.Error("acknowledge_first still set after the agent replied")
		}
	})
}
