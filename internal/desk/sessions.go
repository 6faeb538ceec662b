package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Browser sessions live in the database, so any instance behind a load
// balancer can serve any request. The web package keeps the session
// manager; the desk keeps the rows.

// FindSession returns the data of an unexpired session.
func (d *Desk) FindSession(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := d.db.Read().QueryRowContext(ctx,
		`SELECT data FROM sessions WHERE token = $1 AND expiry > $2`, token, d.clock().UTC()).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("desk: find session: %w", err)
	}
	return data, true, nil
}

// SaveSession stores a session's data until expiry.
func (d *Desk) SaveSession(ctx context.Context, token string, data []byte, expiry time.Time) error {
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3)
			 ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
			token, data, expiry.UTC())
		if err != nil {
			return fmt.Errorf("desk: save session: %w", err)
		}
		return nil
	})
}

// DeleteSession ends a session.
func (d *Desk) DeleteSession(ctx context.Context, token string) error {
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token = $1`, token); err != nil {
			return fmt.Errorf("desk: delete session: %w", err)
		}
		return nil
	})
}

// Ping says whether the desk's database answers.
func (d *Desk) Ping(ctx context.Context) error { return d.db.Ping(ctx) }
