package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// People: an admin changes a person's role and skills, deactivates and
// reactivates them. Each checks PermUsersManage here, not only at the
// route, and each is one transaction with its audit event.

// UserChange is an edit of a person; a nil field stays as it is.
type UserChange struct {
	Role   *Role
	Skills *[]string
}

// Deactivation says what deactivating a person ended and left behind.
type Deactivation struct {
	User          User `json:"user"`
	TokensRevoked int  `json:"tokens_revoked"`
	OpenCases     int  `json:"open_cases"` // still theirs: they need a new owner
}

// activeAdmins counts the admins who can still sign in, locking their rows
// (PostgreSQL) so two admins demoting or deactivating each other at the
// same moment are checked one after the other.
func (d *Desk) activeAdmins(ctx context.Context, tx *sql.Tx) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL`+d.db.ForUpdate())
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// lockedUser reads a user inside a write transaction, locking the row.
func (d *Desk) lockedUser(ctx context.Context, tx *sql.Tx, id int64) (User, error) {
	u, err := scanUser(tx.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`+d.db.ForUpdate(), id))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, notFound("user")
	}
	return u, err
}

func cleanSkills(skills []string) ([]string, error) {
	clean := []string{}
	for _, s := range skills {
		if s = strings.TrimSpace(s); s != "" {
			if !utf8.ValidString(s) || len(s) > 100 {
				return nil, &ValidationError{Fields: map[string]string{"skills": "each skill is a category name of at most 100 bytes"}}
			}
			clean = append(clean, s)
		}
	}
	if len(clean) > 100 {
		return nil, &ValidationError{Fields: map[string]string{"skills": "at most 100 skills"}}
	}
	return clean, nil
}

// UpdateUser changes a person's role and skills. The last active admin
// keeps the admin role: a desk nobody can administer cannot be repaired
// from the browser.
func (d *Desk) UpdateUser(ctx context.Context, admin User, id int64, ch UserChange) (User, error) {
	if err := require(admin, PermUsersManage); err != nil {
		return User{}, err
	}
	var skills []string
	if ch.Skills != nil {
		var err error
		if skills, err = cleanSkills(*ch.Skills); err != nil {
			return User{}, err
		}
	}
	if ch.Role != nil && !ch.Role.Valid() {
		return User{}, &ValidationError{Fields: map[string]string{"role": "must be one of agent, supervisor, admin, trainee"}}
	}
	now := d.clock()
	actor := UserActor(admin)
	var out User
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := d.lockedUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if ch.Role != nil && *ch.Role != u.Role {
			if u.Role == RoleAdmin && !u.Disabled {
				n, err := d.activeAdmins(ctx, tx)
				if err != nil {
					return err
				}
				if n <= 1 {
					return &ValidationError{Fields: map[string]string{"role": u.Name + " is the last admin; make someone else an admin first"}}
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET role = $2 WHERE id = $1`, u.ID, string(*ch.Role)); err != nil {
				return err
			}
			if err := audit(ctx, tx, now, actor, 0, "user.role_changed", map[string]any{"user_id": u.ID, "from": u.Role, "to": *ch.Role}); err != nil {
				return err
			}
			u.Role = *ch.Role
		}
		if ch.Skills != nil && !equalStrings(skills, u.Skills) {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET skills = $2 WHERE id = $1`, u.ID, encodeStrings(skills)); err != nil {
				return err
			}
			if err := audit(ctx, tx, now, actor, 0, "user.skills", map[string]any{"user_id": u.ID, "skills": skills}); err != nil {
				return err
			}
			u.Skills = skills
		}
		out = u
		return nil
	})
	if err != nil {
		return User{}, wrapOp(err, "update user %d", id)
	}
	return out, nil
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// DeactivateUser stops a person from working on the desk, at once: they
// cannot sign in, every browser session of theirs ends (the session epoch
// moves on, so reactivating them does not revive an old cookie), every API
// token of theirs is revoked, and automatic assignment passes them over.
// Their open cases stay assigned to them, so nothing is silently moved,
// and show as needing a new owner (CaseQuery.AssigneeInactive); the
// supervisors are told how many. An admin cannot deactivate themselves,
// nor the last active admin.
func (d *Desk) DeactivateUser(ctx context.Context, admin User, id int64) (Deactivation, error) {
	if err := require(admin, PermUsersManage); err != nil {
		return Deactivation{}, err
	}
	if id == admin.ID {
		return Deactivation{}, conflictf("you cannot deactivate yourself; ask another admin")
	}
	now := d.clock()
	actor := UserActor(admin)
	var out Deactivation
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := d.lockedUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if u.Disabled {
			return conflictf("%s is already deactivated", u.Name)
		}
		if u.Role == RoleAdmin {
			n, err := d.activeAdmins(ctx, tx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return conflictf("%s is the last admin; make someone else an admin first", u.Name)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = $2, session_epoch = session_epoch + 1 WHERE id = $1`, u.ID, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`, u.ID, now)
		if err != nil {
			return err
		}
		revoked, _ := res.RowsAffected()
		var open int
		if err := tx.QueryRowContext(ctx,
			`SELECT count(*) FROM cases WHERE assignee_id = $1 AND status NOT IN ('resolved', 'closed')`, u.ID).Scan(&open); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, actor, 0, "user.deactivated", map[string]any{"user_id": u.ID, "tokens_revoked": revoked, "open_cases": open}); err != nil {
			return err
		}
		if open > 0 {
			msg := fmt.Sprintf("%s was deactivated; %d open case(s) of theirs need a new owner.", u.Name, open)
			if err := notify(ctx, tx, now, notification{Role: RoleSupervisor, Kind: "needs_owner", Message: msg}); err != nil {
				return err
			}
		}
		u.Disabled = true
		out = Deactivation{User: u, TokensRevoked: int(revoked), OpenCases: open}
		return nil
	})
	if err != nil {
		return Deactivation{}, wrapOp(err, "deactivate user %d", id)
	}
	return out, nil
}

// ReactivateUser lets a deactivated person sign in again. Their old
// sessions and tokens stay ended: they sign in afresh and are given new
// tokens.
func (d *Desk) ReactivateUser(ctx context.Context, admin User, id int64) (User, error) {
	if err := require(admin, PermUsersManage); err != nil {
		return User{}, err
	}
	now := d.clock()
	var out User
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := d.lockedUser(ctx, tx, id)
		if err != nil {
			return err
		}
		if !u.Disabled {
			return conflictf("%s is already active", u.Name)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled_at = NULL WHERE id = $1`, u.ID); err != nil {
			return err
		}
		u.Disabled = false
		out = u
		return audit(ctx, tx, now, UserActor(admin), 0, "user.reactivated", map[string]any{"user_id": u.ID})
	})
	if err != nil {
		return User{}, wrapOp(err, "reactivate user %d", id)
	}
	return out, nil
}

// OpenCaseCounts says how many unresolved cases each user holds, for the
// people list ("3 open cases need a new owner").
func (d *Desk) OpenCaseCounts(ctx context.Context) (map[int64]int, error) {
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT assignee_id, count(*) FROM cases WHERE assignee_id IS NOT NULL AND status NOT IN ('resolved', 'closed') GROUP BY assignee_id`)
	if err != nil {
		return nil, fmt.Errorf("desk: open case counts: %w", err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("desk: open case counts: %w", err)
		}
		out[id] = n
	}
	return out, rows.Err()
}
