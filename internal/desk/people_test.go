package desk_test

import (
	"context"
	"errors"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

func TestPeopleRulesAreTheDesks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, _ := newDeskWithClock(t, db)
		ann := mustUser(t, d, "ann@calmdesk.test", desk.RoleAdmin)
		ana := mustUser(t, d, "ana@calmdesk.test", desk.RoleSupervisor)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		supervisor, agent := desk.RoleSupervisor, desk.RoleAgent
		var (
			forbidden *desk.ForbiddenError
			conflict  *desk.ConflictError
			invalid   *desk.ValidationError
		)
		cases := []struct {
			name string
			do   func() error
			want any // nil, or a pointer to the error type expected
		}{
			{"a supervisor cannot change roles", func() error {
				_, err := d.UpdateUser(ctx, ana, sam.ID, desk.UserChange{Role: &supervisor})
				return err
			}, &forbidden},
			{"a supervisor cannot deactivate", func() error { _, err := d.DeactivateUser(ctx, ana, sam.ID); return err }, &forbidden},
			{"the last admin keeps the admin role", func() error {
				_, err := d.UpdateUser(ctx, ann, ann.ID, desk.UserChange{Role: &agent})
				return err
			}, &invalid},
			{"an admin cannot deactivate themselves", func() error { _, err := d.DeactivateUser(ctx, ann, ann.ID); return err }, &conflict},
			{"an unknown role is refused", func() error {
				r := desk.Role("boss")
				_, err := d.UpdateUser(ctx, ann, sam.ID, desk.UserChange{Role: &r})
				return err
			}, &invalid},
			{"reactivating an active person is a conflict", func() error { _, err := d.ReactivateUser(ctx, ann, sam.ID); return err }, &conflict},
		}
		for _, c := range cases {
			err := c.do()
			switch want := c.want.(type) {
			case **desk.ForbiddenError:
				if !errors.As(err, want) {
					t.Errorf("%s: err = %v, want forbidden", c.name, err)
				}
			case **desk.ConflictError:
				if !errors.As(err, want) {
					t.Errorf("%s: err = %v, want conflict", c.name, err)
				}
			case **desk.ValidationError:
				if !errors.As(err, want) {
					t.Errorf("%s: err = %v, want invalid", c.name, err)
				}
			}
		}
		// Nothing above changed anyone.
		for _, u := range []desk.User{ann, ana, sam} {
			got, _ := d.User(ctx, u.ID)
			if got.Role != u.Role || got.Disabled {
				t.Errorf("%s changed: %+v", u.Email, got)
			}
		}

		// Role and skills change together; both are audited.
		skills := []string{" billing ", "", "refunds"}
		got, err := d.UpdateUser(ctx, ann, sam.ID, desk.UserChange{Role: &supervisor, Skills: &skills})
		if err != nil || got.Role != desk.RoleSupervisor || len(got.Skills) != 2 || got.Skills[0] != "billing" {
			t.Fatalf("update = %+v, %v", got, err)
		}

		// Two admins: one may deactivate the other, not then the last.
		bea := mustUser(t, d, "bea@calmdesk.test", desk.RoleAdmin)
		token, err := d.CreateToken(ctx, desk.SystemActor, bea.Email, "script")
		if err != nil {
			t.Fatal(err)
		}
		c, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Assign(ctx, desk.SystemActor, c.CaseID, bea.ID); err != nil {
			t.Fatal(err)
		}
		stamp := mustAuth(t, d, bea.Email).SessionStamp()
		res, err := d.DeactivateUser(ctx, ann, bea.ID)
		if err != nil || res.TokensRevoked != 1 || res.OpenCases != 1 || !res.User.Disabled {
			t.Fatalf("deactivate = %+v, %v", res, err)
		}
		if _, err := d.UserByToken(ctx, token); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("token of a deactivated person: %v", err)
		}
		if _, err := d.Authenticate(ctx, bea.Email, "correct horse battery"); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("sign-in of a deactivated person: %v", err)
		}
		if _, err := d.Assign(ctx, desk.SystemActor, c.CaseID, bea.ID); !errors.As(err, &invalid) {
			t.Errorf("assigning to a deactivated person: %v", err)
		}
		page, err := d.Cases(ctx, desk.CaseQuery{AssigneeInactive: true})
		if err != nil || len(page.Cases) != 1 || page.Cases[0].ID != c.CaseID {
			t.Errorf("cases needing a new owner = %+v, %v", page, err)
		}
		if _, err := d.UpdateUser(ctx, ann, ann.ID, desk.UserChange{Role: &agent}); !errors.As(err, &invalid) {
			t.Errorf("demoting the last active admin: %v", err)
		}
		// Reactivated: can sign in, but the old session and token stay ended.
		if _, err := d.ReactivateUser(ctx, ann, bea.ID); err != nil {
			t.Fatal(err)
		}
		again := mustAuth(t, d, bea.Email)
		if again.SessionStamp() == stamp {
			t.Error("reactivation brought the old session stamp back")
		}
		if _, err := d.UserByToken(ctx, token); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("old token after reactivation: %v", err)
		}
		var actions []string
		log, _ := d.AuditLog(ctx, 0, 1000)
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		for _, want := range []string{"user.role_changed", "user.skills", "user.deactivated", "user.reactivated"} {
			found := false
			for _, a := range actions {
				found = found || a == want
			}
			if !found {
				t.Errorf("audit log lacks %s: %v", want, actions)
			}
		}
	})
}

func mustAuth(t *testing.T, d *desk.Desk, email string) desk.User {
	t.Helper()
	u, err := d.Authenticate(context.Background(), email, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	return u
}
