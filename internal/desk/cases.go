package desk

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// Status is where a case is in its life.
type Status string

// Case statuses. A resolved case reopens when the customer writes again; a
// closed one does not (a new message starts a new case).
const (
	StatusNew       Status = "new"
	StatusOpen      Status = "open"
	StatusPending   Status = "pending"
	StatusOnHold    Status = "on_hold" // waiting on a third party: SLA clocks paused
	StatusEscalated Status = "escalated"
	StatusResolved  Status = "resolved"
	StatusClosed    Status = "closed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case StatusNew, StatusOpen, StatusPending, StatusOnHold, StatusEscalated, StatusResolved, StatusClosed:
		return true
	}
	return false
}

// Customer is a person who writes to support.
type Customer struct {
	ID             int64     `json:"id"`
	Email          string    `json:"email"`
	Name           string    `json:"name"`
	Tier           string    `json:"tier"`
	ValueCents     int64     `json:"value_cents"`
	TimeZone       string    `json:"time_zone,omitempty"`
	ContactCount   int       `json:"contact_count"`
	FirstContactAt time.Time `json:"first_contact_at"`
	LastContactAt  time.Time `json:"last_contact_at"`
}

// Anger is a case's anger trajectory over the customer's messages.
type Anger struct {
	First  int    `json:"first"`
	Latest int    `json:"latest"`
	Peak   int    `json:"peak"`
	Trend  string `json:"trend"` // rising, falling, steady
}

func trend(first, latest int) string {
	switch d := latest - first; {
	case d >= 10:
		return "rising"
	case d <= -10:
		return "falling"
	}
	return "steady"
}

