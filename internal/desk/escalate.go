package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// MaxReasonBytes caps an escalation reason.
const MaxReasonBytes = 2000

// Escalate moves a case to the supervisors' queue with the reason and the
// rule that fired ("manual" for a person's decision), and writes a handoff
// summary so the customer never has to repeat the story. Escalating an
// escalated case adds the new reason to its history.
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
		return escalateTx(ctx, tx, caseID, actor, rule, reason, now)
	})
	if err != nil {
		return Case{}, wrapOp(err, "escalate case %d", caseID)
	}
	return d.caseByID(ctx, caseID)
}

// Deescalate takes a case out of the supervisors' queue back to open.
func (d *Desk) Deescalate(ctx context.Context, actor Actor, caseID int64, note string) (Case, error) {
	now := d.clock()
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		status, err := caseStatus(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if status != StatusEscalated {
			return conflictf("case %d is not escalated", caseID)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'open', updated_at = $2 WHERE id = $1`, caseID, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE escalations SET ended_at = $2 WHERE case_id = $1 AND ended_at IS NULL`, caseID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, actor, caseID, "case.deescalated", map[string]any{"note": textkit.Clip(note, 500)})
	})
	if err != nil {
		return Case{}, wrapOp(err, "de-escalate case %d", caseID)
	}
	return d.caseByID(ctx, caseID)
}

// escalateTx records an escalation with its handoff summary, moves the case
// to the supervisors' queue and notifies them, inside the caller's transaction.
func escalateTx(ctx context.Context, tx *sql.Tx, caseID int64, actor Actor, rule, reason string, now time.Time) error {
	c, err := scanCase(tx.QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE c.id = $1`, caseID))
	var bad *unreadableError
	if err != nil && !errors.As(err, &bad) { // the summary does without an unreadable time

		return fmt.Errorf("escalate: load case: %w", err)
	}
	msgs, err := caseMessages(ctx, tx, caseID, readingDecoded)
	if err != nil {
		return fmt.Errorf("escalate: load messages: %w", err)
	}
	promises, err := listPromises(ctx, tx, PromiseQuery{CaseID: caseID})
	if err != nil {
		return fmt.Errorf("escalate: load promises: %w", err)
	}
	if c.Status == StatusOnHold { // the hold ends: the SLA clocks run again
		if err := resumeSLA(ctx, tx, caseID, now); err != nil {
			return err
		}
	}
	summary := handoffSummary(c, msgs, promises, reason, now)
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO escalations (case_id, rule, reason, summary, by_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		caseID, rule, reason, summary, nullID(actor.UserID), now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`UPDATE cases SET status = 'escalated', escalated_at = COALESCE(escalated_at, $2), escalation_reason = $3,
		        resolved_at = NULL, updated_at = $2 WHERE id = $1`, caseID, now, reason); err != nil {
		return err
	}
	if err := notify(ctx, tx, now, notification{Role: RoleSupervisor, CaseID: caseID, Kind: "escalation",
		Message: fmt.Sprintf("Case #%d escalated: %s", caseID, reason)}); err != nil {
		return err
	}
	return audit(ctx, tx, now, actor, caseID, "case.escalated", map[string]any{"from": c.Status, "rule": rule, "reason": reason})
}

// escalationAtIngest applies the rules that fire on a customer message: an
// escalation signal, or anger that has not fallen after several replies. It
// returns the rule and reason, or "" when nothing fires.
func escalationAtIngest(rules EscalationRules, c caseState, r analyze.Reading) (rule, reason string) {
	var words []string
	for _, s := range r.Signals {
		if slices.Contains(rules.Signals, s.Kind) {
			if rule == "" {
				rule = "signal:" + s.Kind
			}
			if w := signalWords[s.Kind]; w != "" && !slices.Contains(words, w) {
				words = append(words, w)
			}
		}
	}
	if rule != "" {
		return rule, "the customer " + strings.Join(words, " and ")
	}
	if n := rules.AngerNotFallingAfterReplies; n > 0 && c.outbound >= n && r.Anger >= 50 && r.Anger >= c.peakBefore {
		return "anger_not_falling", fmt.Sprintf("anger has not fallen after %d replies (now %d, peak %d)", c.outbound, r.Anger, max(c.peakBefore, r.Anger))
	}
	return "", ""
}

// caseState is what the ingest rules need to know about a case before the new message.
type caseState struct {
	status     Status
	outbound   int
	peakBefore int
}
