package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/calendar"
)

// SweepResult counts what one sweep did.
type SweepResult struct {
	Reminded      int `json:"reminded"`
	Broken        int `json:"broken"`
	SLAWarnings   int `json:"sla_warnings"`
	SLABreaches   int `json:"sla_breaches"`
	SurveysSent   int `json:"surveys_sent"`
	SurveysWaited int `json:"surveys_waiting"`
	Reprioritised int `json:"reprioritised"`
}

// Sweep does the work the clock drives: reminds owners of promises coming
// due, breaks promises that passed their due time unkept, raises SLA
// warnings and breaches, sends follow-up surveys, and re-ranks waiting
// cases. Every step is idempotent and guarded by the row's state, so
// running it twice, or on two instances at once, does each thing once.
func (d *Desk) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	policy, cal, err := d.policyAndCalendar(ctx)
	if err != nil {
		return res, err
	}
	now := d.clock()
	steps := []func() error{
		func() (err error) { res.Reminded, err = d.remindPromises(ctx, cal, now); return },
		func() (err error) { res.Broken, err = d.breakPromises(ctx, policy, now); return },
		func() (err error) { res.SLAWarnings, res.SLABreaches, err = d.checkSLAs(ctx, policy, now); return },
		func() (err error) { res.SurveysSent, res.SurveysWaited, err = d.sendSurveys(ctx, policy, now); return },
		func() (err error) { res.Reprioritised, err = d.reprioritise(ctx, policy, cal, now); return },
	}
	// A step that fails (a missing setting, the database gone for a
	// moment) does not keep the others from their work.
	var errs []error
	for _, step := range steps {
		if err := step(); err != nil {
			if ctx.Err() != nil {
				return res, fmt.Errorf("desk: sweep: %w", err)
			}
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return res, fmt.Errorf("desk: sweep: %w", errors.Join(errs...))
	}
	return res, nil
}

// idsWhere returns the ids a query selects (at most a batch per sweep).
func (d *Desk) idsWhere(ctx context.Context, query string, args ...any) ([]int64, error) {
	return d.queryIDs(ctx, query+" LIMIT 500", args...)
}

// queryIDs returns the ids a query of one integer column selects.
func (d *Desk) queryIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := d.db.Read().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// eachInTx runs fn for each id in a transaction of its own, so one row's
// trouble does not undo the others' work. A row that fails is logged and
// skipped, not fatal: one bad row (a time that cannot be read) once stopped
// the sweep of the whole desk every minute. It stops only when ctx ends.
func (d *Desk) eachInTx(ctx context.Context, step string, ids []int64, fn func(tx *sql.Tx, id int64) error) error {
	for _, id := range ids {
		if err := d.db.Tx(ctx, func(tx *sql.Tx) error { return fn(tx, id) }); err != nil {
			if ctx.Err() != nil {
				return err
			}
			d.log.ErrorContext(ctx, "desk: sweep skipped a row it could not handle", "step", step, "id", id, "err", err)
		}
	}
	return nil
}

// reminderTime is when a promise's owner hears about it: when business
// opens on the day it is due, or a day ahead when it is due before opening.
func reminderTime(cal calendar.Calendar, due time.Time) time.Time {
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	l := due.In(loc)
	open := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc).Add(cal.Open)
	if !open.Before(due) {
		return due.Add(-24 * time.Hour)
	}
	return open
}

func (d *Desk) remindPromises(ctx context.Context, cal calendar.Calendar, now time.Time) (int, error) {
	// Candidates are due within two days; the exact reminder time is checked per row.
	ids, err := d.idsWhere(ctx,
		`SELECT id FROM commitments WHERE status = 'open' AND reminded_at IS NULL AND due_at IS NOT NULL AND due_at <= $1 ORDER BY due_at`,
		now.Add(48*time.Hour))
	if err != nil {
		return 0, err
	}
	n := 0
	if err := d.eachInTx(ctx, "promise reminders", ids, func(tx *sql.Tx, id int64) error {
		var caseID int64
		var owner sql.NullInt64
		var action string
		var due time.Time
		err := tx.QueryRowContext(ctx,
			`SELECT case_id, owner_user_id, action, due_at FROM commitments WHERE id = $1 AND status = 'open' AND reminded_at IS NULL`, id).
			Scan(&caseID, &owner, &action, &due)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil || now.Before(reminderTime(cal, due)) {
			return err
		}
		// Guarded: on PostgreSQL a concurrent sweep may have read the row
		// as not yet reminded too; only one of the two updates finds it so.
		res, err := tx.ExecContext(ctx, `UPDATE commitments SET reminded_at = $2 WHERE id = $1 AND status = 'open' AND reminded_at IS NULL`, id, now)
		if err != nil {
			return err
		}
		if done, err := res.RowsAffected(); err != nil || done == 0 {
			return err // reminded meanwhile
		}
		n++
		if err := notify(ctx, tx, now, notification{UserID: owner.Int64, Role: roleIfNoUser(owner), CaseID: caseID, Kind: "promise_due",
			Message: fmt.Sprintf("Promise on case #%d is due %s: %s", caseID, due.In(cal.Location).Format("Mon 2 Jan 15:04"), action)}); err != nil {
			return err
		}
		return audit(ctx, tx, now, SystemActor, caseID, "promise.due", map[string]any{"commitment_id": id})
	}); err != nil {
		return n, err
	}
	return n, nil
}

