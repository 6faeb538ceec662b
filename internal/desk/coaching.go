package desk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
)

// ReviewInput asks the coach about a draft reply, in the context of a case
// or of a customer message given as text.
type ReviewInput struct {
	Reply        string
	CaseID       int64     // review against this case's open concerns
	CustomerText string    // or against this customer message
	CustomerName string    // with CustomerText: the customer's name
	SentAt       time.Time // zero: now
}

// ReviewReply reviews a draft without storing anything.
func (d *Desk) ReviewReply(ctx context.Context, author User, in ReviewInput) (coach.Review, error) {
	v := validator{}
	v.check(strings.TrimSpace(in.Reply) != "", "reply", "is required")
	v.check(utf8.ValidString(in.Reply), "reply", "must be valid UTF-8")
	v.check(len(in.Reply) <= MaxReplyBytes, "reply", "is too long")
	v.check(in.CaseID != 0 || strings.TrimSpace(in.CustomerText) != "", "case_id", "give case_id or customer_text")
	if !in.SentAt.IsZero() {
		// A reply may be reviewed as if sent later (a scheduled send), but
		// due dates computed from it must stay readable and encodable.
		v.check(!in.SentAt.Before(EarliestTime) && !in.SentAt.After(d.clock().AddDate(1, 0, 0)), "sent_at",
			fmt.Sprintf("must lie between %s and a year from now", EarliestTime.Format(time.DateOnly)))
	}
	if err := v.err(); err != nil {
		return coach.Review{}, err
	}
	cctx, err := d.coachContext(ctx, author, in.CaseID, in.CustomerText, in.CustomerName, in.SentAt)
	if err != nil {
		return coach.Review{}, err
	}
	return d.review(in.Reply, cctx)
}

// DraftReply writes a reply that follows the method, for a case or a customer message.
func (d *Desk) DraftReply(ctx context.Context, author User, caseID int64, customerText, customerName string) (string, error) {
	if caseID == 0 && strings.TrimSpace(customerText) == "" {
		return "", &ValidationError{Fields: map[string]string{"case_id": "give case_id or customer_text"}}
	}
	cctx, err := d.coachContext(ctx, author, caseID, customerText, customerName, time.Time{})
	if err != nil {
		return "", err
	}
	draft, err := d.coach.Draft(cctx)
	if err != nil {
		return "", wrapOp(err, "draft reply")
	}
	return draft, nil
}

func (d *Desk) review(reply string, cctx coach.Context) (coach.Review, error) {
	r, err := d.coach.Review(reply, cctx)
	if errors.Is(err, coach.ErrEmptyReply) || errors.Is(err, coach.ErrReplyTooLong) {
		return coach.Review{}, &ValidationError{Fields: map[string]string{"reply": err.Error()}}
	}
	return r, err
}

// coachContext gathers what the coach needs: the customer's messages since
// the last reply, their name and time zone, the case category.
func (d *Desk) coachContext(ctx context.Context, author User, caseID int64, customerText, customerName string, sentAt time.Time) (coach.Context, error) {
	if sentAt.IsZero() {
		sentAt = d.clock()
	}
	_, cal, err := d.policyAndCalendar(ctx)
	if err != nil {
		return coach.Context{}, err
	}
	cctx := coach.Context{SentAt: sentAt, Calendar: cal, AgentName: author.Name, CustomerName: customerName}
	if caseID == 0 {
		if !utf8.ValidString(customerText) || len(customerText) > MaxTextBytes {
			return coach.Context{}, &ValidationError{Fields: map[string]string{"customer_text": "must be valid UTF-8 of at most 100000 bytes"}}
		}
		r, err := d.analyzer.Read(customerText)
		if err != nil {
			return coach.Context{}, &ValidationError{Fields: map[string]string{"customer_text": err.Error()}}
		}
		cctx.Readings = []analyze.Reading{r}
		return cctx, nil
	}
	// Checked before the case is looked up, so the answer is the same
	// whether or not the case exists: no case ids to enumerate.
	if err := require(author, PermCasesRead); err != nil {
		return coach.Context{}, err
	}
	c, err := d.caseByID(ctx, caseID)
	if err != nil {
		return coach.Context{}, err
	}
	msgs, err := caseMessages(ctx, d.db.Read(), caseID, readingDecoded)
	if err != nil {
		return coach.Context{}, wrapOp(err, "coach context for case %d", caseID)
	}
	cctx.CustomerName = c.Customer.Name
	cctx.Category = c.Category
	if loc, err := time.LoadLocation(c.Customer.TimeZone); c.Customer.TimeZone != "" && err == nil {
		cctx.Calendar = cctx.Calendar.In(loc)
	}
	cctx.Readings = unansweredReadings(msgs)
	cctx.VentingWave = coach.VentingWave(cctx.Readings)
	cctx.Entities = caseEntities(msgs)
	return cctx, nil
}

// caseEntities are the facts the customer's messages on the case name
// (order numbers and the like), newest message first: the coach's rewrites
// use them even when the message naming them was answered already.
func caseEntities(msgs []Message) []analyze.Entity {
	var out []analyze.Entity
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Direction != Inbound || m.Reading == nil {
			continue
		}
		for _, cn := range m.Reading.Concerns {
			out = append(out, cn.Entities...)
		}
	}
	return out
}

// unansweredReadings are the readings of the customer's messages since the
// last reply: the ones the next reply answers.
func unansweredReadings(msgs []Message) []analyze.Reading {
	var out []analyze.Reading
	for _, m := range msgs {
		switch {
		case m.Direction == Outbound && !m.Automatic(): // a check-in answers nothing
			out = nil
		case m.Direction == Inbound && m.Reading != nil:
			out = append(out, *m.Reading)
		}
	}
	return out
}
