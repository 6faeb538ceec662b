package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Agents and supervisors say, in one click, where a reading or a coach
// finding is wrong. Each correction is stored with who said it and what
// was shown, and audited; the desk learns its own adjustment of readings
// from them (corrections_learn.go) and applies it at ingest
// (corrections_adjust.go).

// CorrectionKind is what a person says is wrong.
type CorrectionKind string

// The corrections a person can make: the first four on a customer
// message's reading, the last two on a sent reply's coach review.
const (
	CorrectNotAngry     CorrectionKind = "not_angry"     // the reading says annoyed or worse; it is not
	CorrectAngrier      CorrectionKind = "angrier"       // the customer is angrier than the reading shows
	CorrectMissedSignal CorrectionKind = "missed_signal" // a signal (Signal) is there and was not found
	CorrectWrongSignal  CorrectionKind = "wrong_signal"  // a signal (Signal) was found and is not there
	CorrectNotFinding   CorrectionKind = "not_finding"   // the coach's finding of Rule is wrong ("not deflection")
	CorrectNotPromise   CorrectionKind = "not_promise"   // a tracked promise is not one
)

// CorrectionKinds lists every kind, readings' first.
var CorrectionKinds = []CorrectionKind{CorrectNotAngry, CorrectAngrier, CorrectMissedSignal, CorrectWrongSignal, CorrectNotFinding, CorrectNotPromise}

// readingKind reports whether k corrects a customer message's reading.
func (k CorrectionKind) readingKind() bool {
	return k == CorrectNotAngry || k == CorrectAngrier || k == CorrectMissedSignal || k == CorrectWrongSignal
}

// SignalKinds are the ten signals the analysis engine finds, in the order
// a person is offered them.
var SignalKinds = []string{
	analyze.SignalSafetyIssue, analyze.SignalLegalThreat, analyze.SignalRegulatorComplaint, analyze.SignalChargeback,
	analyze.SignalManagerRequest, analyze.SignalPublicExposure, analyze.SignalChurnThreat,
	analyze.SignalVulnerableCustomer, analyze.SignalRepeatContact, analyze.SignalLongWait,
}

// MaxCorrectionNote caps the note a person may add to a correction.
const MaxCorrectionNote = 500

// CorrectionInput is what a person says about one message.
type CorrectionInput struct {
	Kind   CorrectionKind
	Signal string // missed_signal, wrong_signal: one of SignalKinds
	Rule   string // not_finding: the finding's rule id, e.g. "deflection"
	// PromiseID names the promise of a not_promise; it may be left out
	// when the reply made only one.
	PromiseID int64
	Note      string
}

// Correction is one stored correction.
type Correction struct {
	ID        int64          `json:"id"`
	At        time.Time      `json:"at"`
	UserID    int64          `json:"user_id"`
	MessageID int64          `json:"message_id"`
	CaseID    int64          `json:"case_id"`
	Kind      CorrectionKind `json:"kind"`
	Signal    string         `json:"signal,omitempty"`
	Rule      string         `json:"rule,omitempty"`
	PromiseID int64          `json:"commitment_id,omitempty"`
	Note      string         `json:"note,omitempty"`
	// Shown is what the reading or review showed when the person
	// corrected it: anger and level, the signal's or finding's words, the
	// promise.
	Shown json.RawMessage `json:"shown"`
}

// target is the correction's object as the corrections table keeps it.
func (c Correction) target() string {
	switch c.Kind {
	case CorrectMissedSignal, CorrectWrongSignal:
		return c.Signal
	case CorrectNotFinding:
		return c.Rule
	case CorrectNotPromise:
		return strconv.FormatInt(c.PromiseID, 10)
	}
	return ""
}

// slot is what one person can say once about one message: the two anger
// corrections share a slot, so a person cannot say both.
func (c Correction) slot() string {
	switch c.Kind {
	case CorrectNotAngry, CorrectAngrier:
		return "anger"
	case CorrectMissedSignal, CorrectWrongSignal:
		return "signal:" + c.Signal
	case CorrectNotFinding:
		return "finding:" + c.Rule
	}
	return "promise:" + c.target()
}

