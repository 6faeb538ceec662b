package desk_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

func TestSetCategory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		agent := mustUser(t, d, "sam@shop.example", desk.RoleAgent)
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana@example.com", Text: "You charged me twice for order 4471."})
		if err != nil {
			t.Fatal(err)
		}
		c, err := d.SetCategory(ctx, desk.UserActor(agent), res.CaseID, "  billing ")
		if err != nil || c.Category != "billing" {
			t.Fatalf("SetCategory = %+v, %v", c.Category, err)
		}
		if _, err := d.SetCategory(ctx, desk.UserActor(agent), res.CaseID, "billing"); err != nil {
			t.Fatal(err)
		}
		events, err := d.AuditLog(ctx, res.CaseID, 0)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range events {
			if e.Action == "case.categorized" {
				n++
				var detail struct{ From, To string }
				if json.Unmarshal(e.Detail, &detail) != nil || detail.To != "billing" || e.Actor != desk.UserActor(agent).Label {
					t.Errorf("event = %+v %s", e, e.Detail)
				}
			}
		}
		if n != 1 {
			t.Errorf("%d case.categorized events, want 1 (the repeat is a no-op)", n)
		}
		var verr *desk.ValidationError
		if _, err := d.SetCategory(ctx, desk.SystemActor, res.CaseID, " "); !errors.As(err, &verr) {
			t.Errorf("blank category: %v", err)
		}
		if _, err := d.SetCategory(ctx, desk.SystemActor, res.CaseID, strings.Repeat("x", desk.MaxCategoryBytes+1)); !errors.As(err, &verr) {
			t.Errorf("long category: %v", err)
		}
		if _, err := d.SetCategory(ctx, desk.SystemActor, 999999, "billing"); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("unknown case: %v", err)
		}
	})
}
