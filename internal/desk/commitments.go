package desk

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Commitment is a promise an agent made to a customer in a sent reply.
type Commitment struct {
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

// CommitmentQuery filters commitments.
type CommitmentQuery struct {
	CaseID int64
	Status string // open, kept, broken, cancelled; empty: all
	Limit  int
}

var commitmentStatuses = []string{"open", "kept", "broken", "cancelled"}

// Commitments lists commitments, soonest due first.
func (d *Desk) Commitments(ctx context.Context, q CommitmentQuery) ([]Commitment, error) {
	v := validator{}
	v.check(q.Status == "" || slices.Contains(commitmentStatuses, q.Status), "status", "must be one of "+strings.Join(commitmentStatuses, ", "))
	v.check(q.Limit >= 0 && q.Limit <= 1000, "limit", "must be between 1 and 1000")
	if err := v.err(); err != nil {
		return nil, err
	}
	return listCommitments(ctx, d.db.Read(), q)
}

func listCommitments(ctx context.Context, db querier, q CommitmentQuery) ([]Commitment, error) {
	var where []string
	var args []any
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
	out := []Commitment{}
	for rows.Next() {
		var c Commitment
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
