package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestSettingsBasicsForm: an admin sets business hours, holidays, goodwill
// limits and assignment from a form, without writing JSON; a bad value
// comes back with the form as typed.
func TestSettingsBasicsForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAdmin)
		ctx := context.Background()
		b := signedInBrowser(t, api.base, "admin@calmdesk.test")
		status, page := fetch(t, b, "GET", api.base+"/settings", nil)
		if status != 200 || !strings.Contains(page, `action="/settings/basics"`) || !strings.Contains(page, `value="15.00"`) {
			t.Fatalf("settings page without the basics form: %d", status)
		}
		form := url.Values{
			"time_zone": {"Europe/Lisbon"}, "days": {"mon", "tue", "wed", "thu", "fri", "sat"},
			"open": {"08:30"}, "close": {"18:00"}, "holidays": {"2026-12-25\n2027-01-01"},
			"currency": {"eur"}, "limit_agent": {"20"}, "limit_supervisor": {"75.50"}, "limit_admin": {"1,000"},
			"assignment": {"round_robin"},
		}
		if status, _ := fetch(t, b, "POST", api.base+"/settings/basics", form); status != 303 {
			t.Fatalf("save basics: %d, want a redirect", status)
		}
		p, err := d.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		bh := p.BusinessHours
		if bh.TimeZone != "Europe/Lisbon" || strings.Join(bh.Days, ",") != "mon,tue,wed,thu,fri,sat" || bh.Open != "08:30" || bh.Close != "18:00" || len(bh.Holidays) != 2 {
			t.Errorf("business hours = %+v", bh)
		}
		if g := p.Goodwill; g.Currency != "EUR" || g.Limits["agent"] != 2000 || g.Limits["supervisor"] != 7550 || g.Limits["admin"] != 100000 {
			t.Errorf("goodwill = %+v", g)
		}
		if p.Assignment.Mode != "round_robin" || p.FollowUp.Enabled {
			t.Errorf("assignment %q, follow-up %v", p.Assignment.Mode, p.FollowUp.Enabled)
		}
		if len(p.Escalation.Signals) == 0 || len(p.SLA.Targets) == 0 {
			t.Error("saving the basics lost the rest of the policy")
		}

		form.Set("time_zone", "Mars/Olympus")
		status, page = fetch(t, b, "POST", api.base+"/settings/basics", form)
		if status != 422 || !strings.Contains(page, "Mars/Olympus") || !strings.Contains(page, "time_zone") {
			t.Errorf("bad time zone: %d", status)
		}
		form.Set("time_zone", "Europe/Lisbon")
		form.Set("limit_agent", "twenty")
		if status, page = fetch(t, b, "POST", api.base+"/settings/basics", form); status != 422 || !strings.Contains(page, "not an amount") {
			t.Errorf("bad limit: %d", status)
		}
		if p2, _ := d.Policy(ctx); p2.Goodwill.Limits["agent"] != 2000 {
			t.Errorf("a refused form changed the policy: %+v", p2.Goodwill.Limits)
		}
	})
}
