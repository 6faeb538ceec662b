package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/calendar"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Limits on inbound content. Raw text may be a whole email with its quoted
// history; the clean text is what the customer newly wrote and is analysed.
const (
	MaxTextBytes    = 100_000
	MaxRawTextBytes = 1 << 20
	MaxSubjectBytes = 500
	MaxNameBytes    = 200
	MaxExternalID   = 500
)

// The customer tiers priority knows.
const (
	TierStandard = "standard"
	TierSilver   = "silver"
	TierGold     = "gold"
	TierPlatinum = "platinum"
	TierVIP      = "vip"
)

var tiers = []string{TierStandard, TierSilver, TierGold, TierPlatinum, TierVIP}

// Channels a message can arrive by.
var channels = []string{"api", "email", "web", "chat", "phone", "import"}

// InboundMessage is a customer message arriving by any channel.
type InboundMessage struct {
	CustomerEmail string
	CustomerName  string
	CustomerTier  string // from a CRM, when the channel knows it: standard, silver, gold, platinum, vip
	Subject       string
	Text          string // the customer's new text, analysed
	RawText       string // the full message as received; Text when empty
	Channel       string // api (default), email, web, chat, phone, import
	ExternalID    string // de-duplication key, e.g. an email's Message-ID
	CaseID        int64  // append to this case, when the channel knows it
	Category      string // set by a channel that knows it (a form's topic); else the category model's
	InReplyTo     []string
	ReceivedAt    time.Time    // zero: now; else within the window checkTime allows
	HTML          string       // an email's sanitised HTML part, kept for display
	Attachments   []Attachment // files and inline images that came with it
	// ReplyTo is the address the answer to this message goes to when it
	// is not CustomerEmail (an email's Reply-To); empty for the customer's.
	ReplyTo string
	// EnteredBy is the user who entered the message for the customer (an
	// agent logging a phone call, an integration's token); 0 when it came
	// by the customer's own channel. It is stored, audited and shown.
	EnteredBy int64
}

// IngestResult says where an inbound message landed.
type IngestResult struct {
	CaseID    int64           `json:"case_id"`
	MessageID int64           `json:"message_id"`
	Reading   analyze.Reading `json:"reading"`
	NewCase   bool            `json:"new_case"`
	Duplicate bool            `json:"duplicate"`
}

func (in *InboundMessage) normalise(now time.Time) error {
	in.CustomerEmail = normaliseEmail(in.CustomerEmail)
	in.CustomerName = strings.TrimSpace(in.CustomerName)
	in.Subject = strings.TrimSpace(in.Subject)
	in.ExternalID = strings.TrimSpace(in.ExternalID)
	in.ReplyTo = normaliseEmail(in.ReplyTo)
	if in.Channel == "" {
		in.Channel = "api"
	}
	if in.RawText == "" {
		in.RawText = in.Text
	}
	v := validator{}
	v.check(in.CustomerEmail != "", "customer.email", "is required")
	v.check(validEmail(in.CustomerEmail), "customer.email", "must be an email address")
	v.check(utf8.ValidString(in.CustomerName) && len(in.CustomerName) <= MaxNameBytes, "customer.name", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxNameBytes))
	v.check(utf8.ValidString(in.Subject) && len(in.Subject) <= MaxSubjectBytes, "subject", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxSubjectBytes))
	v.check(strings.TrimSpace(in.Text) != "", "text", "is required")
	v.check(utf8.ValidString(in.Text), "text", "must be valid UTF-8")
	v.check(len(in.Text) <= MaxTextBytes, "text", fmt.Sprintf("must be at most %d bytes", MaxTextBytes))
	v.check(utf8.ValidString(in.RawText) && len(in.RawText) <= MaxRawTextBytes, "raw_text", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxRawTextBytes))
	v.check(slices.Contains(channels, in.Channel), "channel", "must be one of "+strings.Join(channels, ", "))
	v.check(utf8.ValidString(in.ExternalID) && len(in.ExternalID) <= MaxExternalID, "external_id", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxExternalID))
	v.check(in.CaseID >= 0, "case_id", "must be a case id")
	v.check(in.ReplyTo == "" || validEmail(in.ReplyTo), "reply_to", "must be an email address")
	v.check(utf8.ValidString(in.Category) && len(in.Category) <= 100, "category", "must be valid UTF-8 of at most 100 bytes")
	v.check(in.CustomerTier == "" || slices.Contains(tiers, in.CustomerTier), "customer.tier", "must be one of "+strings.Join(tiers, ", "))
	v.check(len(in.InReplyTo) <= 100, "in_reply_to", "at most 100 references")
	if !in.ReceivedAt.IsZero() {
		checkTime(v, "received_at", in.ReceivedAt, now)
	}
	validateAttachments(v, in.HTML, in.Attachments)
	return v.err()
}

