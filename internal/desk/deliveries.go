package desk

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// WebhookDelivery is one attempt to post an event to a webhook.
type WebhookDelivery struct {
	ID         int64     `json:"id"`
	URL        string    `json:"url"`
	EventID    int64     `json:"event_id"`
	Event      string    `json:"event"`
	StatusCode int       `json:"status_code"`
	Error      string    `json:"error,omitempty"`
	At         time.Time `json:"at"`
	DurationMS int64     `json:"duration_ms"`
}

// RecordWebhookDelivery appends an attempt to the delivery log.
func (d *Desk) RecordWebhookDelivery(ctx context.Context, w WebhookDelivery) error {
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx,
			`INSERT INTO webhook_deliveries (url, event_id, event, status_code, error, at, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			textkit.Clip(w.URL, 2000), w.EventID, w.Event, w.StatusCode, textkit.Clip(w.Error, 1000), w.At.UTC(), w.DurationMS)
		return err
	})
}

// WebhookDeliveries lists the newest attempts.
func (d *Desk) WebhookDeliveries(ctx context.Context, limit int) ([]WebhookDelivery, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT id, url, event_id, event, status_code, error, at, duration_ms FROM webhook_deliveries ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, fmt.Errorf("desk: webhook deliveries: %w", err)
	}
	defer rows.Close()
	out := []WebhookDelivery{}
	for rows.Next() {
		var w WebhookDelivery
		if err := rows.Scan(&w.ID, &w.URL, &w.EventID, &w.Event, &w.StatusCode, &w.Error, &w.At, &w.DurationMS); err != nil {
			return nil, fmt.Errorf("desk: webhook deliveries: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// StaffEmail is a notification to email to one staff member.
type StaffEmail struct {
	NotificationID int64
	ToEmail        string
	ToName         string
	CaseID         *int64
	Kind           string
	Message        string
	CreatedAt      time.Time // when the notification was made
}

// PendingStaffEmails lists notifications of the last day not yet emailed,
// one entry per recipient: the user it names, or every active user of the
// role it names. Older ones are not news any more.
func (d *Desk) PendingStaffEmails(ctx context.Context, limit int) ([]StaffEmail, error) {
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT n.id, u.email, u.name, n.case_id, n.kind, n.message, n.created_at
		   FROM notifications n JOIN users u ON (u.id = n.user_id OR (n.user_id IS NULL AND u.role = n.role))
		  WHERE n.emailed_at IS NULL AND u.disabled_at IS NULL AND n.created_at > $2
		  ORDER BY n.id LIMIT $1`, limit, d.clock().Add(-24*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("desk: pending staff emails: %w", err)
	}
	defer rows.Close()
	var out []StaffEmail
	for rows.Next() {
		var e StaffEmail
		var caseID sql.NullInt64
		if err := rows.Scan(&e.NotificationID, &e.ToEmail, &e.ToName, &caseID, &e.Kind, &e.Message, &e.CreatedAt); err != nil {
			return nil, err
		}
		e.CreatedAt = e.CreatedAt.UTC()
		if caseID.Valid {
			e.CaseID = &caseID.Int64
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// MarkEmailed records that a notification went out to its recipients.
func (d *Desk) MarkEmailed(ctx context.Context, notificationID int64) error {
	now := d.clock()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET emailed_at = $2 WHERE id = $1`, notificationID, now)
		return err
	})
}
