package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// CustomerCase is one line of a customer's history.
type CustomerCase struct {
	ID        int64     `json:"id"`
	Subject   string    `json:"subject"`
	Status    Status    `json:"status"`
	AngerPeak int       `json:"anger_peak"`
	CreatedAt time.Time `json:"created_at"`
}

// CustomerHistory is a customer with every case they opened, newest first:
// what an agent needs to know before answering ("third time this month").
type CustomerHistory struct {
	Customer Customer       `json:"customer"`
	Cases    []CustomerCase `json:"cases"`
}

// Customer returns a customer and their case history.
func (d *Desk) Customer(ctx context.Context, id int64) (CustomerHistory, error) {
	db := d.db.Read()
	var h CustomerHistory
	c := &h.Customer
	err := db.QueryRowContext(ctx,
		`SELECT id, email, name, tier, value_cents, time_zone, contact_count, first_contact_at, last_contact_at FROM customers WHERE id = $1`, id).
		Scan(&c.ID, &c.Email, &c.Name, &c.Tier, &c.ValueCents, &c.TimeZone, &c.ContactCount, &c.FirstContactAt, &c.LastContactAt)
	if errors.Is(err, sql.ErrNoRows) {
		return h, notFound("customer")
	}
	if err != nil {
		return h, fmt.Errorf("desk: customer %d: %w", id, err)
	}
	rows, err := db.QueryContext(ctx,
		`SELECT id, subject, status, anger_peak, created_at FROM cases WHERE customer_id = $1 ORDER BY id DESC LIMIT 200`, id)
	if err != nil {
		return h, fmt.Errorf("desk: customer %d: %w", id, err)
	}
	defer rows.Close()
	h.Cases = []CustomerCase{}
	for rows.Next() {
		var cc CustomerCase
		if err := rows.Scan(&cc.ID, &cc.Subject, &cc.Status, &cc.AngerPeak, &cc.CreatedAt); err != nil {
			return h, fmt.Errorf("desk: customer %d: %w", id, err)
		}
		h.Cases = append(h.Cases, cc)
	}
	return h, rows.Err()
}
