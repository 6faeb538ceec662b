package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/calendar"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// MaxReplyBytes caps an agent's reply or note.
const MaxReplyBytes = 50_000

// ReplyInput is an agent's reply to the customer, or an internal note.
type ReplyInput struct {
	CaseID int64
	Text   string
	Note   bool // internal note: never sent, never reviewed
	// Then is the status the case takes with the message, in the same
	// transaction: "" keeps it (a first reply opens a new case), pending
	// (waiting for the customer), on_hold (waiting on a third party: SLA
	// paused) or resolved (needs cases:resolve).
	Then Status
}

// ReplyResult is a stored reply with the coach's review of it and the
// promises it made, now tracked.
type ReplyResult struct {
	Message  Message       `json:"message"`
	Review   *coach.Review `json:"review,omitempty"`
	Promises []Promise     `json:"commitments"`
}

// Reply stores an agent's reply (or note) on a case. A reply is reviewed by
// the coach and its promises become tracked promises, in the same
// transaction as the message. A first reply opens a new case and stops its
// first-response clock.
func (d *Desk) Reply(ctx context.Context, author User, in ReplyInput) (ReplyResult, error) {
	if err := require(author, PermCasesReply); err != nil {
		return ReplyResult{}, err
	}
	v := validator{}
	v.check(strings.TrimSpace(in.Text) != "", "text", "is required")
	v.check(utf8.ValidString(in.Text), "text", "must be valid UTF-8")
	v.check(len(in.Text) <= MaxReplyBytes, "text", fmt.Sprintf("must be at most %d bytes", MaxReplyBytes))
	v.check(in.Then == "" || in.Then == StatusPending || in.Then == StatusOnHold || in.Then == StatusResolved || in.Then == StatusOpen,
		"status", "must be open, pending, on_hold or resolved")
	if err := v.err(); err != nil {
		return ReplyResult{}, err
	}
	if in.Then == StatusResolved {
		if err := require(author, PermCasesResolve); err != nil {
			return ReplyResult{}, err
		}
	}
	var policy Policy
	var cal calendar.Calendar
	if in.Then == StatusResolved {
		var err error
		if policy, cal, err = d.policyAndCalendar(ctx); err != nil {
			return ReplyResult{}, err
		}
	}
	now := d.clock()
	res := ReplyResult{Promises: []Promise{}}
	var reviewJSON sql.NullString
	if !in.Note {
		cctx, err := d.coachContext(ctx, author, in.CaseID, "", "", now)
		if err != nil {
			return ReplyResult{}, err
		}
		review, err := d.review(in.Text, cctx)
		if err != nil {
			return ReplyResult{}, err
		}
		b, err := json.Marshal(review)
		if err != nil {
			return ReplyResult{}, fmt.Errorf("desk: encode review: %w", err)
		}
		res.Review, reviewJSON = &review, sql.NullString{String: string(b), Valid: true}
	}
	m := Message{CaseID: in.CaseID, Direction: Outbound, AuthorUserID: &author.ID, RawText: in.Text, CleanText: in.Text, CreatedAt: now}
	if in.Note {
		m.Direction = Note
	}
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		status, err := caseStatus(ctx, tx, in.CaseID)
		if err != nil {
			return err
		}
		if status == StatusClosed {
			return conflictf("case %d is closed", in.CaseID)
		}
		// A reply goes back the way the customer last wrote (an imported case
		// the customer now emails about is answered by email).
		if err := tx.QueryRowContext(ctx,
			`SELECT COALESCE((SELECT channel FROM messages WHERE case_id = $1 AND direction = 'inbound' ORDER BY id DESC LIMIT 1), channel)
			   FROM cases WHERE id = $1`, in.CaseID).Scan(&m.Channel); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx,
			`INSERT INTO messages (case_id, direction, channel, author_user_id, raw_text, clean_text, review, created_at)
			 VALUES ($1, $2, $3, $4, $5, $5, $6, $7) RETURNING id`,
			in.CaseID, string(m.Direction), m.Channel, author.ID, in.Text, reviewJSON, now).Scan(&m.ID)
		if err != nil {
			return err
		}
		if m.Direction == Note {
			if err := audit(ctx, tx, now, UserActor(author), in.CaseID, "note.added", map[string]any{"message_id": m.ID}); err != nil {
				return err
			}
			return d.replyThen(ctx, tx, policy, cal, author, in, now)
		}
		_, err = tx.ExecContext(ctx,
			`UPDATE cases SET outbound_count = outbound_count + 1, updated_at = $2,
			        first_responded_at = COALESCE(first_responded_at, $2),
			        status = CASE WHEN status = 'new' THEN 'open' ELSE status END, acknowledge_first = $4,
			        assignee_id = COALESCE(assignee_id, $3)
			  WHERE id = $1`, in.CaseID, now, author.ID, false)
		if err != nil {
			return err
		}
		if res.Promises, err = recordPromises(ctx, tx, m, author, res.Review, now); err != nil {
			return err
		}
		if err := d.queueEmail(ctx, tx, m.ID, m.Channel); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, UserActor(author), in.CaseID, "reply.sent", map[string]any{
			"message_id": m.ID, "score": res.Review.Score, "ready": res.Review.Ready, "commitments": len(res.Promises)}); err != nil {
			return err
		}
		// Sent: the others on the case no longer see them replying.
		if _, err := tx.ExecContext(ctx, `DELETE FROM case_typing WHERE case_id = $1 AND user_id = $2`, in.CaseID, author.ID); err != nil {
			return err
		}
		return d.replyThen(ctx, tx, policy, cal, author, in, now)
	})
	if err != nil {
		return ReplyResult{}, wrapOp(err, "reply to case %d", in.CaseID)
	}
	if reviewJSON.Valid {
		m.Review = json.RawMessage(reviewJSON.String)
	}
	res.Message = m
	return res, nil
}

