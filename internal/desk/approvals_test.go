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

// TestApprovalsAreRouted: with the default limits (agent 15.00, supervisor
// 50.00, admin 500.00) an offer a supervisor may approve is asked of the
// supervisors; one above their limit of the admins, with the words "needs
// an admin"; each approver lists only what they may approve.
func TestApprovalsAreRouted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, _ := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		ana := mustUser(t, d, "ana@calmdesk.test", desk.RoleSupervisor)
		ann := mustUser(t, d, "ann@calmdesk.test", desk.RoleAdmin)
		c, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		offers := []struct {
			cents    int64
			waitsFor desk.Role
		}{
			{4000, desk.RoleSupervisor},
			{6000, desk.RoleAdmin},
			{60000, ""}, // above every limit
		}
		ids := map[int64]int64{}
		for _, o := range offers {
			g, err := d.OfferGoodwill(ctx, sam, desk.GoodwillInput{CaseID: c.CaseID, Kind: "refund", AmountCents: o.cents})
			if err != nil {
				t.Fatal(err)
			}
			if g.Status != "pending" || g.WaitsFor != o.waitsFor {
				t.Errorf("offer of %d: status %s, waits for %q, want pending for %q", o.cents, g.Status, g.WaitsFor, o.waitsFor)
			}
			ids[o.cents] = g.ID
		}
		said := func(u desk.User) string {
			list, err := d.Notifications(ctx, u, 50)
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for _, n := range list {
				if n.Kind == "goodwill_approval" {
					b.WriteString(n.Message + "\n")
				}
			}
			return b.String()
		}
		if got := said(ana); !strings.Contains(got, "refund of 40.00") || strings.Contains(got, "refund of 60.00") || strings.Contains(got, "refund of 600.00") {
			t.Errorf("the supervisor was asked:\n%s", got)
		}
		if got := said(ann); !strings.Contains(got, "refund of 60.00") || !strings.Contains(got, "needs an admin") || !strings.Contains(got, "above every approver's limit") {
			t.Errorf("the admin was asked:\n%s", got)
		}
		mine := func(u desk.User) ([]int64, int) {
			a, err := d.GoodwillToApprove(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, g := range a.Mine {
				out = append(out, g.AmountCents)
			}
			return out, a.Above
		}
		if got, above := mine(ana); len(got) != 1 || got[0] != 4000 || above != 2 {
			t.Errorf("the supervisor may approve %v (%d above), want [4000] (2 above)", got, above)
		}
		if got, above := mine(ann); len(got) != 2 || above != 1 {
			t.Errorf("the admin may approve %v (%d above), want the $40 and $60 (1 above)", got, above)
		}
		var forbidden *desk.ForbiddenError
		if _, err := d.GoodwillToApprove(ctx, sam); !errors.As(err, &forbidden) {
			t.Errorf("an agent's approvals: %v, want forbidden", err)
		}
		// Once the admin approves the $60, the case's approved total is
		// above the supervisor's limit: the $40 is no longer hers either.
		if _, err := d.DecideGoodwill(ctx, ann, ids[6000], true, ""); err != nil {
			t.Fatal(err)
		}
		if got, above := mine(ana); len(got) != 0 || above != 2 {
			t.Errorf("after the $60 was approved the supervisor may approve %v (%d above)", got, above)
		}
	})
}
