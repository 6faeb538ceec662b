package desk

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Escalation records why a case went to the supervisors' queue.
type Escalation struct {
	ID        int64      `json:"id"`
	CaseID    int64      `json:"case_id"`
	Rule      string     `json:"rule"` // manual, or the rule that fired
	Reason    string     `json:"reason"`
	Summary   string     `json:"summary"`
	ByUserID  *int64     `json:"by_user_id,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	EndedAt   *time.Time `json:"ended_at,omitempty"`
}

// Resolve marks a case resolved. Resolving a resolved case is a no-op;
// a closed case cannot be resolved again.
func (d *Desk) Resolve(ctx context.Context, actor Actor, caseID int64) (Case, error) {
	now := d.clock()
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		status, err := caseStatus(ctx, tx, caseID)
		if err != nil {
			return err
		}
		switch status {
		case StatusResolved:
			return nil
		case StatusClosed:
			return conflictf("case %d is closed", caseID)
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE cases SET status = 'resolved', resolved_at = $2, updated_at = $2 WHERE id = $1`, caseID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE escalations SET ended_at = $2 WHERE case_id = $1 AND ended_at IS NULL`, caseID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, actor, caseID, "case.resolved", map[string]any{"from": status})
	})
	if err != nil {
		return Case{}, wrapOp(err, "resolve case %d", caseID)
	}
	return d.caseByID(ctx, caseID)
}

// MaxReasonBytes caps an escalation reason.
const MaxReasonBytes = 2000

// Escalate moves a case to the supervisors' queue with the reason and the
// rule that fired ("manual" for a person's decision). Escalating an escalated
// case adds the new reason to its history without changing its state twice.
func (d *Desk) Escalate(ctx context.Context, actor Actor, caseID int64, rule, reason string) (Case, error) {
	reason = strings.TrimSpace(reason)
	v := validator{}
	v.check(reason != "", "reason", "is required")
	v.check(utf8.ValidString(reason) && len(reason) <= MaxReasonBytes, "reason", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxReasonBytes))
	if err := v.err(); err != nil {
		return Case{}, err
	}
	if rule == "" {
		rule = "manual"
	}
	now := d.clock()
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		status, err := caseStatus(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if status == StatusClosed {
			return conflictf("case %d is closed", caseID)
		}
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO escalations (case_id, rule, reason, by_user_id, created_at) VALUES ($1, $2, $3, $4, $5)`,
			caseID, rule, reason, nullID(actor.UserID), now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE cases SET status = 'escalated', escalated_at = COALESCE(escalated_at, $2), escalation_reason = $3,
			        resolved_at = NULL, updated_at = $2 WHERE id = $1`, caseID, now, reason); err != nil {
			return err
		}
		return audit(ctx, tx, now, actor, caseID, "case.escalated", map[string]any{"from": status, "rule": rule, "reason": reason})
	})
	if err != nil {
		return Case{}, wrapOp(err, "escalate case %d", caseID)
	}
	return d.caseByID(ctx, caseID)
}

func (d *Desk) caseByID(ctx context.Context, id int64) (Case, error) {
	c, err := scanCase(d.db.Read().QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE c.id = $1`, id))
	if err == sql.ErrNoRows {
		return Case{}, ErrNotFound
	}
	if err != nil {
		return Case{}, fmt.Errorf("desk: case %d: %w", id, err)
	}
	return c, nil
}

func caseEscalations(ctx context.Context, db *sql.DB, caseID int64) ([]Escalation, error) {
	rows, err := db.QueryContext(ctx,
		`SELECT id, case_id, rule, reason, summary, by_user_id, created_at, ended_at FROM escalations WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Escalation{}
	for rows.Next() {
		var e Escalation
		var by sql.NullInt64
		var ended sql.NullTime
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Rule, &e.Reason, &e.Summary, &by, &e.CreatedAt, &ended); err != nil {
			return nil, err
		}
		if by.Valid {
			e.ByUserID = &by.Int64
		}
		e.EndedAt = timePtr(ended)
		out = append(out, e)
	}
	return out, rows.Err()
}