// replyThen moves the case to the status asked for with a message.
func (d *Desk) replyThen(ctx context.Context, tx *sql.Tx, policy Policy, cal calendar.Calendar, author User, in ReplyInput, now time.Time) error {
	switch in.Then {
	case "":
		return nil
	case StatusResolved:
		return resolveTx(ctx, tx, policy, cal, UserActor(author), in.CaseID, now)
	}
	return setStatusTx(ctx, tx, UserActor(author), in.CaseID, in.Then, now)
}

// recordPromises turns the promises the coach found in a sent reply into
// tracked promises owned by the reply's author.
func recordPromises(ctx context.Context, tx *sql.Tx, m Message, author User, review *coach.Review, now time.Time) ([]Promise, error) {
	out := []Promise{}
	for _, c := range review.Promises {
		quote := ""
		if c.Start >= 0 && c.End <= len(m.CleanText) && c.Start < c.End {
			quote = m.CleanText[c.Start:c.End]
		}
		rec := Promise{CaseID: m.CaseID, MessageID: m.ID, OwnerUserID: &author.ID, Action: c.Action, Amount: c.Amount,
			Quote: quote, Vague: c.Vague, Status: "open", CreatedAt: now}
		var due sql.NullTime
		if c.DueAt != nil {
			t := storable(c.DueAt.UTC())
			rec.DueAt, due = &t, sql.NullTime{Time: t, Valid: true}
		}
		err := tx.QueryRowContext(ctx,
			`INSERT INTO commitments (case_id, message_id, owner_user_id, action, amount, quote, due_at, vague, status, created_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9) RETURNING id`,
			m.CaseID, m.ID, author.ID, textkit.Clip(c.Action, 500), textkit.Clip(c.Amount, 100), textkit.Clip(quote, 1000), due, c.Vague, now).Scan(&rec.ID)
		if err != nil {
			return nil, fmt.Errorf("record commitment: %w", err)
		}
		out = append(out, rec)
	}
	return out, nil
}

func caseStatus(ctx context.Context, tx *sql.Tx, caseID int64) (Status, error) {
	var s Status
	err := tx.QueryRowContext(ctx, `SELECT status FROM cases WHERE id = $1`, caseID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("case")
	}
	return s, err
}

// wrapOp adds context to unexpected errors and passes the typed ones through
// untouched, so callers can still tell a 404 from a 409 from a 500.
func wrapOp(err error, format string, args ...any) error {
	var verr *ValidationError
	var cerr *ConflictError
	if errors.Is(err, ErrNotFound) || errors.As(err, &verr) || errors.As(err, &cerr) {
		return err
	}
	return fmt.Errorf("desk: "+format+": %w", append(args, err)...)
}
