package desk

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/store"
)

// CaseQuery filters and pages the case list. The order is hottest first
// (priority, then newest); pages are cut by a keyset cursor, so a page costs
// the same however many cases exist — nothing counts every row.
type CaseQuery struct {
	Status     Status // empty: every status except closed
	AssigneeID int64  // 0: anyone
	Unassigned bool
	// AssigneeInactive: only cases whose assignee was deactivated, which
	// need a new owner.
	AssigneeInactive bool
	Category         string
	Search           string // words in the subject or the customer's name or email, or a case number ("#42")
	Breaching        bool   // only cases past an SLA target (first response or resolution)
	Limit            int    // default 25, at most 100
	Cursor           string // from the previous page's NextCursor
}

// CasePage is one page of cases.
type CasePage struct {
	Cases      []Case `json:"cases"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Cases returns cases hottest first.
func (d *Desk) Cases(ctx context.Context, q CaseQuery) (CasePage, error) {
	v := validator{}
	v.check(q.Status == "" || q.Status.Valid(), "status", "must be one of new, open, pending, on_hold, escalated, resolved, closed")
	v.check(q.Limit >= 0 && q.Limit <= 100, "limit", "must be between 1 and 100")
	afterPrio, afterID, cursorErr := decodeCursor(q.Cursor)
	v.check(cursorErr == nil, "cursor", "is not a cursor this server issued")
	v.check(utf8.ValidString(q.Search) && len(q.Search) <= 200, "q", "must be valid UTF-8 of at most 200 bytes")
	if err := v.err(); err != nil {
		return CasePage{}, err
	}
	if q.Limit == 0 {
		q.Limit = 25
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Status != "" {
		where = append(where, "c.status = "+arg(string(q.Status)))
	} else {
		where = append(where, "c.status <> 'closed'")
	}
	if q.AssigneeID != 0 {
		where = append(where, "c.assignee_id = "+arg(q.AssigneeID))
	}
	if q.Unassigned {
		where = append(where, "c.assignee_id IS NULL")
	}
	if q.AssigneeInactive {
		where = append(where, "c.assignee_id IN (SELECT id FROM users WHERE disabled_at IS NOT NULL)")
	}
	if q.Category != "" {
		where = append(where, "c.category = "+arg(q.Category))
	}
	from := caseFrom
	if term := strings.TrimSpace(q.Search); term != "" {
		cond, byID, err := d.searchFilter(ctx, term, arg)
		if err != nil {
			return CasePage{}, err
		}
		where = append(where, cond)
		if byID && d.db.Engine == store.SQLite {
			from = caseFromByID
		}
	}
	if q.Breaching {
		// sla_due_at is the earliest SLA deadline still pending (migration
		// 00023), indexed hottest first over the cases that have one.
		where = append(where, "c.sla_due_at < "+arg(d.clock()))
	}
	if q.Cursor != "" {
		p, id := arg(afterPrio), arg(afterID)
		where = append(where, fmt.Sprintf("(c.priority < %s OR (c.priority = %s AND c.id < %s))", p, p, id))
	}
	query := `SELECT ` + caseColumns + from + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY c.priority DESC, c.id DESC LIMIT ` + arg(q.Limit+1)
	rows, err := d.db.Read().QueryContext(ctx, query, args...)
	if err != nil {
		return CasePage{}, fmt.Errorf("desk: list cases: %w", err)
	}
	defer rows.Close()
	page := CasePage{Cases: []Case{}}
	// afterPrio and afterID now follow the last row read, skipped ones
	// included: they count for paging.
	read := 0
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil && !d.skipUnreadable(ctx, err) {
			return CasePage{}, fmt.Errorf("desk: list cases: %w", err)
		}
		if read++; read > q.Limit {
			page.NextCursor = encodeCursor(afterPrio, afterID)
			break
		}
		afterPrio, afterID = c.Priority, c.ID
		if err == nil {
			page.Cases = append(page.Cases, c)
		}
	}
	if err := rows.Err(); err != nil {
		return CasePage{}, fmt.Errorf("desk: list cases: %w", err)
	}
	return page, nil
}

// skipUnreadable logs an unreadable row (see unreadableError) and reports
// whether err was one, so a loop over many rows can go on without it.
func (d *Desk) skipUnreadable(ctx context.Context, err error) bool {
	var bad *unreadableError
	if !errors.As(err, &bad) {
		return false
	}
	d.log.ErrorContext(ctx, "desk: skipped a row that cannot be read; repair it in the database", "row", bad.Row, "column", bad.Column, "value", bad.Value)
	return true
}

