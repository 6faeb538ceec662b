package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/calendar"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/playbook"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// SavedReply is a reply an agent keeps to insert again (a macro): their
// own, or shared with the team. Its body may hold placeholders (see
// SavedReplyPlaceholders) filled from the case it is inserted into. The
// coach reviews it when it is saved; CoachProblems are its error-level
// findings, and a shared reply with any is Flagged (its owner is told).
type SavedReply struct {
	ID            int64     `json:"id"`
	OwnerID       int64     `json:"owner_id"`
	OwnerName     string    `json:"owner_name"`
	Title         string    `json:"title"`
	Body          string    `json:"body"`
	Shared        bool      `json:"shared"`
	CoachProblems []string  `json:"coach_problems"`
	Flagged       bool      `json:"flagged"`
	Editable      bool      `json:"editable"` // by the user who asked
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// SavedReplyInput is what a user writes to create or change a saved reply.
type SavedReplyInput struct {
	Title  string `json:"title"`
	Body   string `json:"body"`
	Shared bool   `json:"shared"`
}

// Limits of a saved reply.
const (
	MaxSavedReplyTitle = 100
	MaxSavedReplyBody  = 10_000
	maxDueDays         = 60
)

// SavedReplyPlaceholders are the placeholders a saved reply may use, with
// what each becomes. {{due_in_N_business_days}} takes N from 1 to 60.
var SavedReplyPlaceholders = []struct{ Name, Means string }{
	{"customer_name", "the customer's name (Dana Reyes)"},
	{"first_name", "the customer's first name (Dana)"},
	{"case_number", "the case's number (42)"},
	{"order_number", "the order number in the customer's latest message that names one"},
	{"agent_name", "your name"},
	{"today", "today's date in the customer's time zone"},
	{"due_in_N_business_days", "the date N business days from now on the desk's calendar, in the customer's time zone (due_in_3_business_days)"},
}

var placeholderRe = textkit.LazyRegexp(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)
var dueRe = textkit.LazyRegexp(`^due_in_([0-9]{1,2})_business_days?$`)

// unknownPlaceholder names the first placeholder the body uses that does
// not exist, or "".
func unknownPlaceholder(body string) string {
	for _, m := range placeholderRe().FindAllStringSubmatch(body, -1) {
		name := m[1]
		if n, ok := dueDays(name); ok {
			if n < 1 || n > maxDueDays {
				return name
			}
			continue
		}
		known := false
		for _, p := range SavedReplyPlaceholders {
			known = known || p.Name == name
		}
		if !known {
			return name
		}
	}
	return ""
}

func dueDays(name string) (int, bool) {
	m := dueRe().FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	return n, true
}

// placeholderValues is what the placeholders of a saved reply become.
type placeholderValues struct {
	CustomerName, CaseNumber, OrderNumber, AgentName string
	Now                                              time.Time
	Calendar                                         calendar.Calendar // in the customer's time zone
	Location                                         *time.Location
}

// fill replaces the placeholders of body. A value the case does not have
// (no order number yet) becomes a bracketed gap the agent sees, and is
// named in missing.
func (v placeholderValues) fill(body string) (text string, missing []string) {
	text = placeholderRe().ReplaceAllStringFunc(body, func(m string) string {
		name := placeholderRe().FindStringSubmatch(m)[1]
		val := ""
		switch name {
		case "customer_name":
			val = v.CustomerName
		case "first_name":
			val, _, _ = strings.Cut(strings.TrimSpace(v.CustomerName), " ")
		case "case_number":
			val = v.CaseNumber
		case "order_number":
			val = v.OrderNumber
		case "agent_name":
			val = v.AgentName
		case "today":
			val = v.Now.In(v.Location).Format("Monday 2 January")
		default:
			if n, ok := dueDays(name); ok && n >= 1 && n <= maxDueDays {
				val = v.Calendar.AddBusinessDays(v.Now, n).In(v.Location).Format("Monday 2 January")
			}
		}
		if val == "" {
			missing = append(missing, name)
			return "[" + strings.ReplaceAll(name, "_", " ") + "]"
		}
		return val
	})
	return text, missing
}

func checkSavedReply(in SavedReplyInput) error {
	v := validator{}
	title, body := strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	v.check(title != "", "title", "is required")
	v.check(utf8.ValidString(in.Title) && utf8.RuneCountInString(title) <= MaxSavedReplyTitle, "title", fmt.Sprintf("must be at most %d characters", MaxSavedReplyTitle))
	v.check(body != "", "body", "is required")
	v.check(utf8.ValidString(in.Body) && len(in.Body) <= MaxSavedReplyBody, "body", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxSavedReplyBody))
	if name := unknownPlaceholder(in.Body); name != "" {
		v.check(false, "body", fmt.Sprintf("has an unknown placeholder {{%s}}; the placeholders are %s", name, placeholderList()))
	}
	return v.err()
}