// Case is one customer problem from first message to resolution.
type Case struct {
	ID                 int64      `json:"id"`
	Customer           Customer   `json:"customer"`
	Subject            string     `json:"subject"`
	Status             Status     `json:"status"`
	Priority           int        `json:"priority"`
	AssigneeID         *int64     `json:"assignee_id"`
	Category           string     `json:"category"`
	Tags               []string   `json:"tags"`
	Channel            string     `json:"channel"`
	Anger              Anger      `json:"anger"`
	Signals            []string   `json:"signals"`
	AcknowledgeFirst   bool       `json:"acknowledge_first"` // a venting wave: acknowledge before solving
	InboundCount       int        `json:"inbound_count"`
	OutboundCount      int        `json:"outbound_count"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	LastInboundAt      *time.Time `json:"last_inbound_at"`
	FirstResponseDueAt *time.Time `json:"first_response_due_at"`
	ResolutionDueAt    *time.Time `json:"resolution_due_at"`
	FirstRespondedAt   *time.Time `json:"first_responded_at"`
	EscalatedAt        *time.Time `json:"escalated_at"`
	EscalationReason   string     `json:"escalation_reason,omitempty"`
	ResolvedAt         *time.Time `json:"resolved_at"`
	ClosedAt           *time.Time `json:"closed_at"`
	SLAPausedAt        *time.Time `json:"sla_paused_at"` // on hold since: the SLA clocks are paused
}

// Direction says who a message is from: the customer, an agent, or an
// internal note the customer never sees.
type Direction string

// Message directions.
const (
	Inbound  Direction = "inbound"
	Outbound Direction = "outbound"
	Note     Direction = "note"
)

// Message is one message on a case.
type Message struct {
	ID           int64            `json:"id"`
	CaseID       int64            `json:"case_id"`
	Direction    Direction        `json:"direction"`
	Channel      string           `json:"channel"`
	AuthorUserID *int64           `json:"author_user_id,omitempty"`
	CustomerID   *int64           `json:"customer_id,omitempty"`
	EnteredBy    *int64           `json:"entered_by,omitempty"` // the user who entered a customer's message for them
	ExternalID   string           `json:"external_id,omitempty"`
	RawText      string           `json:"raw_text"`
	CleanText    string           `json:"text"`
	Reading      *analyze.Reading `json:"reading,omitempty"`
	Review       json.RawMessage  `json:"review,omitempty"`
	HTML         string           `json:"html,omitempty"` // sanitised HTML part of an email
	Attachments  []Attachment     `json:"attachments,omitempty"`
	Delivery     string           `json:"delivery,omitempty"` // queued, retrying, sent, failed (outbound email)
	DeliveryErr  string           `json:"delivery_error,omitempty"`
	CreatedAt    time.Time        `json:"created_at"`

	// encodedReading is the reading as stored, when Reading was not
	// decoded (Desk.CaseEncoded); MarshalJSON writes it as "reading".
	encodedReading json.RawMessage
}

// caseColumns selects a case joined with its customer, in scanCase's order.
const caseColumns = `c.id, c.subject, c.status, c.priority, c.assignee_id, c.category, c.tags, c.channel,
	c.anger_first, c.anger_latest, c.anger_peak, c.signals, c.inbound_count, c.outbound_count,
	c.created_at, c.updated_at, c.last_inbound_at, c.first_response_due_at, c.resolution_due_at,
	c.first_responded_at, c.escalated_at, c.escalation_reason, c.resolved_at, c.closed_at, c.acknowledge_first, c.sla_paused_at,
	cu.id, cu.email, cu.name, cu.tier, cu.value_cents, cu.time_zone, cu.contact_count,
	cu.first_contact_at, cu.last_contact_at`

const caseFrom = ` FROM cases c JOIN customers cu ON cu.id = c.customer_id`

// scanCase reads a row of caseColumns. A time it cannot read (see
// unreadableError) reads as absent and is reported in an *unreadableError
// alongside the rest of the case, so a list can skip the row by name and a
// single read can still show it.
func scanCase(r rowScanner) (Case, error) {
	var c Case
	var assignee sql.NullInt64
	var tags, signals string
	var created, updated, lastIn, frDue, resDue, frAt, escAt, resAt, closedAt, paused, firstContact, lastContact timeColumn
	cu := &c.Customer
	err := r.Scan(&c.ID, &c.Subject, &c.Status, &c.Priority, &assignee, &c.Category, &tags, &c.Channel,
		&c.Anger.First, &c.Anger.Latest, &c.Anger.Peak, &signals, &c.InboundCount, &c.OutboundCount,
		&created, &updated, &lastIn, &frDue, &resDue, &frAt, &escAt, &c.EscalationReason, &resAt, &closedAt, &c.AcknowledgeFirst, &paused,
		&cu.ID, &cu.Email, &cu.Name, &cu.Tier, &cu.ValueCents, &cu.TimeZone, &cu.ContactCount,
		&firstContact, &lastContact)
	if err != nil {
		return Case{}, err
	}
	if assignee.Valid {
		c.AssigneeID = &assignee.Int64
	}
	c.Tags = decodeStrings(tags)
	c.Signals = decodeStrings(signals)
	c.Anger.Trend = trend(c.Anger.First, c.Anger.Latest)
	c.CreatedAt, c.UpdatedAt = created.Time, updated.Time
	c.LastInboundAt = lastIn.ptr()
	c.FirstResponseDueAt = frDue.ptr()
	c.ResolutionDueAt = resDue.ptr()
	c.FirstRespondedAt = frAt.ptr()
	c.EscalatedAt = escAt.ptr()
	c.ResolvedAt = resAt.ptr()
	c.ClosedAt = closedAt.ptr()
	c.SLAPausedAt = paused.ptr()
	cu.FirstContactAt, cu.LastContactAt = firstContact.Time, lastContact.Time
	for _, col := range []struct {
		name string
		t    *timeColumn
	}{
		{"created_at", &created}, {"updated_at", &updated}, {"last_inbound_at", &lastIn},
		{"first_response_due_at", &frDue}, {"resolution_due_at", &resDue}, {"first_responded_at", &frAt},
		{"escalated_at", &escAt}, {"resolved_at", &resAt}, {"closed_at", &closedAt}, {"sla_paused_at", &paused},
		{"customers.first_contact_at", &firstContact}, {"customers.last_contact_at", &lastContact},
	} {
		if col.t.bad != nil {
			return c, &unreadableError{Row: fmt.Sprintf("case %d", c.ID), Column: col.name, Value: col.t.bad}
		}
	}
	return c, nil
}

// unreadableError says a row holds a value the desk cannot read back: in
// practice a time SQLite stored as text it cannot parse (a year past 9999,
// written before times were checked) or PostgreSQL's infinity. Readers of
// many rows log and skip such a row, so one cannot stop a list or the
// sweep; readers of one row show what they could read.
type unreadableError struct {
	Row    string // "case 12"
	Column string
	Value  any
}

func (e *unreadableError) Error() string {
	return fmt.Sprintf("%s: %s holds %v, which is not a time the desk can read", e.Row, e.Column, e.Value)
}

// timeColumn scans a time column without failing the row: a value it
// cannot read is kept in bad and the time reads as absent.
type timeColumn struct {
	nullTime
	bad any
}

// Scan implements sql.Scanner.
func (c *timeColumn) Scan(v any) error {
	if err := c.nullTime.Scan(v); err != nil {
		c.nullTime, c.bad = nullTime{}, v
		if b, ok := v.([]byte); ok {
			c.bad = string(b)
		}
	}
	return nil
}

func (c timeColumn) ptr() *time.Time {
	if !c.Valid {
		return nil
	}
	t := c.Time.UTC()
	return &t
}

func decodeStrings(s string) []string {
	out := []string{}
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

func encodeStrings(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	u := t.Time.UTC()
	return &u
}

// nullTime scans a time that SQLite may hand back as text: computed columns
// (max(), subqueries) carry no declared type, so the driver cannot know
// they hold times.
type nullTime struct {
	Time  time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (n *nullTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		n.Valid = false
		return nil
	case time.Time:
		n.Time, n.Valid = x, true
		return nil
	case []byte:
		return n.parse(string(x))
	case string:
		return n.parse(x)
	}
	return fmt.Errorf("cannot scan %T into a time", v)
}

func (n *nullTime) parse(s string) error {
	for _, layout := range []string{"2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			n.Time, n.Valid = t, true
			return nil
		}
	}
	return fmt.Errorf("cannot parse time %q", s)
}
