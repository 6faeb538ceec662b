package desk

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxLessonLength is the longest lesson learned, in characters.
const MaxLessonLength = 1000

// Lesson is the short note an agent left when resolving a case: what
// caused it, what would have prevented it.
type Lesson struct {
	ID        int64     `json:"id"`
	CaseID    int64     `json:"case_id"`
	Text      string    `json:"text"`
	ByUserID  *int64    `json:"by_user_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// checkLesson trims a lesson and says what is wrong with it, if anything.
// A blank lesson is no lesson.
func checkLesson(s string) (string, error) {
	s = strings.TrimSpace(s)
	v := validator{}
	v.check(utf8.ValidString(s), "lesson", "must be valid UTF-8")
	v.check(utf8.RuneCountInString(s) <= MaxLessonLength, "lesson", "must be at most 1000 characters")
	v.check(!strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' }),
		"lesson", "must not contain control characters")
	return s, v.err()
}

// noteLesson stores a checked, non-blank lesson on a case in tx and audits it.
func noteLesson(ctx context.Context, tx *sql.Tx, now time.Time, actor Actor, caseID int64, text string) error {
	if text == "" {
		return nil
	}
	var by any
	if actor.UserID != 0 {
		by = actor.UserID
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO lessons (case_id, text, by_user_id, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		caseID, text, by, now).Scan(&id); err != nil {
		return err
	}
	return audit(ctx, tx, now, actor, caseID, "lesson.noted", map[string]any{"lesson_id": id, "length": utf8.RuneCountInString(text)})
}

// CaseLessons lists the lessons learned on one case, oldest first.
func (d *Desk) CaseLessons(ctx context.Context, caseID int64) ([]Lesson, error) {
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT id, case_id, text, by_user_id, created_at FROM lessons WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, wrapOp(err, "lessons of case %d", caseID)
	}
	defer rows.Close()
	out := []Lesson{}
	for rows.Next() {
		var l Lesson
		var by sql.NullInt64
		if err := rows.Scan(&l.ID, &l.CaseID, &l.Text, &by, &l.CreatedAt); err != nil {
			return nil, wrapOp(err, "lessons of case %d", caseID)
		}
		if by.Valid {
			l.ByUserID = &by.Int64
		}
		l.CreatedAt = l.CreatedAt.UTC()
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, wrapOp(err, "lessons of case %d", caseID)
	}
	return out, nil
}
