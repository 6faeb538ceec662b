package desk

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Notification tells a user (or everyone in a role) that something needs them.
type Notification struct {
	ID        int64      `json:"id"`
	CaseID    *int64     `json:"case_id,omitempty"`
	Kind      string     `json:"kind"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"created_at"`
	ReadAt    *time.Time `json:"read_at,omitempty"`
}

type notification struct {
	UserID  int64
	Role    Role
	CaseID  int64
	Kind    string
	Message string
}

func notify(ctx context.Context, tx *sql.Tx, now time.Time, n notification) error {
	_, err := tx.ExecContext(ctx,
		`INSERT INTO notifications (user_id, role, case_id, kind, message, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
		nullID(n.UserID), string(n.Role), nullID(n.CaseID), n.Kind, textkit.Clip(n.Message, 1000), now)
	if err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// NotifyAdmins tells every admin of something that needs one outside any
// case, e.g. an email the mailbox poller could not store.
func (d *Desk) NotifyAdmins(ctx context.Context, kind, message string) error {
	now := d.clock()
	return d.db.Tx(ctx, func(tx *sql.Tx) error {
		return notify(ctx, tx, now, notification{Role: RoleAdmin, Kind: kind, Message: message})
	})
}

// Notifications lists the newest notifications for a user: their own and
// their role's (admins also see supervisors').
func (d *Desk) Notifications(ctx context.Context, u User, limit int) ([]Notification, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	roles := []string{string(u.Role)}
	if u.Role == RoleAdmin {
		roles = append(roles, string(RoleSupervisor))
	}
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT id, case_id, kind, message, created_at, read_at FROM notifications
		  WHERE user_id = $1 OR (user_id IS NULL AND role IN ($2, $3))
		  ORDER BY id DESC LIMIT $4`, u.ID, roles[0], roles[len(roles)-1], limit)
	if err != nil {
		return nil, fmt.Errorf("desk: notifications: %w", err)
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		var caseID sql.NullInt64
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &caseID, &n.Kind, &n.Message, &n.CreatedAt, &read); err != nil {
			return nil, fmt.Errorf("desk: notifications: %w", err)
		}
		if caseID.Valid {
			n.CaseID = &caseID.Int64
		}
		n.ReadAt = timePtr(read)
		out = append(out, n)
	}
	return out, rows.Err()
}
