package web_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
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

// TestAdminResetsAPassword: an admin gives Sam a new password from the
// settings page; it is shown once, works, and Sam's sessions end. An agent
// cannot, and an admin is sent to their own account page for theirs.
func TestAdminResetsAPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAdmin)
		sam, _, err := d.AddUser(context.Background(), desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		samBrowser := signedInBrowser(t, api.base, "sam@calmdesk.test")
		resetURL := fmt.Sprintf("%s/settings/users/%d/password", api.base, sam.ID)
		if status, _ := fetch(t, samBrowser, "POST", resetURL, url.Values{}); status != 403 {
			t.Errorf("an agent resetting a password: %d, want 403", status)
		}
		admin := signedInBrowser(t, api.base, "admin@calmdesk.test")
		if status, _ := fetch(t, admin, "POST", resetURL, url.Values{}); status != 303 {
			t.Fatalf("reset: %d, want a redirect", status)
		}
		_, page := fetch(t, admin, "GET", api.base+"/settings", nil)
		m := regexp.MustCompile(`New password for sam@calmdesk.test, shown only now: (\S+)\.`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the new password is not shown")
		}
		if _, err := d.Authenticate(context.Background(), "sam@calmdesk.test", m[1]); err != nil {
			t.Errorf("the shown password does not work: %v", err)
		}
		if status, _ := fetch(t, samBrowser, "GET", api.base+"/account", nil); status != 303 {
			t.Errorf("Sam's session should have ended: %d", status)
		}
		me, _ := d.UserByEmail(context.Background(), "admin@calmdesk.test")
		if status, _ := fetch(t, admin, "POST", fmt.Sprintf("%s/settings/users/%d/password", api.base, me.ID), url.Values{}); status != 303 {
			t.Errorf("own reset: %d", status)
		}
		if _, err := d.Authenticate(context.Background(), "admin@calmdesk.test", "correct horse battery"); err != nil {
			t.Errorf("the admin's own password was reset from the settings page: %v", err)
		}
	})
}