// likeEscaper keeps a search term's % and _ literal in a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// Matches reports whether case c belongs in the list the query selects at
// now (cursor and limit aside), so a live view can add, move or drop a row.
func (q CaseQuery) Matches(c Case, now time.Time) bool {
	switch {
	case q.Status == "" && c.Status == StatusClosed:
		return false
	case q.Status != "" && c.Status != q.Status:
		return false
	case q.AssigneeID != 0 && (c.AssigneeID == nil || *c.AssigneeID != q.AssigneeID):
		return false
	case q.Unassigned && c.AssigneeID != nil:
		return false
	case q.AssigneeInactive && c.AssigneeID == nil: // the caller knows who is inactive
		return false
	case q.Category != "" && c.Category != q.Category:
		return false
	case q.Breaching && !c.Breaching(now):
		return false
	}
	term := strings.ToLower(strings.TrimSpace(q.Search))
	if term == "" {
		return true
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(term, "#"), 10, 64); err == nil {
		return c.ID == id
	}
	for _, s := range []string{c.Subject, c.Customer.Email, c.Customer.Name} {
		if strings.Contains(strings.ToLower(s), term) {
			return true
		}
	}
	return false
}

// Breaching reports whether the case is past an SLA target at now.
func (c Case) Breaching(now time.Time) bool {
	if c.Status == StatusResolved || c.Status == StatusClosed {
		return false
	}
	return (c.FirstRespondedAt == nil && c.FirstResponseDueAt != nil && c.FirstResponseDueAt.Before(now)) ||
		(c.ResolutionDueAt != nil && c.ResolutionDueAt.Before(now))
}

func encodeCursor(priority int, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf("%d:%d", priority, id)))
}

func decodeCursor(s string) (int, int64, error) {
	if s == "" {
		return 0, 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, 0, err
	}
	p, id, ok := strings.Cut(string(b), ":")
	if !ok {
		return 0, 0, errors.New("malformed cursor")
	}
	prio, err1 := strconv.Atoi(p)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, 0, err
	}
	return prio, n, nil
}

// CaseDetail is a case with everything an agent needs to answer it.
type CaseDetail struct {
	Case
	Messages    []Message    `json:"messages"`
	Concerns    []Concern    `json:"concerns"`
	Escalations []Escalation `json:"escalations"`
	Promises    []Promise    `json:"commitments"`
	Surveys     []Survey     `json:"surveys"`
	Goodwill    []Goodwill   `json:"goodwill"`
}

// Case returns a case with its messages (and their readings), the
// customer's concerns, escalations and promises.
func (d *Desk) Case(ctx context.Context, id int64) (CaseDetail, error) {
	return d.caseDetail(ctx, id, readingDecoded, AllCaseParts)
}

// CaseEncoded is Case for a caller that only encodes the case as JSON:
// each message's reading stays as stored (Message.Reading is nil) and is
// encoded as it was read, the same answer for a fraction of the work.
func (d *Desk) CaseEncoded(ctx context.Context, id int64) (CaseDetail, error) {
	return d.caseDetail(ctx, id, readingEncoded, AllCaseParts)
}

// caseDetail reads the case and the parts asked for, the readings in the
// form asked for; a part left out is not read, and stays nil.
func (d *Desk) caseDetail(ctx context.Context, id int64, form readingForm, parts CaseParts) (CaseDetail, error) {
	db := &d.prepared
	c, err := scanCase(db.QueryRowContext(ctx, `SELECT `+caseColumns+caseFrom+` WHERE c.id = $1`, id))
	if d.skipUnreadable(ctx, err) {
		err = nil // show what can be read: the agent can still answer the customer
	}
	if errors.Is(err, sql.ErrNoRows) {
		return CaseDetail{}, notFound("case")
	}
	if err != nil {
		return CaseDetail{}, fmt.Errorf("desk: get case %d: %w", id, err)
	}
	detail := CaseDetail{Case: c}
	wrap := func(err error) error { return fmt.Errorf("desk: get case %d: %w", id, err) }
	if parts&(PartMessages|PartConcerns) != 0 {
		if parts&(PartReadings|PartConcerns) == 0 {
			form = readingOmitted
		}
		msgs, err := caseMessages(ctx, db, id, form)
		if err != nil {
			return CaseDetail{}, wrap(err)
		}
		if parts&PartConcerns != 0 {
			detail.Concerns = concernsOf(msgs)
		}
		if parts&PartMessages != 0 {
			if parts&PartReadings == 0 {
				for i := range msgs {
					msgs[i].Reading, msgs[i].encodedReading = nil, nil
				}
			}
			detail.Messages = msgs
		}
	}
	if parts&PartEscalations != 0 {
		if detail.Escalations, err = caseEscalations(ctx, db, id); err != nil {
			return CaseDetail{}, wrap(err)
		}
	}
	if parts&PartCommitments != 0 {
		if detail.Promises, err = listPromises(ctx, db, PromiseQuery{CaseID: id}); err != nil {
			return CaseDetail{}, wrap(err)
		}
	}
	if parts&PartSurveys != 0 {
		if detail.Surveys, err = caseSurveys(ctx, db, id); err != nil {
			return CaseDetail{}, wrap(err)
		}
	}
	if parts&PartGoodwill != 0 {
		if detail.Goodwill, err = listGoodwill(ctx, db, GoodwillQuery{CaseID: id}); err != nil {
			return CaseDetail{}, wrap(err)
		}
	}
	return detail, nil
}
