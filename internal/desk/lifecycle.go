package desk

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/calendar"
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
	return d.ResolveWithLesson(ctx, actor, caseID, "")
}

// ResolveWithLesson resolves a case as Resolve does and, when lesson is
// not blank, keeps it as the case's lesson learned (what caused it, what
// would have prevented it) in the same transaction. On a case already
// resolved only the lesson is added.
func (d *Desk) ResolveWithLesson(ctx context.Context, actor Actor, caseID int64, lesson string) (Case, error) {
	lesson, err := checkLesson(lesson)
	if err != nil {
		return Case{}, err
	}
	policy, cal, err := d.policyAndCalendar(ctx)
	if err != nil {
		return Case{}, err
	}
	now := d.clock()
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := actorMay(ctx, tx, actor, PermCasesResolve); err != nil {
			return err // checked here, not only at the route
		}
		if err := resolveTx(ctx, tx, policy, cal, actor, caseID, now); err != nil {
			return err // a closed case cannot be resolved, nor take a lesson
		}
		return noteLesson(ctx, tx, now, actor, caseID, lesson)
	})
	if err != nil {
		return Case{}, wrapOp(err, "resolve case %d", caseID)
	}
	return d.caseByID(ctx, caseID)
}

// resolveTx is Resolve inside the caller's transaction.
func resolveTx(ctx context.Context, tx *sql.Tx, policy Policy, cal calendar.Calendar, actor Actor, caseID int64, now time.Time) error {
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
		`UPDATE cases SET status = 'resolved', resolved_at = $2, updated_at = $2, sla_paused_at = NULL WHERE id = $1`, caseID, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE escalations SET ended_at = $2 WHERE case_id = $1 AND ended_at IS NULL`, caseID, now); err != nil {
		return err
	}
	if err := scheduleSurvey(ctx, tx, caseID, policy, cal, now); err != nil {
		return err
	}
	return audit(ctx, tx, now, actor, caseID, "case.resolved", map[string]any{"from": status})
}

func (d *Desk) caseByID(ctx context.Context, id int64) (Case, error) {
	c, err := scanCase(d.db.Read().QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE c.id = $1`, id))
	if d.skipUnreadable(ctx, err) {
		err = nil
	}
	if err == sql.ErrNoRows {
		return Case{}, notFound("case")
	}
	if err != nil {
		return Case{}, fmt.Errorf("desk: case %d: %w", id, err)
	}
	return c, nil
}

func caseEscalations(ctx context.Context, db querier, caseID int64) ([]Escalation, error) {
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
