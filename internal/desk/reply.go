package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxReplyBytes caps an agent's reply or note.
const MaxReplyBytes = 50_000

// ReplyInput is an agent's reply to the customer, or an internal note.
type ReplyInput struct {
	CaseID int64
	Text   string
	Note   bool // internal note: never sent, never reviewed
}

// Reply stores an agent's reply (or note) on a case. A first reply opens a
// new case and stops its first-response clock.
func (d *Desk) Reply(ctx context.Context, author User, in ReplyInput) (Message, error) {
	v := validator{}
	v.check(strings.TrimSpace(in.Text) != "", "text", "is required")
	v.check(utf8.ValidString(in.Text), "text", "must be valid UTF-8")
	v.check(len(in.Text) <= MaxReplyBytes, "text", fmt.Sprintf("must be at most %d bytes", MaxReplyBytes))
	if err := v.err(); err != nil {
		return Message{}, err
	}
	now := d.clock()
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
		if err := tx.QueryRowContext(ctx, `SELECT channel FROM cases WHERE id = $1`, in.CaseID).Scan(&m.Channel); err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx,
			`INSERT INTO messages (case_id, direction, channel, author_user_id, raw_text, clean_text, created_at)
			 VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id`,
			in.CaseID, string(m.Direction), m.Channel, author.ID, in.Text, now).Scan(&m.ID)
		if err != nil {
			return err
		}
		if m.Direction == Note {
			return audit(ctx, tx, now, UserActor(author), in.CaseID, "note.added", map[string]any{"message_id": m.ID})
		}
		_, err = tx.ExecContext(ctx,
			`UPDATE cases SET outbound_count = outbound_count + 1, updated_at = $2,
			        first_responded_at = COALESCE(first_responded_at, $2),
			        status = CASE WHEN status = 'new' THEN 'open' ELSE status END,
			        assignee_id = COALESCE(assignee_id, $3)
			  WHERE id = $1`, in.CaseID, now, author.ID)
		if err != nil {
			return err
		}
		return audit(ctx, tx, now, UserActor(author), in.CaseID, "reply.sent", map[string]any{"message_id": m.ID})
	})
	if err != nil {
		return Message{}, wrapOp(err, "reply to case %d", in.CaseID)
	}
	return m, nil
}

func caseStatus(ctx context.Context, tx *sql.Tx, caseID int64) (Status, error) {
	var s Status
	err := tx.QueryRowContext(ctx, `SELECT status FROM cases WHERE id = $1`, caseID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
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