func (c *Correction) setTarget(t string) {
	switch c.Kind {
	case CorrectMissedSignal, CorrectWrongSignal:
		c.Signal = t
	case CorrectNotFinding:
		c.Rule = t
	case CorrectNotPromise:
		c.PromiseID, _ = strconv.ParseInt(t, 10, 64)
	}
}

// Correct records that a person says a message's reading (a customer
// message) or coach review (a sent reply) is wrong, with an audit event.
// It is idempotent: saying the same thing about the same message again
// returns the stored correction with created false. Saying the opposite
// of what one said (not angry after angrier) is a ConflictError. A
// not_promise also cancels the promise, so nobody is reminded of it.
func (d *Desk) Correct(ctx context.Context, u User, messageID int64, in CorrectionInput) (Correction, bool, error) {
	// The permission first: the answer must not reveal whether the message exists.
	if err := require(u, PermCorrectionsWrite); err != nil {
		return Correction{}, false, err
	}
	in.Note = strings.TrimSpace(in.Note)
	in.Signal = strings.TrimSpace(in.Signal)
	in.Rule = strings.TrimSpace(in.Rule)
	v := validator{}
	v.check(slices.Contains(CorrectionKinds, in.Kind), "kind", "must be one of "+joinKinds(CorrectionKinds))
	signalled := in.Kind == CorrectMissedSignal || in.Kind == CorrectWrongSignal
	v.check(!signalled || slices.Contains(SignalKinds, in.Signal), "signal", "must be one of "+strings.Join(SignalKinds, ", "))
	v.check(signalled || in.Signal == "", "signal", "goes only with missed_signal or wrong_signal")
	v.check(in.Kind != CorrectNotFinding || in.Rule != "", "rule", "is required with not_finding")
	v.check(in.Kind == CorrectNotFinding || in.Rule == "", "rule", "goes only with not_finding")
	v.check(utf8.ValidString(in.Rule) && len(in.Rule) <= 100, "rule", "must be a rule id")
	v.check(in.Kind == CorrectNotPromise || in.PromiseID == 0, "commitment_id", "goes only with not_promise")
	v.check(in.PromiseID >= 0, "commitment_id", "must be a promise id")
	v.check(utf8.ValidString(in.Note) && len(in.Note) <= MaxCorrectionNote, "note", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxCorrectionNote))
	if err := v.err(); err != nil {
		return Correction{}, false, err
	}
	now := d.clock()
	c := Correction{At: now, UserID: u.ID, MessageID: messageID, Kind: in.Kind, Signal: in.Signal, Rule: in.Rule,
		PromiseID: in.PromiseID, Note: in.Note}
	created := false
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		shown, promise, err := correctable(ctx, tx, &c)
		if err != nil {
			return err
		}
		c.Shown = shown
		var id int64
		err = tx.QueryRowContext(ctx,
			`INSERT INTO corrections (created_at, user_id, message_id, case_id, kind, target, slot, note, shown)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
			 ON CONFLICT (user_id, message_id, slot) DO NOTHING RETURNING id`,
			now, u.ID, messageID, c.CaseID, string(c.Kind), c.target(), c.slot(), c.Note, string(shown)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			said, err := correctionInSlot(ctx, tx, u.ID, messageID, c.slot())
			if err != nil {
				return err
			}
			if said.Kind != c.Kind {
				return conflictf("you already said %s about this message", kindWords(said.Kind))
			}
			c = said
			return nil
		}
		if err != nil {
			return err
		}
		c.ID, created = id, true
		detail := map[string]any{"correction_id": id, "message_id": messageID, "kind": c.Kind, "shown": shown}
		if t := c.target(); t != "" {
			detail["target"] = t
		}
		if c.Note != "" {
			detail["note"] = c.Note
		}
		if err := audit(ctx, tx, now, UserActor(u), c.CaseID, "message.corrected", detail); err != nil {
			return err
		}
		if promise != "" && promise != "kept" && promise != "cancelled" {
			note := "not a promise, said " + u.Name
			if _, err := tx.ExecContext(ctx, `UPDATE commitments SET status = 'cancelled', note = $2, closed_at = $3 WHERE id = $1`,
				c.PromiseID, textkit.Clip(note, 1000), now); err != nil {
				return err
			}
			return audit(ctx, tx, now, UserActor(u), c.CaseID, "promise.cancelled",
				map[string]any{"commitment_id": c.PromiseID, "was": promise, "note": note, "correction_id": id})
		}
		return nil
	})
	if err != nil {
		return Correction{}, false, wrapOp(err, "correct message %d", messageID)
	}
	c.At = c.At.UTC()
	return c, created, nil
}

// correctable checks that the correction fits the message as it was read
// or reviewed, fills in its case (and a lone promise), and returns what
// was shown and, for a not_promise, the promise's status.
func correctable(ctx context.Context, tx *sql.Tx, c *Correction) (json.RawMessage, string, error) {
	var dir Direction
	var reading, review sql.NullString
	err := tx.QueryRowContext(ctx, `SELECT case_id, direction, reading, review FROM messages WHERE id = $1`, c.MessageID).
		Scan(&c.CaseID, &dir, &reading, &review)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", notFound("message")
	}
	if err != nil {
		return nil, "", err
	}
	invalid := func(field, msg string) error { return &ValidationError{Fields: map[string]string{field: msg}} }
	if c.Kind.readingKind() {
		var r analyze.Reading
		if dir != Inbound || !reading.Valid || json.Unmarshal([]byte(reading.String), &r) != nil {
			return nil, "", invalid("kind", "a reading is corrected on a customer message")
		}
		if !r.Supported {
			return nil, "", invalid("kind", "this message's language was not read")
		}
		shown := map[string]any{"anger": r.Anger, "level": r.Level}
		switch c.Kind {
		case CorrectNotAngry:
			if r.Level == analyze.Calm {
				return nil, "", invalid("kind", "the message already reads calm")
			}
		case CorrectAngrier:
			if r.Level == analyze.Furious {
				return nil, "", invalid("kind", "the message already reads furious")
			}
		case CorrectMissedSignal, CorrectWrongSignal:
			var words string
			found := false
			for _, s := range r.Signals {
				if s.Kind == c.Signal {
					found, words = true, s.Text
					break
				}
			}
			if c.Kind == CorrectMissedSignal && found {
				return nil, "", invalid("signal", "the reading already found it")
			}
			if c.Kind == CorrectWrongSignal && !found {
				return nil, "", invalid("signal", "the reading did not find it")
			}
			shown["signal"] = c.Signal
			if words != "" {
				shown["text"] = textkit.Clip(words, 300)
			}
		}
		b, _ := json.Marshal(shown)
		return b, "", nil
	}
	var rv coach.Review
	if dir != Outbound || !review.Valid || json.Unmarshal([]byte(review.String), &rv) != nil {
		return nil, "", invalid("kind", "a coach review is corrected on a sent reply")
	}
	if c.Kind == CorrectNotFinding {
		for _, f := range rv.Findings {
			if f.Rule == c.Rule {
				b, _ := json.Marshal(map[string]any{"rule": f.Rule, "severity": f.Severity, "text": textkit.Clip(f.Text, 300)})
				return b, "", nil
			}
		}
		return nil, "", invalid("rule", "the coach found no "+strings.ReplaceAll(c.Rule, "_", " ")+" in this reply")
	}
	promises, err := listPromises(ctx, tx, PromiseQuery{CaseID: c.CaseID, Limit: 1000})
	if err != nil {
		return nil, "", err
	}
	promises = slices.DeleteFunc(promises, func(p Promise) bool { return p.MessageID != c.MessageID })
	switch {
	case len(promises) == 0:
		return nil, "", invalid("kind", "this reply made no tracked promise")
	case c.PromiseID == 0 && len(promises) > 1:
		return nil, "", invalid("commitment_id", "this reply made several promises: say which")
	case c.PromiseID == 0:
		c.PromiseID = promises[0].ID
	}
	i := slices.IndexFunc(promises, func(p Promise) bool { return p.ID == c.PromiseID })
	if i < 0 {
		return nil, "", invalid("commitment_id", "is not a promise of this reply")
	}
	p := promises[i]
	b, _ := json.Marshal(map[string]any{"action": p.Action, "quote": textkit.Clip(p.Quote, 300), "status": p.Status})
	return b, p.Status, nil
}

// correctionInSlot returns what a person already said in a slot.
func correctionInSlot(ctx context.Context, db querier, userID, messageID int64, slot string) (Correction, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+correctionColumns+` FROM corrections WHERE user_id = $1 AND message_id = $2 AND slot = $3`,
		userID, messageID, slot)
	if err != nil {
		return Correction{}, err
	}
	list, err := scanCorrections(rows)
	if err != nil {
		return Correction{}, err
	}
	if len(list) == 0 {
		return Correction{}, notFound("correction")
	}
	return list[0], nil
}

const correctionColumns = `id, created_at, user_id, message_id, case_id, kind, target, note, shown`

func scanCorrections(rows *sql.Rows) ([]Correction, error) {
	defer rows.Close()
	out := []Correction{}
	for rows.Next() {
		var c Correction
		var target, shown string
		if err := rows.Scan(&c.ID, &c.At, &c.UserID, &c.MessageID, &c.CaseID, &c.Kind, &target, &c.Note, &shown); err != nil {
			return nil, err
		}
		c.At = c.At.UTC()
		c.setTarget(target)
		c.Shown = json.RawMessage(shown)
		out = append(out, c)
	}
	return out, rows.Err()
}

// CorrectionQuery filters corrections; zero fields do not filter.
type CorrectionQuery struct {
	Kind      CorrectionKind
	CaseID    int64
	MessageID int64
	UserID    int64
	Before    int64 // only corrections with a smaller id: the next page
	Limit     int   // default 100, at most 1000
}

// Corrections lists corrections, newest first.
func (d *Desk) Corrections(ctx context.Context, q CorrectionQuery) ([]Correction, error) {
	v := validator{}
	v.check(q.Kind == "" || slices.Contains(CorrectionKinds, q.Kind), "kind", "must be one of "+joinKinds(CorrectionKinds))
	v.check(q.Limit >= 0 && q.Limit <= 1000, "limit", "must be between 1 and 1000")
	v.check(q.Before >= 0, "before", "must be a correction id")
	if err := v.err(); err != nil {
		return nil, err
	}
	if q.Limit == 0 {
		q.Limit = 100
	}
	var where []string
	var args []any
	add := func(cond string, arg any) {
		args = append(args, arg)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if q.Kind != "" {
		add("kind =", string(q.Kind))
	}
	if q.CaseID != 0 {
		add("case_id =", q.CaseID)
	}
	if q.MessageID != 0 {
		add("message_id =", q.MessageID)
	}
	if q.UserID != 0 {
		add("user_id =", q.UserID)
	}
	if q.Before != 0 {
		add("id <", q.Before)
	}
	query := `SELECT ` + correctionColumns + ` FROM corrections`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, q.Limit)
	query += " ORDER BY id DESC LIMIT $" + strconv.Itoa(len(args))
	rows, err := d.db.Read().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("desk: corrections: %w", err)
	}
	out, err := scanCorrections(rows)
	if err != nil {
		return nil, fmt.Errorf("desk: corrections: %w", err)
	}
	return out, nil
}

// kindWords is how a person would say a correction kind.
func kindWords(k CorrectionKind) string {
	switch k {
	case CorrectNotAngry:
		return "not angry"
	case CorrectAngrier:
		return "angrier than shown"
	case CorrectMissedSignal:
		return "missed signal"
	case CorrectWrongSignal:
		return "wrong signal"
	case CorrectNotFinding:
		return "not this finding"
	case CorrectNotPromise:
		return "not a promise"
	}
	return string(k)
}

func joinKinds(ks []CorrectionKind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
