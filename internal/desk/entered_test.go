package desk_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Issue 14, defect 8: an agent may log a customer's phone call as the
// customer's message, but the message records who entered it, the audit
// log says so, and its time must lie in the window around now.
func TestMessageEnteredForTheCustomerSaysWhoEnteredIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		emailed, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mo@example.com", Text: "My parcel is a week late.", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		call := desk.InboundMessage{CustomerEmail: "mo@example.com", Text: "Called: still no parcel, wants a refund.", Channel: "phone",
			CaseID: emailed.CaseID, ReceivedAt: fixedClock.Add(-2 * time.Hour), EnteredBy: sam.ID}
		logged, err := d.Ingest(ctx, call)
		if err != nil {
			t.Fatal(err)
		}
		c := mustDetail(t, d, emailed.CaseID)
		if len(c.Messages) != 2 {
			t.Fatalf("%d messages, want 2", len(c.Messages))
		}
		if c.Messages[0].EnteredBy != nil {
			t.Errorf("the customer's own email says it was entered by user %d", *c.Messages[0].EnteredBy)
		}
		if got := c.Messages[1].EnteredBy; got == nil || *got != sam.ID {
			t.Errorf("the logged call's entered_by = %v, want Sam (%d)", got, sam.ID)
		}
		events, err := d.AuditLog(ctx, emailed.CaseID, 0)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range events {
			var detail struct {
				MessageID int64 `json:"message_id"`
			}
			_ = json.Unmarshal(e.Detail, &detail)
			if e.Action == "message.entered" && e.Actor == fmt.Sprintf("user:%d", sam.ID) && detail.MessageID == logged.MessageID {
				found = true
			}
		}
		if !found {
			t.Errorf("no message.entered event by Sam for message %d in %+v", logged.MessageID, events)
		}
		call.ReceivedAt, call.ExternalID = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), "backdated"
		var verr *desk.ValidationError
		if _, err := d.Ingest(ctx, call); !errors.As(err, &verr) || verr.Fields["received_at"] == "" {
			t.Errorf("a call logged as from 1999: %v, want a validation error on received_at", err)
		}
	})
}
