package desk

import (
	"bytes"
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

// readingForm is how caseMessages gives each message's reading.
type readingForm uint8

const (
	// readingDecoded decodes it into Message.Reading.
	readingDecoded readingForm = iota
	// readingEncoded leaves it as stored (Message.encodedReading), for
	// callers that only encode the answer again: decoding and encoding it
	// back was most of the cost of the API's case. A reading the desk
	// adjusted is decoded all the same: as stored it also holds how it was
	// adjusted, which the answer does not show.
	readingEncoded
	// readingOmitted does not read it (an answer without readings).
	readingOmitted
)

// caseMessages reads a case's messages with their attachments, and their
// readings in the form asked for.
func caseMessages(ctx context.Context, db querier, caseID int64, form readingForm) ([]Message, error) {
	reading := "reading"
	if form == readingOmitted {
		reading = "NULL"
	}
	rows, err := db.QueryContext(ctx,
		`SELECT id, case_id, direction, channel, author_user_id, customer_id, external_id, raw_text, clean_text, `+reading+`, review, created_at,
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
		var external, review sql.NullString
		var reading []byte
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
		switch {
		case reading == nil:
		case form == readingDecoded || bytes.Contains(reading, adjustedKey) || !json.Valid(reading):
			var r analyze.Reading
			if err := json.Unmarshal(reading, &r); err == nil {
				m.Reading = &r
			}
		default:
			m.encodedReading = reading
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

// adjustedKey marks a stored reading the desk adjusted (storedReading).
// Inside a string a quote is escaped, so text cannot match it.
var adjustedKey = []byte(`"adjusted"`)

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
		if m.Direction != Inbound {
			continue
		}
		for _, c := range m.concerns() {
			out = append(out, Concern{Concern: c, MessageID: m.ID})
		}
	}
	return out
}

// concerns returns the concerns of the message's reading, decoded or not.
func (m Message) concerns() []analyze.Concern {
	if m.Reading != nil {
		return m.Reading.Concerns
	}
	if m.encodedReading == nil {
		return nil
	}
	var r struct {
		Concerns []analyze.Concern `json:"concerns"`
	}
	if json.Unmarshal(m.encodedReading, &r) != nil {
		return nil
	}
	return r.Concerns
}

// MarshalJSON encodes the message; a reading left encoded (caseMessages
// without decode) is written as stored, after the other fields: the
// encoder checks a Marshaler's output once more anyway, so it is not
// passed through a second encoder here.
func (m Message) MarshalJSON() ([]byte, error) {
	type plain Message
	b, err := json.Marshal(plain(m))
	if err != nil || m.Reading != nil || m.encodedReading == nil {
		return b, err
	}
	b = append(b[:len(b)-1], `,"reading":`...)
	b = append(b, m.encodedReading...)
	return append(b, '}'), nil
}

// Automatic reports whether the desk sent the message itself (the check-in
// after resolution): an outbound message with no author. It answers none of
// the customer's concerns.
func (m Message) Automatic() bool { return m.Direction == Outbound && m.AuthorUserID == nil }
