package insights

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// LessonRow is a lesson learned with the case it was left on.
type LessonRow struct {
	desk.Lesson
	Subject  string `json:"subject"`
	Category string `json:"category"`
	By       string `json:"by"` // the author's email; empty for the system
}

// LessonQuery picks lessons: every word of Q (case-insensitive) in the
// text, left on one of CaseIDs, written in [Since, Until); empty fields
// match everything.
type LessonQuery struct {
	Q            string
	CaseIDs      []int64
	Since, Until time.Time
	Limit        int // default and most 200
}

// MaxLessons is the most lessons one query returns.
const MaxLessons = 200

// Lessons lists lessons learned, newest first. It needs insights:read.
func (in *Insights) Lessons(ctx context.Context, u desk.User, q LessonQuery) ([]LessonRow, error) {
	if !u.Can(desk.PermInsightsRead) {
		return nil, &desk.ForbiddenError{Permission: desk.PermInsightsRead}
	}
	return in.lessons(ctx, q)
}

func (in *Insights) lessons(ctx context.Context, q LessonQuery) ([]LessonRow, error) {
	if len(q.Q) > 200 {
		return nil, invalid("q", "must be at most 200 characters")
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	for _, w := range strings.Fields(strings.ToLower(q.Q)) {
		where = append(where, `LOWER(l.text) LIKE `+arg("%"+likeEscaper.Replace(w)+"%")+` ESCAPE '\'`)
	}
	if len(q.CaseIDs) > 0 {
		ids := make([]string, len(q.CaseIDs))
		for i, id := range q.CaseIDs {
			ids[i] = arg(id)
		}
		where = append(where, "l.case_id IN ("+strings.Join(ids, ", ")+")")
	}
	if !q.Since.IsZero() {
		where = append(where, "l.created_at >= "+arg(q.Since))
	}
	if !q.Until.IsZero() {
		where = append(where, "l.created_at < "+arg(q.Until))
	}
	if q.Limit <= 0 || q.Limit > MaxLessons {
		q.Limit = MaxLessons
	}
	sqlq := `SELECT l.id, l.case_id, l.text, l.by_user_id, l.created_at, c.subject, c.category, COALESCE(u.email, '')
	  FROM lessons l JOIN cases c ON c.id = l.case_id LEFT JOIN users u ON u.id = l.by_user_id`
	if len(where) > 0 {
		sqlq += " WHERE " + strings.Join(where, " AND ")
	}
	sqlq += " ORDER BY l.created_at DESC, l.id DESC LIMIT " + arg(q.Limit)
	out := []LessonRow{}
	err := in.query(ctx, sqlq, args, func(rows *sql.Rows) error {
		var l LessonRow
		var by sql.NullInt64
		if err := rows.Scan(&l.ID, &l.CaseID, &l.Text, &by, &l.CreatedAt, &l.Subject, &l.Category, &l.By); err != nil {
			return err
		}
		if by.Valid {
			l.ByUserID = &by.Int64
		}
		l.CreatedAt = l.CreatedAt.UTC()
		out = append(out, l)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: lessons: %w", err)
	}
	return out, nil
}

// likeEscaper keeps a search word's % and _ literal in a LIKE pattern.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)