func roleIfNoUser(owner sql.NullInt64) Role {
	if owner.Valid {
		return ""
	}
	return RoleSupervisor
}

// breakPromises marks unkept promises past their due time broken: the case
// rises in priority, the owner and supervisors hear of it, and the case
// escalates when the policy says so.
func (d *Desk) breakPromises(ctx context.Context, policy Policy, now time.Time) (int, error) {
	ids, err := d.idsWhere(ctx, `SELECT id FROM commitments WHERE status = 'open' AND due_at IS NOT NULL AND due_at <= $1 ORDER BY due_at`, now)
	if err != nil {
		return 0, err
	}
	n := 0
	if err := d.eachInTx(ctx, "broken promises", ids, func(tx *sql.Tx, id int64) error {
		var caseID int64
		var owner sql.NullInt64
		var action string
		err := tx.QueryRowContext(ctx, `UPDATE commitments SET status = 'broken', closed_at = $2 WHERE id = $1 AND status = 'open'
			RETURNING case_id, owner_user_id, action`, id, now).Scan(&caseID, &owner, &action)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // kept or cancelled meanwhile
		}
		if err != nil {
			return err
		}
		n++
		if err := addSignal(ctx, tx, caseID, SignalBrokenPromise, now); err != nil {
			return err
		}
		msg := fmt.Sprintf("Promise broken on case #%d: %s", caseID, action)
		if owner.Valid {
			if err := notify(ctx, tx, now, notification{UserID: owner.Int64, CaseID: caseID, Kind: "promise_broken", Message: msg}); err != nil {
				return err
			}
		}
		if err := notify(ctx, tx, now, notification{Role: RoleSupervisor, CaseID: caseID, Kind: "promise_broken", Message: msg}); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, SystemActor, caseID, "promise.broken", map[string]any{"commitment_id": id, "action": action}); err != nil {
			return err
		}
		status, err := caseStatus(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if policy.Escalation.BrokenPromise && status != StatusEscalated && status != StatusClosed {
			return escalateTx(ctx, tx, caseID, SystemActor, SignalBrokenPromise, "a promise to the customer was broken: "+action, now)
		}
		return nil
	}); err != nil {
		return n, err
	}
	return n, nil
}

// addSignal adds a case-level signal (such as broken_promise) and re-ranks the case.
func addSignal(ctx context.Context, tx *sql.Tx, caseID int64, signal string, now time.Time) error {
	var raw, tier string
	var latest, peak int
	err := tx.QueryRowContext(ctx, `SELECT c.signals, c.anger_latest, c.anger_peak, cu.tier FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1`, caseID).
		Scan(&raw, &latest, &peak, &tier)
	if err != nil {
		return err
	}
	signals := decodeStrings(raw)
	for _, s := range signals {
		if s == signal {
			return nil
		}
	}
	signals = append(signals, signal)
	_, err = tx.ExecContext(ctx, `UPDATE cases SET signals = $2, priority = $3, updated_at = $4 WHERE id = $1`,
		caseID, encodeStrings(signals), Priority(latest, peak, signals, tier), now)
	return err
}

