package desk

import (
	"context"
	"database/sql"
	"errors"
)

// actorMay checks, inside tx, that a user actor still holds p: the user
// exists, is not disabled and their role grants p. The system and customers
// (actors without a user) act on the desk's own rules and pass. It is the
// desk's own check, so a caller that forgot the route's check (a job, the
// command line, a new handler) cannot act beyond the user's role.
func actorMay(ctx context.Context, tx *sql.Tx, actor Actor, p Permission) error {
	if actor.UserID == 0 {
		return nil
	}
	var role Role
	var disabled sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT role, disabled_at FROM users WHERE id = $1`, actor.UserID).Scan(&role, &disabled)
	if errors.Is(err, sql.ErrNoRows) || disabled.Valid {
		return &ForbiddenError{Permission: p}
	}
	if err != nil {
		return err
	}
	return require(User{ID: actor.UserID, Role: role}, p)
}