func placeholderList() string {
	var names []string
	for _, p := range SavedReplyPlaceholders {
		names = append(names, "{{"+p.Name+"}}")
	}
	return strings.Join(names, ", ")
}

// reviewSavedReply runs the coach over a saved reply as a customer would
// read it (placeholders filled with sample values) and returns its
// error-level findings in plain words.
func (d *Desk) reviewSavedReply(ctx context.Context, owner User, body string, now time.Time) ([]string, error) {
	_, cal, err := d.policyAndCalendar(ctx)
	if err != nil {
		return nil, err
	}
	sample, _ := placeholderValues{CustomerName: "Alex Morgan", CaseNumber: "1024", OrderNumber: "1001", AgentName: owner.Name,
		Now: now, Calendar: cal, Location: time.UTC}.fill(body)
	rv, err := d.review(sample, coach.Context{SentAt: now, Calendar: cal, AgentName: owner.Name, CustomerName: "Alex Morgan"})
	if err != nil {
		return nil, err
	}
	problems := []string{}
	for _, f := range rv.Findings {
		if f.Severity != playbook.Error {
			continue
		}
		p := f.Message
		if f.Text != "" {
			p = fmt.Sprintf("“%s”: %s", f.Text, f.Message)
		}
		problems = append(problems, p)
	}
	return problems, nil
}

const savedReplyColumns = `s.id, s.owner_id, u.name, s.title, s.body, s.shared, s.coach_problems, s.created_at, s.updated_at`

func scanSavedReply(r rowScanner, viewer User) (SavedReply, error) {
	var s SavedReply
	var problems string
	if err := r.Scan(&s.ID, &s.OwnerID, &s.OwnerName, &s.Title, &s.Body, &s.Shared, &problems, &s.CreatedAt, &s.UpdatedAt); err != nil {
		return SavedReply{}, err
	}
	s.CoachProblems = decodeStrings(problems)
	s.Flagged = s.Shared && len(s.CoachProblems) > 0
	s.Editable = canEditSavedReply(viewer, s)
	return s, nil
}

// canEditSavedReply: the owner edits their saved replies; an admin also
// edits the shared ones.
func canEditSavedReply(u User, s SavedReply) bool {
	return u.ID == s.OwnerID || (s.Shared && u.Can(PermSettingsManage))
}