// checkSLAs records a warning shortly before a target and a breach at it,
// once per case, target and due time.
func (d *Desk) checkSLAs(ctx context.Context, policy Policy, now time.Time) (warnings, breaches int, err error) {
	warnAt := now.Add(policy.SLA.WarnBefore.Duration)
	type target struct {
		name, due, done string
	}
	for _, t := range []target{
		{"first_response", "first_response_due_at", "first_responded_at"},
		{"resolution", "resolution_due_at", "resolved_at"},
	} {
		ids, err := d.idsWhere(ctx, fmt.Sprintf(
			`SELECT id FROM cases WHERE status NOT IN ('resolved', 'closed', 'on_hold') AND %s IS NULL AND %s IS NOT NULL AND %s <= $1 ORDER BY %s`,
			t.done, t.due, t.due, t.due), warnAt)
		if err != nil {
			return warnings, breaches, err
		}
		if err := d.eachInTx(ctx, "sla "+t.name, ids, func(tx *sql.Tx, id int64) error {
			var due time.Time
			var assignee sql.NullInt64
			var status Status
			// On hold since the list was read: its clocks are paused.
			err := tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT %s, assignee_id, status FROM cases WHERE id = $1 AND %s IS NULL AND status <> 'on_hold'`, t.due, t.done), id).
				Scan(&due, &assignee, &status)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			stage := "warning"
			if !now.Before(due) {
				stage = "breach"
			}
			res, err := tx.ExecContext(ctx,
				`INSERT INTO sla_events (case_id, target, stage, due_at, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
				id, t.name, stage, due, now)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil // already recorded
			}
			what := map[string]string{"first_response": "first response", "resolution": "resolution"}[t.name]
			msg := fmt.Sprintf("Case #%d: %s target %s %s", id, what, map[string]string{"warning": "due", "breach": "missed, was due"}[stage], due.UTC().Format("Mon 2 Jan 15:04 MST"))
			if assignee.Valid {
				if err := notify(ctx, tx, now, notification{UserID: assignee.Int64, CaseID: id, Kind: "sla_" + stage, Message: msg}); err != nil {
					return err
				}
			}
			if err := audit(ctx, tx, now, SystemActor, id, "sla."+stage, map[string]any{"target": t.name, "due_at": due}); err != nil {
				return err
			}
			if stage == "warning" {
				warnings++
				return nil
			}
			breaches++
			if err := notify(ctx, tx, now, notification{Role: RoleSupervisor, CaseID: id, Kind: "sla_breach", Message: msg}); err != nil {
				return err
			}
			if policy.Escalation.SLABreach && status != StatusEscalated {
				return escalateTx(ctx, tx, id, SystemActor, "sla_breach", what+" target missed", now)
			}
			return nil
		}); err != nil {
			return warnings, breaches, err
		}
	}
	return warnings, breaches, nil
}

// reprioritise adds waiting time and SLA pressure to the priority of cases
// waiting for an answer, so the inbox order follows the clock.
func (d *Desk) reprioritise(ctx context.Context, policy Policy, cal calendar.Calendar, now time.Time) (int, error) {
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT c.id, c.priority, c.anger_latest, c.anger_peak, c.signals, cu.tier, c.last_inbound_at, c.first_response_due_at, c.first_responded_at
		   FROM cases c JOIN customers cu ON cu.id = c.customer_id
		  WHERE c.status IN ('new', 'open', 'escalated') AND c.last_inbound_at IS NOT NULL LIMIT 5000`)
	if err != nil {
		return 0, err
	}
	type change struct {
		id       int64
		priority int
	}
	var changes []change
	n := 0
	for rows.Next() {
		var id int64
		var prio, latest, peak int
		var signals, tier string
		var lastIn time.Time
		var due, responded sql.NullTime
		if err := rows.Scan(&id, &prio, &latest, &peak, &signals, &tier, &lastIn, &due, &responded); err != nil {
			// One unreadable row must not stop the others being ranked.
			d.log.ErrorContext(ctx, "desk: sweep skipped a row it could not read", "step", "reprioritise", "case", id, "err", err)
			continue
		}
		p := Priority(latest, peak, decodeStrings(signals), tier) + urgency(cal, lastIn, due, responded.Valid, policy, now)
		p = min(100, p)
		if p != prio {
			changes = append(changes, change{id, p})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	// One transaction per batch: a first sweep over a big backlog must not
	// pay a commit per case.
	for len(changes) > 0 {
		batch := changes[:min(500, len(changes))]
		changes = changes[len(batch):]
		err := d.db.Tx(ctx, func(tx *sql.Tx) error {
			for _, c := range batch {
				if _, err := tx.ExecContext(ctx, `UPDATE cases SET priority = $2 WHERE id = $1`, c.id, c.priority); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, err
		}
		n += len(batch)
	}
	return n, nil
}

// urgency is the part of priority the clock adds: +1 per business hour the
// customer has waited (up to +10), +10 once the first-response target is
// near, +20 once it is missed.
func urgency(cal calendar.Calendar, lastInbound time.Time, firstDue sql.NullTime, responded bool, policy Policy, now time.Time) int {
	u := min(10, int(cal.BusinessDuration(lastInbound, now)/time.Hour))
	if firstDue.Valid && !responded {
		switch {
		case !now.Before(firstDue.Time):
			u += 20
		case !now.Add(policy.SLA.WarnBefore.Duration).Before(firstDue.Time):
			u += 10
		}
	}
	return u
}
