package desk

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// tokenPrefix marks calmdesk API tokens so secret scanners can spot them.
const tokenPrefix = "cd_"

// CreateToken issues an API token for the user with the given email and
// returns the secret, which is shown once: only its SHA-256 is stored, so a
// request costs one indexed lookup and no bcrypt.
func (d *Desk) CreateToken(ctx context.Context, actor Actor, email, name string) (string, error) {
	u, err := d.UserByEmail(ctx, email)
	if errors.Is(err, ErrNotFound) {
		return "", &ValidationError{Fields: map[string]string{"user": "no user with email " + normaliseEmail(email)}}
	}
	if err != nil {
		return "", err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", fmt.Errorf("desk: token: %w", err)
	}
	secret := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	sum := sha256.Sum256([]byte(secret))
	now := d.clock()
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			u.ID, name, sum[:], now).Scan(&id); err != nil {
			return err
		}
		return audit(ctx, tx, now, actor, 0, "token.created", map[string]any{"token_id": id, "user_id": u.ID, "name": name})
	})
	if err != nil {
		return "", fmt.Errorf("desk: create token for %s: %w", u.Email, err)
	}
	return secret, nil
}

// UserByToken returns the user an API token belongs to, or ErrUnauthenticated.
func (d *Desk) UserByToken(ctx context.Context, secret string) (User, error) {
	if !strings.HasPrefix(secret, tokenPrefix) || len(secret) > 100 {
		return User{}, ErrUnauthenticated
	}
	sum := sha256.Sum256([]byte(secret))
	// Prepared once (SQLite): parsing this query again was most of the CPU
	// of a request answered from a kept case answer. Nothing is cached but
	// the statement: a revoked token or disabled user fails at once.
	row := d.prepared.QueryRowContext(ctx,
		`SELECT u.id, u.email, u.name, u.role, u.created_at, u.disabled_at, u.skills, u.password_hash, u.session_epoch
		   FROM api_tokens t JOIN users u ON u.id = t.user_id
		  WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, sum[:])
	u, err := scanUser(row)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, ErrUnauthenticated
	}
	if err != nil {
		return User{}, fmt.Errorf("desk: token lookup: %w", err)
	}
	if u.Disabled {
		return User{}, ErrUnauthenticated
	}
	return u, nil
}

// RevokeToken stops an API token from working. It takes the secret itself,
// since only its hash is stored.
func (d *Desk) RevokeToken(ctx context.Context, actor Actor, secret string) error {
	sum := sha256.Sum256([]byte(strings.TrimSpace(secret)))
	now := d.clock()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		var id, userID int64
		err := tx.QueryRowContext(ctx,
			`UPDATE api_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL RETURNING id, user_id`, sum[:], now).
			Scan(&id, &userID)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("token")
		}
		if err != nil {
			return fmt.Errorf("desk: revoke token: %w", err)
		}
		return audit(ctx, tx, now, actor, 0, "token.revoked", map[string]any{"token_id": id, "user_id": userID})
	})
}
