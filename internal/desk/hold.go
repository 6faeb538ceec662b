package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/calendar"
)

// SetStatus moves a case to open, pending (waiting for the customer) or on
// hold (waiting on a third party: its SLA clocks pause until the hold
// ends, and then its due times move later by the business time it was on
// hold). Setting the status a case has is a no-op; a resolved case is
// reopened; a closed case cannot change, nor an escalated one (a
// supervisor takes it back to the team first).
func (d *Desk) SetStatus(ctx context.Context, author User, caseID int64, status Status) (Case, error) {
	if err := require(author, PermCasesReply); err != nil {
		return Case{}, err
	}
	if err := checkSettable(status); err != nil {
		return Case{}, err
	}
	now := d.clock()
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		return setStatusTx(ctx, tx, UserActor(author), caseID, status, now)
	})
	if err != nil {
		return Case{}, wrapOp(err, "set the status of case %d", caseID)
	}
	return d.caseByID(ctx, caseID)
}

func checkSettable(status Status) error {
	v := validator{}
	v.check(status == StatusOpen || status == StatusPending || status == StatusOnHold, "status", "must be open, pending or on_hold")
	return v.err()
}

// setStatusTx is SetStatus inside the caller's transaction.
func setStatusTx(ctx context.Context, tx *sql.Tx, actor Actor, caseID int64, to Status, now time.Time) error {
	from, err := caseStatus(ctx, tx, caseID)
	if err != nil {
		return err
	}
	switch {
	case from == to:
		return nil
	case from == StatusClosed:
		return conflictf("case %d is closed", caseID)
	case from == StatusEscalated:
		return conflictf("case %d is escalated: a supervisor takes it back to the team first", caseID)
	}
	if from == StatusOnHold {
		if err := resumeSLA(ctx, tx, caseID, now); err != nil {
			return err
		}
	}
	if from == StatusResolved {
		if err := cancelSurveys(ctx, tx, caseID, now); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE cases SET status = $2, updated_at = $3, resolved_at = NULL,
		        sla_paused_at = CASE WHEN $2 = 'on_hold' THEN $3 ELSE sla_paused_at END
		  WHERE id = $1`, caseID, string(to), now); err != nil {
		return err
	}
	return audit(ctx, tx, now, actor, caseID, "case.status_changed", map[string]any{"from": from, "to": to})
}

// resumeSLA ends a hold: each SLA target still running moves later by the
// business time the case was on hold, so the hold does not count against
// it. A target already missed when the hold began stays missed. Call it in
// the transaction that moves a case out of on_hold (a no-op for a case
// that is not paused).
func resumeSLA(ctx context.Context, tx *sql.Tx, caseID int64, now time.Time) error {
	var paused, frDue, frAt, resDue, resAt sql.NullTime
	if err := tx.QueryRowContext(ctx,
		`SELECT sla_paused_at, first_response_due_at, first_responded_at, resolution_due_at, resolved_at FROM cases WHERE id = $1`, caseID).
		Scan(&paused, &frDue, &frAt, &resDue, &resAt); err != nil {
		return fmt.Errorf("resume SLA of case %d: %w", caseID, err)
	}
	if !paused.Valid {
		return nil
	}
	cal, err := calendarInTx(ctx, tx)
	if err != nil {
		return fmt.Errorf("resume SLA of case %d: %w", caseID, err)
	}
	from := now
	if from.Before(paused.Time) {
		from = paused.Time
	}
	shift := func(due sql.NullTime, done sql.NullTime) sql.NullTime {
		if !due.Valid || done.Valid || !due.Time.After(paused.Time) {
			return due
		}
		return sql.NullTime{Time: dueAfter(cal, from, cal.BusinessDuration(paused.Time, due.Time)), Valid: true}
	}
	_, err = tx.ExecContext(ctx,
		`UPDATE cases SET first_response_due_at = $2, resolution_due_at = $3, sla_paused_at = NULL WHERE id = $1`,
		caseID, shift(frDue, frAt), shift(resDue, resAt))
	return err
}

// calendarInTx is the business calendar of the stored policy, read in the
// caller's transaction (the cached one may be older than what it sees).
func calendarInTx(ctx context.Context, tx *sql.Tx) (calendar.Calendar, error) {
	p := DefaultPolicy()
	var raw string
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'policy'`).Scan(&raw)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return calendar.Calendar{}, err
	default:
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return calendar.Calendar{}, fmt.Errorf("stored policy is unreadable: %w", err)
		}
	}
	return p.normalised().BusinessHours.Calendar()
}
