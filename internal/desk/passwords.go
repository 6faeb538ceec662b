package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"golang.org/x/crypto/bcrypt"
)

// ChangePassword sets a user's own password after checking the current one.
// A wrong current password is ErrUnauthenticated, as at sign-in. The
// returned user has a new SessionStamp: every other session of theirs ends.
func (d *Desk) ChangePassword(ctx context.Context, userID int64, current, next string) (User, error) {
	v := validator{}
	v.check(len(next) >= MinPasswordLength, "new_password", fmt.Sprintf("must be at least %d characters", MinPasswordLength))
	v.check(len(next) <= 72, "new_password", "must be at most 72 bytes")
	v.check(next != current, "new_password", "must differ from the current one")
	if err := v.err(); err != nil {
		return User{}, err
	}
	var hash string
	err := d.db.Read().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1 AND disabled_at IS NULL`, userID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, notFound("user")
	}
	if err != nil {
		return User{}, fmt.Errorf("desk: change password: %w", err)
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(current)) != nil {
		return User{}, ErrUnauthenticated
	}
	if err := d.setPassword(ctx, UserActor(User{ID: userID}), userID, next, "user.password_changed"); err != nil {
		return User{}, err
	}
	return d.User(ctx, userID)
}

// ResetPassword gives a user a new random password (an admin's or the
// command line's remedy for a forgotten one) and returns it. Every session
// of theirs ends.
func (d *Desk) ResetPassword(ctx context.Context, actor Actor, email string) (User, string, error) {
	u, err := d.UserByEmail(ctx, email)
	if err != nil {
		return User{}, "", err
	}
	password := randomPassword()
	if err := d.setPassword(ctx, actor, u.ID, password, "user.password_reset"); err != nil {
		return User{}, "", err
	}
	u, err = d.User(ctx, u.ID)
	return u, password, err
}

func (d *Desk) setPassword(ctx context.Context, actor Actor, userID int64, password, action string) error {
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcryptCost)
	if err != nil {
		return fmt.Errorf("desk: hash password: %w", err)
	}
	now := d.clock()
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2 WHERE id = $1`, userID, string(hash))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("user")
		}
		return audit(ctx, tx, now, actor, 0, action, map[string]any{"user_id": userID})
	})
	if err != nil {
		return wrapOp(err, "set password of user %d", userID)
	}
	return nil
}
