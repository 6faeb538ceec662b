package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// LoadSetting reads a JSON setting into v and reports whether it exists.
// Settings are shared by every instance through the database.
func (d *Desk) LoadSetting(ctx context.Context, key string, v any) (bool, error) {
	var raw string
	err := d.db.Read().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = $1`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("desk: load setting %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return false, fmt.Errorf("desk: setting %s: %w", key, err)
	}
	return true, nil
}

// SaveSetting stores v as a JSON setting. Keys that belong to the policy
// go through SetPolicy, which validates them.
func (d *Desk) SaveSetting(ctx context.Context, key string, v any) error {
	if key == "policy" || strings.HasPrefix(key, "survey_") {
		return fmt.Errorf("desk: setting %s is managed by the desk", key)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	now := d.clock()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)
			 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, string(b), now)
		return err
	})
}
