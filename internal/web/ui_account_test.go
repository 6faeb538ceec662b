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

// TestChangePasswordSignsOutOtherSessions: Sam changes his password on his
// laptop; his phone's session ends, his laptop's goes on.
func TestChangePasswordSignsOutOtherSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAdmin)
		if _, _, err := d.AddUser(context.Background(), desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent, Password: "correct horse battery"}); err != nil {
			t.Fatal(err)
		}
		laptop := signedInBrowser(t, api.base, "sam@calmdesk.test")
		phone := signedInBrowser(t, api.base, "sam@calmdesk.test")
		status, page := fetch(t, laptop, "GET", api.base+"/account", nil)
		if status != 200 || !strings.Contains(page, "sam@calmdesk.test") || !strings.Contains(page, `action="/account/password"`) {
			t.Fatalf("account page: %d", status)
		}
		form := func(current, next, confirm string) url.Values {
			return url.Values{"current_password": {current}, "new_password": {next}, "confirm_password": {confirm}}
		}
		if status, page := fetch(t, laptop, "POST", api.base+"/account/password", form("correct horse battery", "a longer passphrase", "a different one")); status != 422 || !strings.Contains(page, "does not match") {
			t.Errorf("confirmation mismatch: %d", status)
		}
		if status, page := fetch(t, laptop, "POST", api.base+"/account/password", form("wrong", "a longer passphrase", "a longer passphrase")); status != 422 || !strings.Contains(page, "is not your current password") {
			t.Errorf("wrong current password: %d", status)
		}
		if status, page := fetch(t, laptop, "POST", api.base+"/account/password", form("correct horse battery", "short", "short")); status != 422 || !strings.Contains(page, "at least 10 characters") {
			t.Errorf("short new password: %d", status)
		}
		if status, _ := fetch(t, laptop, "POST", api.base+"/account/password", form("correct horse battery", "a longer passphrase", "a longer passphrase")); status != 303 {
			t.Fatalf("change password: %d, want a redirect", status)
		}
		if status, page := fetch(t, laptop, "GET", api.base+"/account", nil); status != 200 || !strings.Contains(page, "Your password is changed") {
			t.Errorf("the laptop's session should go on: %d", status)
		}
		if status, _ := fetch(t, phone, "GET", api.base+"/account", nil); status != 303 {
			t.Errorf("the phone's session should have ended: %d, want a redirect to sign in", status)
		}
		if _, err := d.Authenticate(context.Background(), "sam@calmdesk.test", "a longer passphrase"); err != nil {
			t.Errorf("new password: %v", err)
		}
	})
}
