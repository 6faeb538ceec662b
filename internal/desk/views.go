package desk

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/store"
)

// InboxView is a person's saved inbox filter: a name and the inbox's query
// string (view, status, category, search), applied by opening it.
type InboxView struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Query     string    `json:"query"`
	CreatedAt time.Time `json:"created_at"`
}

// MaxInboxViews is how many views one person may keep.
const MaxInboxViews = 30

// SaveInboxView keeps a named filter for u; a name u already uses is
// replaced. The query is stored as given: the inbox reads it as it reads
// its address, ignoring what it does not know.
func (d *Desk) SaveInboxView(ctx context.Context, u User, name, query string) (InboxView, error) {
	if err := require(u, PermCasesRead); err != nil {
		return InboxView{}, err
	}
	name = strings.TrimSpace(name)
	query = strings.TrimPrefix(strings.TrimSpace(query), "?")
	v := validator{}
	v.check(name != "", "name", "is required")
	v.check(utf8.ValidString(name) && utf8.RuneCountInString(name) <= 60, "name", "must be at most 60 characters")
	v.check(utf8.ValidString(query) && len(query) <= 1000, "query", "must be at most 1000 bytes")
	if err := v.err(); err != nil {
		return InboxView{}, err
	}
	now := d.clock()
	out := InboxView{Name: name, Query: query, CreatedAt: now}
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inbox_views WHERE user_id = $1 AND name <> $2`, u.ID, name).Scan(&n); err != nil {
			return err
		}
		if n >= MaxInboxViews {
			return &ValidationError{Fields: map[string]string{"name": fmt.Sprintf("you already keep %d views; delete one first", MaxInboxViews)}}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM inbox_views WHERE user_id = $1 AND name = $2`, u.ID, name); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx,
			`INSERT INTO inbox_views (user_id, name, query, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			u.ID, name, query, now).Scan(&out.ID)
	})
	if err != nil {
		if store.IsUniqueViolation(err) {
			return InboxView{}, &ValidationError{Fields: map[string]string{"name": "you already have a view of this name"}}
		}
		return InboxView{}, wrapOp(err, "save inbox view")
	}
	return out, nil
}

// InboxViews lists u's saved views by name.
func (d *Desk) InboxViews(ctx context.Context, u User) ([]InboxView, error) {
	if err := require(u, PermCasesRead); err != nil {
		return nil, err
	}
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT id, name, query, created_at FROM inbox_views WHERE user_id = $1 ORDER BY name, id`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("desk: inbox views: %w", err)
	}
	defer rows.Close()
	out := []InboxView{}
	for rows.Next() {
		var v InboxView
		if err := rows.Scan(&v.ID, &v.Name, &v.Query, &v.CreatedAt); err != nil {
			return nil, fmt.Errorf("desk: inbox views: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// DeleteInboxView deletes one of u's views; someone else's is not found.
func (d *Desk) DeleteInboxView(ctx context.Context, u User, id int64) error {
	if err := require(u, PermCasesRead); err != nil {
		return err
	}
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM inbox_views WHERE id = $1 AND user_id = $2`, id, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("saved view")
		}
		return nil
	})
	return wrapOpNil(err, "delete inbox view %d", id)
}

func wrapOpNil(err error, format string, args ...any) error {
	if err == nil {
		return nil
	}
	return wrapOp(err, format, args...)
}

// typingFor is how long one keystroke says someone is writing: the page
// reports at most every few seconds while keys are pressed.
const typingFor = 8 * time.Second

// Typing records that u is writing a reply on a case, for the next few
// seconds; the case page shows it to the others ("Sam is replying").
func (d *Desk) Typing(ctx context.Context, u User, caseID int64) error {
	if err := require(u, PermCasesReply); err != nil {
		return err
	}
	until := d.clock().Add(typingFor)
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := caseStatus(ctx, tx, caseID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx,
			`INSERT INTO case_typing (case_id, user_id, until) VALUES ($1, $2, $3)
			 ON CONFLICT (case_id, user_id) DO UPDATE SET until = excluded.until`, caseID, u.ID, until)
		return err
	})
	return wrapOpNil(err, "typing on case %d", caseID)
}

// StoppedTyping says u no longer writes on the case (they sent, or left).
func (d *Desk) StoppedTyping(ctx context.Context, u User, caseID int64) error {
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM case_typing WHERE case_id = $1 AND user_id = $2`, caseID, u.ID)
		return err
	})
	return wrapOpNil(err, "stop typing on case %d", caseID)
}

// TypingOn lists who is writing on a case now, other than u, by name.
func (d *Desk) TypingOn(ctx context.Context, u User, caseID int64) ([]string, error) {
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT us.name FROM case_typing t JOIN users us ON us.id = t.user_id
		  WHERE t.case_id = $1 AND t.user_id <> $2 AND t.until > $3 AND us.disabled_at IS NULL ORDER BY us.name`,
		caseID, u.ID, d.clock())
	if err != nil {
		return nil, fmt.Errorf("desk: typing on case %d: %w", caseID, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}
