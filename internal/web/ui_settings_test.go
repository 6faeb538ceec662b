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

func TestAdminSettings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAdmin)
		ctx := context.Background()
		if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		if status, _ := fetch(t, signedInBrowser(t, api.base, "sam@calmdesk.test"), "GET", api.base+"/settings", nil); status != 403 {
			t.Errorf("an agent opened the settings: %d", status)
		}
		b := signedInBrowser(t, api.base, "admin@calmdesk.test")
		status, page := fetch(t, b, "GET", api.base+"/settings", nil)
		if status != 200 || !strings.Contains(page, "&#34;business_hours&#34;") || !strings.Contains(page, "sam@calmdesk.test") {
			t.Fatalf("settings page: %d", status)
		}
		p, _ := d.Policy(ctx)
		bad := `{"business_hours": {"time_zone": "Mars/Olympus"}}`
		status, page = fetch(t, b, "POST", api.base+"/settings/policy", url.Values{"policy": {bad}})
		if status != 422 || !strings.Contains(page, "business_hours") || !strings.Contains(page, "Mars/Olympus") {
			t.Errorf("an invalid policy: %d", status)
		}
		if status, _ = fetch(t, b, "POST", api.base+"/settings/policy", url.Values{"policy": {"{not json"}}); status != 422 {
			t.Errorf("broken JSON: %d", status)
		}
		good := `{"business_hours": {"time_zone": "Europe/Lisbon", "days": ["mon","tue","wed","thu","fri"], "open": "08:00", "close": "16:00"}}`
		if status, _ = fetch(t, b, "POST", api.base+"/settings/policy", url.Values{"policy": {good}}); status != 303 {
			t.Errorf("a valid policy: %d, want a redirect", status)
		}
		if got, _ := d.Policy(ctx); got.BusinessHours.TimeZone != "Europe/Lisbon" || got.Goodwill.Limits["agent"] != p.Goodwill.Limits["agent"] {
			t.Errorf("policy after saving = %+v", got.BusinessHours)
		}
		if status, _ = fetch(t, b, "POST", api.base+"/settings/users", url.Values{"name": {"Jo Park"}, "email": {"jo@calmdesk.test"}, "role": {"trainee"}, "skills": {"billing, refunds"}}); status != 303 {
			t.Errorf("add a person: %d, want a redirect", status)
		}
		if _, page = fetch(t, b, "GET", api.base+"/settings", nil); !strings.Contains(page, "shown only now") {
			t.Errorf("the new person's password is not shown")
		}
		jo, err := d.UserByEmail(ctx, "jo@calmdesk.test")
		if err != nil || jo.Role != desk.RoleTrainee || len(jo.Skills) != 2 {
			t.Errorf("added user = %+v, %v", jo, err)
		}
	})
}
