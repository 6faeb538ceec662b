package desk

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// RecordLoginFailure notes a failed sign-in for rate limiting.
func (d *Desk) RecordLoginFailure(ctx context.Context, email, ip string) error {
	now := d.clock()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO login_failures (email, ip, at) VALUES ($1, $2, $3)`,
			textkit.Clip(normaliseEmail(email), 254), textkit.Clip(ip, 64), now); err != nil {
			return fmt.Errorf("desk: record login failure: %w", err)
		}
		// Old failures only slow the count down; forget them as we go.
		_, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE at < $1`, now.Add(-24*time.Hour))
		return err
	})
}

// LoginBlocked reports whether sign-ins for this email or from this address
// failed too often within the window.
func (d *Desk) LoginBlocked(ctx context.Context, email, ip string, window time.Duration, perEmail, perIP int) (bool, error) {
	since := d.clock().Add(-window)
	var byEmail, byIP int
	err := d.db.Read().QueryRowContext(ctx,
		`SELECT (SELECT count(*) FROM login_failures WHERE email = $1 AND at > $3),
		        (SELECT count(*) FROM login_failures WHERE ip = $2 AND at > $3)`,
		normaliseEmail(email), ip, since).Scan(&byEmail, &byIP)
	if err != nil {
		return false, fmt.Errorf("desk: login rate: %w", err)
	}
	return byEmail >= perEmail || byIP >= perIP, nil
}
