package desk

import (
	"context"
	"database/sql"
	"encoding/json"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// Concern is one of the customer's points, with the message it came from.
type Concern struct {
	analyze.Concern
	MessageID int64 `json:"message_id"`
}

func caseMessages(ctx context.Context, db querier, caseID int64) ([]Message, error) {
	rows, err := db.QueryContext(ctx,
		`SELECT id, case_id, direction, channel, author_user_id, customer_id, external_id, raw_text, clean_text, reading, review, created_at,
		        delivery_status, delivery_error, html, entered_by
		   FROM messages WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		var m Message
		var author, customer, enteredBy sql.NullInt64
		var external, reading, review sql.NullString
		if err := rows.Scan(&m.ID, &m.CaseID, &m.Direction, &m.Channel, &author, &customer, &external,
			&m.RawText, &m.CleanText, &reading, &review, &m.CreatedAt, &m.Delivery, &m.DeliveryErr, &m.HTML, &enteredBy); err != nil {
			return nil, err
		}
		if enteredBy.Valid {
			m.EnteredBy = &enteredBy.Int64
		}
		if author.Valid {
			m.AuthorUserID = &author.Int64
		}
		if customer.Valid {
			m.CustomerID = &customer.Int64
		}
		m.ExternalID = external.String
		if reading.Valid {
			var r analyze.Reading
			if err := json.Unmarshal([]byte(reading.String), &r); err == nil {
				m.Reading = &r
			}
		}
		if review.Valid {
			m.Review = json.RawMessage(review.String)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	atts, err := caseAttachments(ctx, db, caseID)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Attachments = atts[out[i].ID]
	}
	return out, nil
}

// concernsOf lists the concerns of the customer's messages since the last
// agent reply — the ones the next reply must answer.
func concernsOf(msgs []Message) []Concern {
	out := []Concern{}
	start := 0
	for i, m := range msgs {
		if m.Direction == Outbound && !m.Automatic() { // a check-in answers nothing
			start = i + 1
		}
	}
	for _, m := range msgs[start:] {
		if m.Direction != Inbound || m.Reading == nil {
			continue
		}
		for _, c := range m.Reading.Concerns {
			out = append(out, Concern{Concern: c, MessageID: m.ID})
		}
	}
	return out
}

// Automatic reports whether the desk sent the message itself (the check-in
// after resolution): an outbound message with no author. It answers none of
// the customer's concerns.
func (m Message) Automatic() bool { return m.Direction == Outbound && m.AuthorUserID == nil }