// SavedReplies lists the saved replies u may insert: their own and the
// shared ones, by title.
func (d *Desk) SavedReplies(ctx context.Context, u User) ([]SavedReply, error) {
	if err := require(u, PermCasesReply); err != nil {
		return nil, err
	}
	rows, err := d.db.Read().QueryContext(ctx, `SELECT `+savedReplyColumns+` FROM saved_replies s JOIN users u ON u.id = s.owner_id
		WHERE s.owner_id = $1 OR s.shared ORDER BY lower(s.title), s.id`, u.ID)
	if err != nil {
		return nil, fmt.Errorf("desk: saved replies: %w", err)
	}
	defer rows.Close()
	out := []SavedReply{}
	for rows.Next() {
		s, err := scanSavedReply(rows, u)
		if err != nil {
			return nil, fmt.Errorf("desk: saved replies: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// savedReply reads one saved reply u may see.
func savedReply(ctx context.Context, db querier, u User, id int64) (SavedReply, error) {
	s, err := scanSavedReply(db.QueryRowContext(ctx, `SELECT `+savedReplyColumns+` FROM saved_replies s JOIN users u ON u.id = s.owner_id WHERE s.id = $1`, id), u)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !s.Shared && s.OwnerID != u.ID) {
		return SavedReply{}, notFound("saved reply")
	}
	return s, err
}

// CreateSavedReply stores a saved reply of u's, reviewed by the coach.
func (d *Desk) CreateSavedReply(ctx context.Context, u User, in SavedReplyInput) (SavedReply, error) {
	return d.saveSavedReply(ctx, u, 0, in)
}

// UpdateSavedReply changes a saved reply: its owner may, and an admin may
// change a shared one. It is reviewed again.
func (d *Desk) UpdateSavedReply(ctx context.Context, u User, id int64, in SavedReplyInput) (SavedReply, error) {
	return d.saveSavedReply(ctx, u, id, in)
}

func (d *Desk) saveSavedReply(ctx context.Context, u User, id int64, in SavedReplyInput) (SavedReply, error) {
	if err := require(u, PermCasesReply); err != nil {
		return SavedReply{}, err
	}
	if err := checkSavedReply(in); err != nil {
		return SavedReply{}, err
	}
	title, body := strings.TrimSpace(in.Title), strings.TrimSpace(in.Body)
	now := d.clock()
	var out SavedReply
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		owner := u
		if id != 0 {
			old, err := savedReply(ctx, tx, u, id)
			if err != nil {
				return err
			}
			if !old.Editable {
				return &ForbiddenError{Permission: PermSettingsManage} // someone else's: only admins change shared ones
			}
			if owner.ID != old.OwnerID {
				if owner, err = d.User(ctx, old.OwnerID); err != nil {
					return err
				}
			}
		}
		problems, err := d.reviewSavedReply(ctx, owner, body, now)
		if err != nil {
			return err
		}
		if id == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO saved_replies (owner_id, title, body, shared, coach_problems, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, u.ID, title, body, in.Shared, encodeStrings(problems), now).Scan(&id)
		} else {
			_, err = tx.ExecContext(ctx, `UPDATE saved_replies SET title = $2, body = $3, shared = $4, coach_problems = $5, updated_at = $6 WHERE id = $1`,
				id, title, body, in.Shared, encodeStrings(problems), now)
		}
		if store.IsUniqueViolation(err) {
			return &ValidationError{Fields: map[string]string{"title": "you already have a saved reply with this title"}}
		}
		if err != nil {
			return err
		}
		if in.Shared && len(problems) > 0 {
			msg := fmt.Sprintf("Your shared saved reply “%s” fails the coach: %s. The team sees it flagged until you fix it.", textkit.Clip(title, 80), strings.Join(problems, "; "))
			if err := notify(ctx, tx, now, notification{UserID: owner.ID, Kind: "saved_reply_flagged", Message: msg}); err != nil {
				return err
			}
		}
		out, err = savedReply(ctx, tx, u, id)
		return err
	})
	if err != nil {
		return SavedReply{}, wrapOp(err, "save saved reply")
	}
	return out, nil
}

// DeleteSavedReply removes a saved reply; the same people as may change it.
func (d *Desk) DeleteSavedReply(ctx context.Context, u User, id int64) error {
	if err := require(u, PermCasesReply); err != nil {
		return err
	}
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := savedReply(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if !old.Editable {
			return &ForbiddenError{Permission: PermSettingsManage}
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM saved_replies WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return wrapOp(err, "delete saved reply %d", id)
	}
	return nil
}

// FilledReply is a saved reply filled for a case: the text to insert and
// the placeholders the case had no value for (shown as [order number]).
type FilledReply struct {
	Text    string   `json:"text"`
	Missing []string `json:"missing"`
}

// FillSavedReply fills a saved reply's placeholders from a case: the
// customer's name, the case number, the order number the customer last
// named, the agent's name, and dates on the desk's calendar in the
// customer's time zone.
func (d *Desk) FillSavedReply(ctx context.Context, u User, id, caseID int64) (FilledReply, error) {
	if err := require(u, PermCasesReply); err != nil {
		return FilledReply{}, err
	}
	s, err := savedReply(ctx, d.db.Read(), u, id)
	if err != nil {
		return FilledReply{}, err
	}
	c, err := d.Case(ctx, caseID)
	if err != nil {
		return FilledReply{}, err
	}
	_, cal, err := d.policyAndCalendar(ctx)
	if err != nil {
		return FilledReply{}, err
	}
	loc := time.UTC
	if l, err := time.LoadLocation(c.Customer.TimeZone); c.Customer.TimeZone != "" && err == nil {
		loc = l
	}
	v := placeholderValues{CustomerName: c.Customer.Name, CaseNumber: strconv.FormatInt(c.ID, 10), AgentName: u.Name,
		Now: d.clock(), Calendar: cal, Location: loc, OrderNumber: lastOrderNumber(c.Messages)}
	text, missing := v.fill(s.Body)
	return FilledReply{Text: text, Missing: append([]string{}, missing...)}, nil
}

// lastOrderNumber is the order number in the customer's latest message that names one.
func lastOrderNumber(msgs []Message) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		m := msgs[i]
		if m.Direction != Inbound || m.Reading == nil {
			continue
		}
		for _, c := range m.Reading.Concerns {
			for _, e := range c.Entities {
				if e.Kind == analyze.EntityOrder && e.Value != "" {
					return e.Value
				}
			}
		}
	}
	return ""
}
