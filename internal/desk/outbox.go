package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Outbox sends messages to customers in the background. QueueTx is called
// inside the transaction that stores the message, so a reply is queued if
// and only if it is stored; it returns the Message-ID the email will carry,
// which threads the customer's answer back onto the case.
type Outbox interface {
	QueueTx(ctx context.Context, tx *sql.Tx, messageID int64) (externalID string, err error)
}

// Delivery states of an outbound message.
const (
	DeliveryQueued   = "queued"
	DeliveryRetrying = "retrying" // a try failed for a reason that may pass; delivery_error says which
	DeliverySent     = "sent"
	DeliveryFailed   = "failed"
)

// queueEmail hands an outbound message on an email case to the outbox.
func (d *Desk) queueEmail(ctx context.Context, tx *sql.Tx, messageID int64, channel string) error {
	if d.outbox == nil || channel != "email" {
		return nil
	}
	externalID, err := d.outbox.QueueTx(ctx, tx, messageID)
	if err != nil {
		return fmt.Errorf("queue email: %w", err)
	}
	_, err = tx.ExecContext(ctx, `UPDATE messages SET external_id = $2, delivery_status = 'queued' WHERE id = $1`,
		messageID, nullString(externalID))
	return err
}

// OutboundEmail is what the mailer needs to send one message.
type OutboundEmail struct {
	MessageID     int64
	CaseID        int64
	ExternalID    string // this email's Message-ID
	ToEmail       string
	ToName        string
	ReplyTo       string // where the customer asked answers to go (Reply-To); ToEmail when empty
	FromName      string // the agent's name; empty for the desk's own check-ins
	Subject       string
	Text          string
	InReplyTo     string   // the customer's latest message id
	References    []string // the thread, oldest first
	AutoSubmitted bool     // machine-sent (check-ins, surveys)
	Status        string
}

// OutboundEmailFor loads an outbound message for sending.
func (d *Desk) OutboundEmailFor(ctx context.Context, messageID int64) (OutboundEmail, error) {
	var o OutboundEmail
	var author sql.NullInt64
	var external sql.NullString
	var authorName sql.NullString
	err := d.db.Read().QueryRowContext(ctx,
		`SELECT m.id, m.case_id, m.external_id, m.clean_text, m.delivery_status, m.author_user_id, u.name, c.subject, cu.email, cu.name
		   FROM messages m JOIN cases c ON c.id = m.case_id JOIN customers cu ON cu.id = c.customer_id
		   LEFT JOIN users u ON u.id = m.author_user_id
		  WHERE m.id = $1 AND m.direction = 'outbound'`, messageID).
		Scan(&o.MessageID, &o.CaseID, &external, &o.Text, &o.Status, &author, &authorName, &o.Subject, &o.ToEmail, &o.ToName)
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound("message")
	}
	if err != nil {
		return o, fmt.Errorf("desk: outbound email %d: %w", messageID, err)
	}
	o.ExternalID, o.FromName, o.AutoSubmitted = external.String, authorName.String, !author.Valid
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT external_id, direction, reply_to FROM messages WHERE case_id = $1 AND id < $2 AND external_id IS NOT NULL ORDER BY id`, o.CaseID, messageID)
	if err != nil {
		return o, fmt.Errorf("desk: outbound email %d: %w", messageID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, replyTo string
		var dir Direction
		if err := rows.Scan(&id, &dir, &replyTo); err != nil {
			return o, err
		}
		o.References = append(o.References, id)
		if dir == Inbound {
			o.InReplyTo, o.ReplyTo = id, replyTo
		}
	}
	if len(o.References) > 20 {
		// Keep the thread's root and the newest ids, as mail clients do.
		o.References = append(o.References[:1], o.References[len(o.References)-19:]...)
	}
	return o, rows.Err()
}

// MarkDelivered records that an outbound message was handed to the mail server.
func (d *Desk) MarkDelivered(ctx context.Context, messageID int64) error {
	now := d.clock()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE messages SET delivery_status = 'sent', delivery_error = '', delivered_at = $2 WHERE id = $1`, messageID, now)
		return err
	})
}

// MarkRetrying records that a try to send an outbound message failed for a
// reason that may pass (the relay is down, a 4xx reply), so that the case
// shows "retrying" and the reason instead of "queued". With tell, the
// author (or, for the desk's own check-ins, the supervisors) is told the
// customer has still not got it.
func (d *Desk) MarkRetrying(ctx context.Context, messageID int64, reason string, tell bool) error {
	now := d.clock()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		var caseID int64
		var author sql.NullInt64
		err := tx.QueryRowContext(ctx,
			`UPDATE messages SET delivery_status = 'retrying', delivery_error = $2
			  WHERE id = $1 AND delivery_status IN ('queued', 'retrying') RETURNING case_id, author_user_id`,
			messageID, textkit.Clip(reason, 1000)).Scan(&caseID, &author)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !tell) {
			return nil // sent or failed meanwhile, or nobody to tell yet
		}
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Case #%d: an email to the customer is not delivered yet; calmdesk keeps trying. The mail server said: %s", caseID, textkit.ClipWords(reason, 200))
		n := notification{UserID: author.Int64, CaseID: caseID, Kind: "mail_retrying", Message: msg}
		if !author.Valid {
			n.Role = RoleSupervisor
		}
		if err := notify(ctx, tx, now, n); err != nil {
			return err
		}
		return audit(ctx, tx, now, SystemActor, caseID, "mail.retrying", map[string]any{"message_id": messageID, "reason": textkit.Clip(reason, 500)})
	})
}

// MarkUndeliverable records a permanent delivery failure on the case and
// tells the author, so the customer is not left waiting for a reply that
// never arrived.
func (d *Desk) MarkUndeliverable(ctx context.Context, messageID int64, reason string) error {
	now := d.clock()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		var caseID int64
		var author sql.NullInt64
		err := tx.QueryRowContext(ctx,
			`UPDATE messages SET delivery_status = 'failed', delivery_error = $2 WHERE id = $1 RETURNING case_id, author_user_id`,
			messageID, textkit.Clip(reason, 1000)).Scan(&caseID, &author)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("message")
		}
		if err != nil {
			return err
		}
		msg := fmt.Sprintf("Case #%d: an email to the customer could not be delivered: %s", caseID, textkit.ClipWords(reason, 200))
		n := notification{UserID: author.Int64, CaseID: caseID, Kind: "mail_failed", Message: msg}
		if !author.Valid {
			n.Role = RoleSupervisor
		}
		if err := notify(ctx, tx, now, n); err != nil {
			return err
		}
		return audit(ctx, tx, now, SystemActor, caseID, "mail.failed", map[string]any{"message_id": messageID, "reason": textkit.Clip(reason, 500)})
	})
}
