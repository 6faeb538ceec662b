package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Actor is who did something: a user, a customer or the system.
type Actor struct {
	UserID int64  // 0 when not a user
	Label  string // "user:3", "customer:12", "system"
}

// SystemActor is calmdesk itself (rules, timers, the command line).
var SystemActor = Actor{Label: "system"}

// UserActor returns the actor for a signed-in user.
func UserActor(u User) Actor { return Actor{UserID: u.ID, Label: fmt.Sprintf("user:%d", u.ID)} }

// AuditEvent is one entry of the append-only audit log.
type AuditEvent struct {
	ID     int64           `json:"id"`
	At     time.Time       `json:"at"`
	Actor  string          `json:"actor"`
	CaseID *int64          `json:"case_id,omitempty"`
	Action string          `json:"action"`
	Detail json.RawMessage `json:"detail"`
}

// auditActions are every action the audit log records, which are also the
// events a webhook can subscribe to. A test holds every audit call to it.
var auditActions = []string{
	"case.created", "case.reopened", "case.resolved", "case.escalated", "case.deescalated",
	"case.assigned", "case.categorized", "case.sla_restarted",
	"message.received", "message.entered", "message.corrected", "corrections.learned", "mail.retrying", "reply.sent", "note.added", "mail.failed",
	"promise.due", "promise.broken", "promise.kept", "promise.cancelled",
	"sla.warning", "sla.breach",
	"survey.sent", "survey.answered",
	"goodwill.offered", "goodwill.approved", "goodwill.declined",
	"policy.updated", "categories.learned",
	"user.created", "user.skills", "user.password_changed", "user.password_reset",
	"token.created", "token.revoked",
	"lesson.noted",
	"training.scenario_drafted", "training.scenario_edited", "training.scenario_published", "training.scenario_retired",
	"training.assigned", "training.pass_mark_set",
	// the agent's workspace (issue 16)
	"case.status_changed",
	"user.role_changed", "user.deactivated", "user.reactivated",
}

// AuditActions lists the actions the audit log records: the names a
// webhook's events may use.
func AuditActions() []string { return slices.Clone(auditActions) }

// audit appends an event inside the caller's transaction, so the log and the
// change it describes commit together or not at all.
func audit(ctx context.Context, tx *sql.Tx, at time.Time, actor Actor, caseID int64, action string, detail any) error {
	b, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("desk: audit %s: %w", action, err)
	}
	if detail == nil {
		b = []byte("{}")
	}
	_, err = tx.ExecContext(ctx,
		`INSERT INTO audit_events (at, actor, actor_user_id, case_id, action, detail) VALUES ($1, $2, $3, $4, $5, $6)`,
		at, actor.Label, nullID(actor.UserID), nullID(caseID), action, string(b))
	if err != nil {
		return fmt.Errorf("desk: audit %s: %w", action, err)
	}
	return nil
}

// AuditLog returns the events of a case (or of everything when caseID is 0), oldest first.
func (d *Desk) AuditLog(ctx context.Context, caseID int64, limit int) ([]AuditEvent, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	q := `SELECT id, at, actor, case_id, action, detail FROM audit_events`
	args := []any{limit}
	if caseID != 0 {
		q += ` WHERE case_id = $2`
		args = append(args, caseID)
	}
	q += ` ORDER BY id LIMIT $1`
	rows, err := d.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("desk: audit log: %w", err)
	}
	out, err := scanAuditEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("desk: audit log: %w", err)
	}
	return out, nil
}

// scanAuditEvents reads rows of (id, at, actor, case_id, action, detail)
// and closes them.
func scanAuditEvents(rows *sql.Rows) ([]AuditEvent, error) {
	defer rows.Close()
	out := []AuditEvent{}
	for rows.Next() {
		var e AuditEvent
		var caseRef sql.NullInt64
		var detail string
		if err := rows.Scan(&e.ID, &e.At, &e.Actor, &caseRef, &e.Action, &detail); err != nil {
			return nil, err
		}
		if caseRef.Valid {
			e.CaseID = &caseRef.Int64
		}
		e.Detail = json.RawMessage(detail)
		out = append(out, e)
	}
	return out, rows.Err()
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }
