package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Promise is a promise an agent made to a customer in a sent reply.
type Promise struct {
	ID          int64      `json:"id"`
	CaseID      int64      `json:"case_id"`
	MessageID   int64      `json:"message_id"`
	OwnerUserID *int64     `json:"owner_user_id,omitempty"`
	Action      string     `json:"action"`
	Amount      string     `json:"amount,omitempty"`
	Quote       string     `json:"quote,omitempty"`
	DueAt       *time.Time `json:"due_at"`
	Vague       bool       `json:"vague"`
	Status      string     `json:"status"` // open, kept, broken, cancelled
	Note        string     `json:"note,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
}

// PromiseQuery filters promises.
type PromiseQuery struct {
	ID     int64
	CaseID int64
	Status string // open, kept, broken, cancelled; empty: all
	Limit  int
}

var promiseStatuses = []string{"open", "kept", "broken", "cancelled"}

// Promises lists the tracked promises, soonest due first (stored in the commitments table).
func (d *Desk) Promises(ctx context.Context, q PromiseQuery) ([]Promise, error) {
	v := validator{}
	v.check(q.Status == "" || slices.Contains(promiseStatuses, q.Status), "status", "must be one of "+strings.Join(promiseStatuses, ", "))
	v.check(q.Limit >= 0 && q.Limit <= 1000, "limit", "must be between 1 and 1000")
	if err := v.err(); err != nil {
		return nil, err
	}
	return listPromises(ctx, d.db.Read(), q)
}

func listPromises(ctx context.Context, db querier, q PromiseQuery) ([]Promise, error) {
	var where []string
	var args []any
	if q.ID != 0 {
		args = append(args, q.ID)
		where = append(where, "id = $"+strconv.Itoa(len(args)))
	}
	if q.CaseID != 0 {
		args = append(args, q.CaseID)
		where = append(where, "case_id = $"+strconv.Itoa(len(args)))
	}
	if q.Status != "" {
		args = append(args, q.Status)
		where = append(where, "status = $"+strconv.Itoa(len(args)))
	}
	if q.Limit == 0 {
		q.Limit = 200
	}
	query := `SELECT id, case_id, message_id, owner_user_id, action, amount, quote, due_at, vague, status, note, created_at, closed_at FROM commitments`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, q.Limit)
	query += ` ORDER BY due_at IS NULL, due_at, id LIMIT $` + strconv.Itoa(len(args))
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("desk: commitments: %w", err)
	}
	defer rows.Close()
	out := []Promise{}
	for rows.Next() {
		var c Promise
		var owner sql.NullInt64
		var due, closed sql.NullTime
		if err := rows.Scan(&c.ID, &c.CaseID, &c.MessageID, &owner, &c.Action, &c.Amount, &c.Quote, &due, &c.Vague,
			&c.Status, &c.Note, &c.CreatedAt, &closed); err != nil {
			return nil, fmt.Errorf("desk: commitments: %w", err)
		}
		if owner.Valid {
			c.OwnerUserID = &owner.Int64
		}
		c.DueAt = timePtr(due)
		c.ClosedAt = timePtr(closed)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ClosePromise marks an open (or broken) promise kept, with a note such
// as a refund reference, or cancels it.
func (d *Desk) ClosePromise(ctx context.Context, u User, id int64, status, note string) (Promise, error) {
	note = strings.TrimSpace(note)
	v := validator{}
	v.check(status == "kept" || status == "cancelled", "status", "must be kept or cancelled")
	v.check(utf8.ValidString(note) && len(note) <= 1000, "note", "must be valid UTF-8 of at most 1000 bytes")
	if err := v.err(); err != nil {
		return Promise{}, err
	}
	now := d.clock()
	var c Promise
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		var caseID int64
		var old string
		err := tx.QueryRowContext(ctx, `SELECT case_id, status FROM commitments WHERE id = $1`, id).Scan(&caseID, &old)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("promise")
		}
		if err != nil {
			return err
		}
		if old == "kept" || old == "cancelled" {
			return conflictf("promise %d is already %s", id, old)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE commitments SET status = $2, note = $3, closed_at = $4 WHERE id = $1`, id, status, note, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, UserActor(u), caseID, "promise."+status, map[string]any{"commitment_id": id, "was": old, "note": note}); err != nil {
			return err
		}
		list, err := listPromises(ctx, tx, PromiseQuery{ID: id})
		if err != nil || len(list) == 0 {
			return errors.Join(err, notFound("promise"))
		}
		c = list[0]
		return nil
	})
	if err != nil {
		return Promise{}, wrapOp(err, "close promise %d", id)
	}
	return c, nil
}

// PromiseStats is the promise-kept rate over promises that came due.
type PromiseStats struct {
	Open     int     `json:"open"`
	Kept     int     `json:"kept"`
	Broken   int     `json:"broken"`
	KeptRate float64 `json:"kept_rate"` // kept / (kept + broken); 0 when none came due
}

// PromiseStats reports how well the desk keeps its promises.
func (d *Desk) PromiseStats(ctx context.Context) (PromiseStats, error) {
	var s PromiseStats
	rows, err := d.db.Read().QueryContext(ctx, `SELECT status, count(*) FROM commitments GROUP BY status`)
	if err != nil {
		return s, fmt.Errorf("desk: promise stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return s, err
		}
		switch status {
		case "open":
			s.Open = n
		case "kept":
			s.Kept = n
		case "broken":
			s.Broken = n
		}
	}
	if s.Kept+s.Broken > 0 {
		s.KeptRate = float64(s.Kept) / float64(s.Kept+s.Broken)
	}
	return s, rows.Err()
}
