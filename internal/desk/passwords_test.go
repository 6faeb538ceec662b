package desk_test

import (
	"context"
	"errors"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

func TestChangeAndResetPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		sam := mustUser(t, d, "sam@shop.example", desk.RoleAgent) // password "correct horse battery"
		before := sam.SessionStamp()
		if before == "" {
			t.Fatal("a new user has no session stamp")
		}
		var verr *desk.ValidationError
		for _, next := range []string{"short", "correct horse battery", string(make([]byte, 73))} {
			if _, err := d.ChangePassword(ctx, sam.ID, "correct horse battery", next); !errors.As(err, &verr) {
				t.Errorf("new password %q: %v, want a validation error", next, err)
			}
		}
		if _, err := d.ChangePassword(ctx, sam.ID, "wrong guess", "a much better passphrase"); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("wrong current password: %v", err)
		}
		u, err := d.ChangePassword(ctx, sam.ID, "correct horse battery", "a much better passphrase")
		if err != nil {
			t.Fatal(err)
		}
		if u.SessionStamp() == before {
			t.Error("the session stamp did not change with the password")
		}
		if _, err := d.Authenticate(ctx, "sam@shop.example", "correct horse battery"); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("old password still works: %v", err)
		}
		if got, err := d.Authenticate(ctx, "sam@shop.example", "a much better passphrase"); err != nil || got.SessionStamp() != u.SessionStamp() {
			t.Errorf("new password: %v (stamp %q, want %q)", err, got.SessionStamp(), u.SessionStamp())
		}

		u2, password, err := d.ResetPassword(ctx, desk.SystemActor, "SAM@shop.example")
		if err != nil || len(password) < desk.MinPasswordLength || u2.SessionStamp() == u.SessionStamp() {
			t.Fatalf("reset: %v, %q", err, password)
		}
		if _, err := d.Authenticate(ctx, "sam@shop.example", password); err != nil {
			t.Errorf("reset password does not work: %v", err)
		}
		if _, _, err := d.ResetPassword(ctx, desk.SystemActor, "nobody@shop.example"); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("reset for an unknown email: %v", err)
		}
		events, _ := d.AuditLog(ctx, 0, 0)
		seen := map[string]bool{}
		for _, e := range events {
			seen[e.Action] = true
		}
		if !seen["user.password_changed"] || !seen["user.password_reset"] {
			t.Errorf("audit log lacks the password events: %v", seen)
		}
	})
}
