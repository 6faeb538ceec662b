package desk

import (
	"context"
	"database/sql"
	"errors"
)

// SettleImported makes an imported case (channel "import") history rather
// than new work, after its messages and outcome are in. Its follow-up
// survey is withdrawn: nobody asks a customer to rate a case closed long
// ago, and what the import notified about it (an angry message escalated
// on the way in) is marked read. An unresolved case's SLA clocks restart at the import, since the
// desk could not have answered before it knew of the case; otherwise the
// next sweep would breach and escalate every open imported case at once.
// Settling a case again withdraws a survey again but restarts no clock.
func (d *Desk) SettleImported(ctx context.Context, actor Actor, caseID int64) error {
	policy, cal, err := d.policyAndCalendar(ctx)
	if err != nil {
		return err
	}
	now := d.clock()
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		var channel, category string
		var status Status
		var priority int
		var responded sql.NullTime
		err := tx.QueryRowContext(ctx, `SELECT channel, status, priority, category, first_responded_at FROM cases WHERE id = $1`, caseID).
			Scan(&channel, &status, &priority, &category, &responded)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("case")
		}
		if err != nil {
			return err
		}
		if channel != "import" {
			return conflictf("case %d was not imported", caseID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET status = 'cancelled' WHERE case_id = $1 AND status = 'scheduled'`, caseID); err != nil {
			return err
		}
		if status == StatusResolved || status == StatusClosed {
			// An escalation at import of a case settled long ago needs nobody now.
			_, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $2 WHERE case_id = $1 AND read_at IS NULL`, caseID, now)
			return err
		}
		var restarted int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM audit_events WHERE case_id = $1 AND action = 'case.sla_restarted'`, caseID).
			Scan(&restarted); err != nil || restarted > 0 {
			return err // once only: a later import must not push a live deadline back
		}
		target := policy.SLA.targetFor(priority, category)
		firstDue := sql.NullTime{Time: dueAfter(cal, now, target.FirstResponse.Duration), Valid: !responded.Valid}
		_, err = tx.ExecContext(ctx,
			`UPDATE cases SET first_response_due_at = CASE WHEN $2 THEN $3 ELSE first_response_due_at END, resolution_due_at = $4
			  WHERE id = $1`, caseID, firstDue.Valid, firstDue, dueAfter(cal, now, target.Resolution.Duration))
		if err != nil {
			return err
		}
		return audit(ctx, tx, now, actor, caseID, "case.sla_restarted", map[string]any{"reason": "imported"})
	})
	if err != nil {
		return wrapOp(err, "settle imported case %d", caseID)
	}
	return nil
}