// Ingest stores an inbound customer message with its reading, on a new case
// or on the case it continues, in one transaction. A message whose external
// id was seen before is not stored again: the first landing is returned with
// Duplicate set.
func (d *Desk) Ingest(ctx context.Context, in InboundMessage) (IngestResult, error) {
	now := d.clock()
	if err := in.normalise(now); err != nil {
		return IngestResult{}, err
	}
	// Analysis is pure CPU: do it before taking the write lock.
	reading, err := d.reader(ctx).Read(in.Text)
	if err != nil {
		return IngestResult{}, &ValidationError{Fields: map[string]string{"text": err.Error()}}
	}
	if in.Category != "" {
		reading.Category = in.Category
	}
	// What the desk learned from its agents' corrections (the engine's own
	// anger stays on record in the stored reading and the audit).
	reading, adjusted := d.adjustReading(ctx, in.Text, reading)
	readingJSON, err := json.Marshal(storedReading{Reading: reading, Adjusted: adjusted})
	if err != nil {
		return IngestResult{}, fmt.Errorf("desk: encode reading: %w", err)
	}
	policy, cal, err := d.policyAndCalendar(ctx)
	if err != nil {
		return IngestResult{}, err
	}
	at := now
	if !in.ReceivedAt.IsZero() {
		at = in.ReceivedAt.UTC().Truncate(time.Microsecond)
	}
	res := IngestResult{Reading: reading}
	err = d.writeTx(ctx, func(tx *sql.Tx) error {
		res = IngestResult{Reading: reading} // a retried batch starts afresh
		if in.ExternalID != "" {
			err := tx.QueryRowContext(ctx, `SELECT id, case_id FROM messages WHERE external_id = $1`, in.ExternalID).
				Scan(&res.MessageID, &res.CaseID)
			if err == nil {
				res.Duplicate = true
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		cust, err := upsertCustomer(ctx, tx, in.CustomerEmail, in.CustomerName, in.CustomerTier, at)
		if err != nil {
			return err
		}
		caseID, state, err := findCaseFor(ctx, tx, in, cust.ID)
		if err != nil {
			return err
		}
		status := state.status
		kinds := signalKinds(reading)
		if caseID == 0 {
			res.NewCase = true
			var assignee int64
			if assignee, err = chooseAssignee(ctx, tx, reading.Category, reading.Anger, policy.Assignment, now); err == nil {
				caseID, err = openCase(ctx, tx, in, cust, reading, kinds, at, policy.SLA, cal, assignee, now)
			}
		} else {
			err = continueCase(ctx, tx, caseID, state, cust, reading, kinds, at)
		}
		if err != nil {
			return err
		}
		res.CaseID = caseID
		err = tx.QueryRowContext(ctx,
			`INSERT INTO messages (case_id, direction, channel, customer_id, external_id, raw_text, clean_text, reading, html, created_at, reply_to, entered_by)
			 VALUES ($1, 'inbound', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			caseID, in.Channel, cust.ID, nullString(in.ExternalID), in.RawText, in.Text, string(readingJSON), in.HTML, at, in.ReplyTo, nullID(in.EnteredBy)).Scan(&res.MessageID)
		if err != nil {
			return err
		}
		if err := storeAttachments(ctx, tx, res.MessageID, in.Attachments); err != nil {
			return err
		}
		actor := Actor{Label: fmt.Sprintf("customer:%d", cust.ID)}
		if res.NewCase {
			if err := audit(ctx, tx, now, actor, caseID, "case.created", map[string]any{"channel": in.Channel}); err != nil {
				return err
			}
		} else if status == StatusResolved {
			if err := audit(ctx, tx, now, actor, caseID, "case.reopened", map[string]any{"from": status}); err != nil {
				return err
			}
		}
		received := map[string]any{"message_id": res.MessageID, "anger": reading.Anger, "signals": kinds}
		if adjusted != nil {
			received["adjusted"] = adjusted
		}
		if err := audit(ctx, tx, now, actor, caseID, "message.received", received); err != nil {
			return err
		}
		if in.EnteredBy != 0 {
			// The customer did not send this themselves: say who entered it, and for when.
			if err := audit(ctx, tx, now, UserActor(User{ID: in.EnteredBy}), caseID, "message.entered", map[string]any{
				"message_id": res.MessageID, "channel": in.Channel, "received_at": at}); err != nil {
				return err
			}
		}
		if status != StatusEscalated {
			if rule, reason := escalationAtIngest(policy.Escalation, state, reading); rule != "" {
				return escalateTx(ctx, tx, caseID, SystemActor, rule, reason, now)
			}
		}
		return nil
	})
	if err != nil && in.ExternalID != "" && store.IsUniqueViolation(err) {
		// Another request stored the same message between our check and insert.
		return d.duplicateOf(ctx, in.ExternalID, reading)
	}
	if err != nil {
		var verr *ValidationError
		if errors.As(err, &verr) {
			return IngestResult{}, err
		}
		return IngestResult{}, fmt.Errorf("desk: ingest message from %s: %w", in.CustomerEmail, err)
	}
	return res, nil
}

func (d *Desk) duplicateOf(ctx context.Context, externalID string, r analyze.Reading) (IngestResult, error) {
	res := IngestResult{Reading: r, Duplicate: true}
	err := d.db.Read().QueryRowContext(ctx, `SELECT id, case_id FROM messages WHERE external_id = $1`, externalID).
		Scan(&res.MessageID, &res.CaseID)
	if err != nil {
		return IngestResult{}, fmt.Errorf("desk: ingest duplicate %q: %w", externalID, err)
	}
	return res, nil
}

func upsertCustomer(ctx context.Context, tx *sql.Tx, email, name, tier string, at time.Time) (Customer, error) {
	c := Customer{Email: email}
	if tier == "" {
		tier = "standard"
	}
	// A tier given by the channel wins; otherwise the stored one stays.
	err := tx.QueryRowContext(ctx,
		`INSERT INTO customers (email, name, tier, contact_count, first_contact_at, last_contact_at)
		 VALUES ($1, $2, $3, 1, $4, $4)
		 ON CONFLICT (email) DO UPDATE SET
		     contact_count = customers.contact_count + 1,
		     last_contact_at = excluded.last_contact_at,
		     name = CASE WHEN customers.name = '' THEN excluded.name ELSE customers.name END,
		     tier = CASE WHEN $5 THEN excluded.tier ELSE customers.tier END
		 RETURNING id, name, tier`, email, name, tier, at, tier != "standard").Scan(&c.ID, &c.Name, &c.Tier)
	if err != nil {
		return Customer{}, fmt.Errorf("upsert customer: %w", err)
	}
	return c, nil
}

// findCaseFor picks the case an inbound message continues: the one named,
// else the one holding a message it replies to. A closed case is never
// continued. It returns 0 when the message starts a new case.
func findCaseFor(ctx context.Context, tx *sql.Tx, in InboundMessage, customerID int64) (int64, caseState, error) {
	var id int64
	if in.CaseID != 0 {
		var owner int64
		err := tx.QueryRowContext(ctx, `SELECT id, customer_id FROM cases WHERE id = $1`, in.CaseID).Scan(&id, &owner)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != customerID) {
			// Do not reveal other customers' case numbers.
			return 0, caseState{}, &ValidationError{Fields: map[string]string{"case_id": "no such case for this customer"}}
		}
		if err != nil {
			return 0, caseState{}, err
		}
	} else {
		for _, ref := range in.InReplyTo {
			err := tx.QueryRowContext(ctx,
				`SELECT c.id FROM messages m JOIN cases c ON c.id = m.case_id
				  WHERE m.external_id = $1 AND c.customer_id = $2`, ref, customerID).Scan(&id)
			if err == nil {
				break
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return 0, caseState{}, err
			}
		}
	}
	if id == 0 {
		return 0, caseState{}, nil
	}
	var st caseState
	err := tx.QueryRowContext(ctx, `SELECT status, outbound_count, anger_peak FROM cases WHERE id = $1`, id).
		Scan(&st.status, &st.outbound, &st.peakBefore)
	if err != nil {
		return 0, caseState{}, err
	}
	if st.status == StatusClosed {
		return 0, caseState{}, nil
	}
	return id, st, nil
}

// openCase inserts a new case, given to assignee (0: no one) at assignedAt.
func openCase(ctx context.Context, tx *sql.Tx, in InboundMessage, cust Customer, r analyze.Reading, signals []string, at time.Time,
	sla SLAPolicy, cal calendar.Calendar, assignee int64, assignedAt time.Time) (int64, error) {
	prio := Priority(r.Anger, r.Anger, signals, cust.Tier)
	target := sla.targetFor(prio, r.Category)
	subject := in.Subject
	if subject == "" {
		subject = firstLine(in.Text, 80)
	}
	var id int64
	err := tx.QueryRowContext(ctx,
		`INSERT INTO cases (customer_id, subject, status, priority, category, channel, anger_first, anger_latest, anger_peak,
		                    signals, inbound_count, created_at, updated_at, last_inbound_at, first_response_due_at, resolution_due_at,
		                    assignee_id, assigned_at)
		 VALUES ($1, $2, 'new', $3, $4, $5, $6, $6, $6, $7, 1, $8, $8, $8, $9, $10, $11, $12) RETURNING id`,
		cust.ID, subject, prio, r.Category, in.Channel, r.Anger, encodeStrings(signals), at,
		dueAfter(cal, at, target.FirstResponse.Duration), dueAfter(cal, at, target.Resolution.Duration),
		nullID(assignee), sql.NullTime{Time: assignedAt, Valid: assignee != 0}).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("open case: %w", err)
	}
	return id, nil
}

func continueCase(ctx context.Context, tx *sql.Tx, caseID int64, state caseState, cust Customer, r analyze.Reading, signals []string, at time.Time) error {
	status := state.status
	peak := state.peakBefore
	var oldSignals string
	if err := tx.QueryRowContext(ctx, `SELECT signals FROM cases WHERE id = $1`, caseID).Scan(&oldSignals); err != nil {
		return fmt.Errorf("continue case %d: %w", caseID, err)
	}
	venting, err := ventingAfter(ctx, tx, caseID, r)
	if err != nil {
		return fmt.Errorf("continue case %d: %w", caseID, err)
	}
	merged := decodeStrings(oldSignals)
	for _, s := range signals {
		if !slices.Contains(merged, s) {
			merged = append(merged, s)
		}
	}
	peak = max(peak, r.Anger)
	newStatus := status
	if status == StatusResolved || status == StatusPending || status == StatusOnHold {
		newStatus = StatusOpen
	}
	if status == StatusOnHold { // the customer wrote: the SLA clocks run again
		if err := resumeSLA(ctx, tx, caseID, at); err != nil {
			return fmt.Errorf("continue case %d: %w", caseID, err)
		}
	}
	if status == StatusResolved {
		if err := cancelSurveys(ctx, tx, caseID, at); err != nil {
			return fmt.Errorf("continue case %d: %w", caseID, err)
		}
	}
	_, err = tx.ExecContext(ctx,
		`UPDATE cases SET anger_latest = $2, anger_peak = $3, signals = $4, priority = $5, status = $6,
		        inbound_count = inbound_count + 1, updated_at = $7, last_inbound_at = $7,
		        resolved_at = CASE WHEN $6 = 'open' THEN NULL ELSE resolved_at END,
		        category = CASE WHEN category = '' THEN $8 ELSE category END,
		        acknowledge_first = $9
		  WHERE id = $1`,
		caseID, r.Anger, peak, encodeStrings(merged), Priority(r.Anger, peak, merged, cust.Tier), string(newStatus), at, r.Category, venting)
	if err != nil {
		return fmt.Errorf("continue case %d: %w", caseID, err)
	}
	return nil
}

// ventingAfter says whether the customer, with this message, has sent a
// venting wave (coach.VentingWave: three or more messages since the last
// reply, most of them angry). The agent should acknowledge before solving.
func ventingAfter(ctx context.Context, tx *sql.Tx, caseID int64, latest analyze.Reading) (bool, error) {
	msgs, err := caseMessages(ctx, tx, caseID, readingDecoded)
	if err != nil {
		return false, err
	}
	return coach.VentingWave(append(unansweredReadings(msgs), latest)), nil
}

func signalKinds(r analyze.Reading) []string {
	kinds := []string{}
	for _, s := range r.Signals {
		if !slices.Contains(kinds, s.Kind) {
			kinds = append(kinds, s.Kind)
		}
	}
	return kinds
}

func firstLine(s string, limit int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	return textkit.Shorten(s, limit)
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }
