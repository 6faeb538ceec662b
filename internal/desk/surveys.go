package desk

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/calendar"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Survey is the satisfaction survey sent after a case is resolved.
type Survey struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	Status     string     `json:"status"` // scheduled, sent, answered, cancelled, expired
	DueAt      time.Time  `json:"due_at"`
	SentAt     *time.Time `json:"sent_at,omitempty"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	Score      *int       `json:"score,omitempty"`
	Comment    string     `json:"comment,omitempty"`
}

// scheduleSurvey plans the follow-up of a resolved case.
func scheduleSurvey(ctx context.Context, tx *sql.Tx, caseID int64, policy Policy, cal calendar.Calendar, now time.Time) error {
	if !policy.FollowUp.Enabled {
		return nil
	}
	// Any older plan for this case is replaced by this one.
	if err := cancelSurveys(ctx, tx, caseID, now); err != nil {
		return err
	}
	var placeholder [32]byte
	_, _ = rand.Read(placeholder[:]) // unique until the survey is sent with its signed token
	_, err := tx.ExecContext(ctx,
		`INSERT INTO surveys (case_id, token_hash, status, due_at, created_at) VALUES ($1, $2, 'scheduled', $3, $4)`,
		caseID, placeholder[:], dueAfter(cal, now, policy.FollowUp.Delay.Duration), now)
	return err
}

// cancelSurveys withdraws planned or unanswered surveys: the case reopened,
// and a customer who is mad midway must not be asked to rate.
func cancelSurveys(ctx context.Context, tx *sql.Tx, caseID int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE surveys SET status = 'cancelled' WHERE case_id = $1 AND status IN ('scheduled', 'sent')`, caseID)
	return err
}

// sendSurveys sends the check-ins that are due, unless the customer's last
// message is still angry (the survey then waits) or the case reopened.
func (d *Desk) sendSurveys(ctx context.Context, policy Policy, now time.Time) (sent, waiting int, err error) {
	ids, err := d.idsWhere(ctx, `SELECT id FROM surveys WHERE status = 'scheduled' AND due_at <= $1 ORDER BY due_at`, now)
	if err != nil {
		return 0, 0, err
	}
	if len(ids) > 0 && d.publicURL == "" {
		return 0, 0, ErrNoPublicURL // a setting, not a row: the sweep says so instead of skipping every survey
	}
	secret, err := d.surveySecret(ctx)
	if err != nil {
		return 0, 0, err
	}
	if err := d.eachInTx(ctx, "surveys", ids, func(tx *sql.Tx, id int64) error {
		var caseID int64
		var status Status
		var anger int
		var name, channel string
		err := tx.QueryRowContext(ctx,
			`SELECT c.id, c.status, c.anger_latest, cu.name, c.channel FROM surveys s JOIN cases c ON c.id = s.case_id
			   JOIN customers cu ON cu.id = c.customer_id WHERE s.id = $1 AND s.status = 'scheduled'`, id).
			Scan(&caseID, &status, &anger, &name, &channel)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if status != StatusResolved {
			_, err := tx.ExecContext(ctx, `UPDATE surveys SET status = 'cancelled' WHERE id = $1 AND status = 'scheduled'`, id)
			return err
		}
		if anger > policy.FollowUp.MaxAnger {
			waiting++
			return nil
		}
		expires := storable(now.Add(policy.FollowUp.ValidFor.Duration))
		token := signSurvey(secret, id, expires)
		sum := sha256.Sum256([]byte(token))
		// Guarded: on PostgreSQL a concurrent sweep may have read the survey
		// as scheduled too; only one of the two updates finds it so.
		res, err := tx.ExecContext(ctx,
			`UPDATE surveys SET status = 'sent', sent_at = $2, expires_at = $3, token_hash = $4 WHERE id = $1 AND status = 'scheduled'`,
			id, now, expires, sum[:])
		if err != nil {
			return err
		}
		if done, err := res.RowsAffected(); err != nil || done == 0 {
			return err // sent meanwhile
		}
		text := checkInText(firstName(name), d.publicURL+"/survey/"+token)
		var msgID int64
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO messages (case_id, direction, channel, raw_text, clean_text, created_at) VALUES ($1, 'outbound', $2, $3, $3, $4) RETURNING id`,
			caseID, channel, text, now).Scan(&msgID); err != nil {
			return err
		}
		if err := d.queueEmail(ctx, tx, msgID, channel); err != nil {
			return err
		}
		sent++
		return audit(ctx, tx, now, SystemActor, caseID, "survey.sent", map[string]any{"survey_id": id})
	}); err != nil {
		return sent, waiting, err
	}
	return sent, waiting, nil
}

func checkInText(name, link string) string {
	greeting := "Hello,"
	if name != "" {
		greeting = "Hello " + name + ","
	}
	return greeting + "\n\nWe resolved your case a little while ago and wanted to check that everything is working for you now." +
		" If anything is still wrong, just reply to this message and it comes straight back to us.\n\n" +
		"How did we do? Click a score:\n" +
		"  5 - very happy:   " + link + "?score=5\n" +
		"  4                 " + link + "?score=4\n" +
		"  3                 " + link + "?score=3\n" +
		"  2                 " + link + "?score=2\n" +
		"  1 - very unhappy: " + link + "?score=1\n\n" +
		"Thank you for your patience."
}

func firstName(name string) string {
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// surveySecret is the HMAC key for survey links, shared by every instance
// through the settings table and created on first use.
func (d *Desk) surveySecret(ctx context.Context) ([]byte, error) {
	var raw string
	err := d.db.Read().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'survey_secret'`).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		var b [32]byte
		_, _ = rand.Read(b[:])
		err = d.db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('survey_secret', $1, $2) ON CONFLICT (key) DO NOTHING`,
				`"`+hex.EncodeToString(b[:])+`"`, d.clock())
			return err
		})
		if err != nil {
			return nil, err
		}
		err = d.db.Read().QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'survey_secret'`).Scan(&raw)
	}
	if err != nil {
		return nil, fmt.Errorf("survey secret: %w", err)
	}
	return hex.DecodeString(strings.Trim(raw, `" `))
}

func signSurvey(secret []byte, id int64, expires time.Time) string {
	payload := make([]byte, 16)
	binary.BigEndian.PutUint64(payload, uint64(id))
	binary.BigEndian.PutUint64(payload[8:], uint64(expires.Unix()))
	mac := hmac.New(sha256.New, secret)
	mac.Write(payload)
	return base64.RawURLEncoding.EncodeToString(append(payload, mac.Sum(nil)[:16]...))
}

// ErrSurveyLink is returned for a survey link that is forged, expired,
// answered already or withdrawn; the page says so without saying which.
var ErrSurveyLink = errors.New("this survey link is not valid any more")

func (d *Desk) verifySurvey(ctx context.Context, token string) (int64, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 32 {
		return 0, ErrSurveyLink
	}
	secret, err := d.surveySecret(ctx)
	if err != nil {
		return 0, err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write(raw[:16])
	if !hmac.Equal(mac.Sum(nil)[:16], raw[16:]) {
		return 0, ErrSurveyLink
	}
	if d.clock().Unix() > int64(binary.BigEndian.Uint64(raw[8:16])) {
		return 0, ErrSurveyLink
	}
	return int64(binary.BigEndian.Uint64(raw[:8])), nil
}

// SurveyPage is what the public survey page shows.
type SurveyPage struct {
	CustomerName string
	Subject      string
	CaseID       int64
}

// OpenSurvey checks a survey link and returns what its page shows.
func (d *Desk) OpenSurvey(ctx context.Context, token string) (SurveyPage, error) {
	id, err := d.verifySurvey(ctx, token)
	if err != nil {
		return SurveyPage{}, err
	}
	var p SurveyPage
	var status string
	err = d.db.Read().QueryRowContext(ctx,
		`SELECT s.status, c.id, c.subject, cu.name FROM surveys s JOIN cases c ON c.id = s.case_id JOIN customers cu ON cu.id = c.customer_id WHERE s.id = $1`, id).
		Scan(&status, &p.CaseID, &p.Subject, &p.CustomerName)
	if errors.Is(err, sql.ErrNoRows) || status != "sent" {
		return SurveyPage{}, ErrSurveyLink
	}
	p.CustomerName = firstName(p.CustomerName)
	return p, err
}

// MaxSurveyComment caps the free-text answer.
const MaxSurveyComment = 5000

// AnswerSurvey records a customer's rating. The link works once. A low score
// or an unhappy comment reopens the case and tells the people on it.
func (d *Desk) AnswerSurvey(ctx context.Context, token string, score int, comment string) (reopened bool, err error) {
	comment = strings.TrimSpace(comment)
	v := validator{}
	v.check(score >= 1 && score <= 5, "score", "must be 1 to 5")
	v.check(utf8.ValidString(comment) && len(comment) <= MaxSurveyComment, "comment", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxSurveyComment))
	if err := v.err(); err != nil {
		return false, err
	}
	id, err := d.verifySurvey(ctx, token)
	if err != nil {
		return false, err
	}
	policy, err := d.Policy(ctx)
	if err != nil {
		return false, err
	}
	unhappy := score <= policy.FollowUp.ReopenAtOrBelow
	if comment != "" && !unhappy {
		if r, err := d.analyzer.Read(comment); err == nil && (r.Angry || (r.Complaint && r.Sentiment == "negative")) {
			unhappy = true
		}
	}
	sum := sha256.Sum256([]byte(token))
	now := d.clock()
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		var caseID int64
		err := tx.QueryRowContext(ctx,
			`UPDATE surveys SET status = 'answered', answered_at = $3, score = $4, comment = $5
			  WHERE id = $1 AND token_hash = $2 AND status = 'sent' RETURNING case_id`,
			id, sum[:], now, score, comment).Scan(&caseID)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrSurveyLink
		}
		if err != nil {
			return err
		}
		if err := audit(ctx, tx, now, Actor{Label: "customer"}, caseID, "survey.answered", map[string]any{"score": score, "unhappy": unhappy}); err != nil {
			return err
		}
		if !unhappy {
			return nil
		}
		res, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'open', resolved_at = NULL, updated_at = $2 WHERE id = $1 AND status = 'resolved'`, caseID, now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			reopened = true
			if err := audit(ctx, tx, now, Actor{Label: "customer"}, caseID, "case.reopened", map[string]any{"by": "survey", "score": score}); err != nil {
				return err
			}
		}
		msg := fmt.Sprintf("Case #%d: the customer rated us %d/5", caseID, score)
		if comment != "" {
			msg += ": " + textkit.ClipWords(comment, 200)
		}
		var assignee sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT assignee_id FROM cases WHERE id = $1`, caseID).Scan(&assignee); err != nil {
			return err
		}
		if assignee.Valid {
			if err := notify(ctx, tx, now, notification{UserID: assignee.Int64, CaseID: caseID, Kind: "survey_unhappy", Message: msg}); err != nil {
				return err
			}
		}
		return notify(ctx, tx, now, notification{Role: RoleSupervisor, CaseID: caseID, Kind: "survey_unhappy", Message: msg})
	})
	if err != nil {
		return false, wrapOp(err, "answer survey")
	}
	return reopened, nil
}

// caseSurveys lists a case's surveys.
func caseSurveys(ctx context.Context, db querier, caseID int64) ([]Survey, error) {
	rows, err := db.QueryContext(ctx,
		`SELECT id, case_id, status, due_at, sent_at, expires_at, answered_at, score, comment FROM surveys WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Survey{}
	for rows.Next() {
		var s Survey
		var sent, expires, answered sql.NullTime
		var score sql.NullInt64
		if err := rows.Scan(&s.ID, &s.CaseID, &s.Status, &s.DueAt, &sent, &expires, &answered, &score, &s.Comment); err != nil {
			return nil, err
		}
		s.SentAt, s.ExpiresAt, s.AnsweredAt = timePtr(sent), timePtr(expires), timePtr(answered)
		if score.Valid {
			v := int(score.Int64)
			s.Score = &v
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
