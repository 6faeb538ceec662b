package insights

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
)

// SimilarWindow is how far back the resolved cases compared with an open
// one go; SimilarPool bounds how many: the newest of them.
const (
	SimilarWindow = 180 * 24 * time.Hour
	SimilarPool   = 5000
)

// similarFrom is the opening time of the oldest case compared with case
// id: SimilarWindow before now, or later when more than SimilarPool
// resolved cases of the category opened since — so that the work of one
// answer stays bounded on a large desk (a million cases put some 60,000
// in one category's window).
func (in *Insights) similarFrom(ctx context.Context, now time.Time, id int64, category string) (time.Time, error) {
	from := now.Add(-SimilarWindow)
	// +status, +category: down the opening-time index on SQLite, never by
	// the status index (it would read every resolved case and sort them).
	plus := ""
	if in.db.Engine == store.SQLite {
		plus = "+"
	}
	q := `SELECT created_at FROM cases WHERE created_at >= $1 AND created_at <= $2 AND id <> $3 AND ` + plus + `status IN ('resolved', 'closed')`
	args := []any{from, now, id}
	if category != "" {
		q += ` AND ` + plus + `category = $4`
		args = append(args, category)
	}
	var at time.Time
	err := in.db.Read().QueryRowContext(ctx, q+fmt.Sprintf(` ORDER BY created_at DESC LIMIT 1 OFFSET %d`, in.similarPool-1), args...).Scan(&at)
	if err == sql.ErrNoRows {
		return from, nil
	}
	if err != nil {
		return from, fmt.Errorf("insights: similar pool: %w", err)
	}
	return at.UTC(), nil
}

// Similar is "resolved N like this" for one case: how many resolved cases
// share its category and its customer's concerns, and the closest of them
// with what was done.
type Similar struct {
	CaseID   int64         `json:"case_id"`
	Category string        `json:"category"`
	Resolved int           `json:"resolved"` // resolved cases like this one (N)
	Cases    []SimilarCase `json:"cases"`    // the closest, closest first
}

// SimilarCase is one resolved case like the one asked about and what
// resolved it.
type SimilarCase struct {
	CaseID   int64  `json:"case_id"`
	Subject  string `json:"subject"`
	Category string `json:"category"`
	Status   string `json:"status"`
	// Shared are the concern words both customers used (most telling
	// first); Why says the same in a sentence.
	Shared []string `json:"shared"`
	Why    string   `json:"why"`
	Score  float64  `json:"score"` // the summed rarity of the shared words
	// What was done: the method steps the replies took (as the coach saw
	// them), the approved goodwill, the promises kept on time of those due.
	Replies           int      `json:"replies"`
	Steps             []string `json:"steps"`
	GoodwillCents     int64    `json:"goodwill_cents"`
	GoodwillKinds     []string `json:"goodwill_kinds"`
	PromisesDue       int      `json:"promises_due"`
	PromisesKept      int      `json:"promises_kept"`
	Angry             bool     `json:"angry"`
	TimeToCalmMinutes *float64 `json:"time_to_calm_minutes"` // as in the figures; null when never angry or never calmed
	ResolutionMinutes *float64 `json:"resolution_minutes"`   // opening to the latest resolution
	Lesson            string   `json:"lesson,omitempty"`     // the latest lesson learned on it
}

// MaxSimilar is the most similar cases one answer lists.
const MaxSimilar = 10

// Similar finds the resolved cases (resolved or closed, opened in the
// SimilarWindow before now, at most about the newest SimilarPool) most like case caseID: the same category (any
// category when the case has none) and at least one concern word in
// common, ranked by how rare the shared words are among those cases. It
// needs cases:read.
func (in *Insights) Similar(ctx context.Context, u desk.User, caseID int64, limit int) (Similar, error) {
	if !u.Can(desk.PermCasesRead) {
		return Similar{}, &desk.ForbiddenError{Permission: desk.PermCasesRead}
	}
	if limit <= 0 || limit > MaxSimilar {
		limit = 3
	}
	var created time.Time
	var category string
	err := in.db.Read().QueryRowContext(ctx, `SELECT created_at, category FROM cases WHERE id = $1`, caseID).Scan(&created, &category)
	if err == sql.ErrNoRows {
		return Similar{}, &desk.NotFoundError{What: "case"}
	}
	if err != nil {
		return Similar{}, fmt.Errorf("insights: similar: %w", err)
	}
	out := Similar{CaseID: caseID, Category: category, Cases: []SimilarCase{}}
	created = created.UTC()
	self, err := in.loadFor(ctx, created, created.Add(time.Microsecond), Filter{}, needConcerns)
	if err != nil {
		return out, err
	}
	var target doc
	for _, c := range self {
		if c.ID == caseID {
			target = docOf(c)
		}
	}
	if len(target.terms) == 0 {
		return out, nil
	}
	now := in.Now()
	// The words of every compared case, and the rest of the facts only
	// for the closest few.
	from, err := in.similarFrom(ctx, now, caseID, category)
	if err != nil {
		return out, err
	}
	pool, err := in.resolvedPool(ctx, category, from, now)
	if err != nil {
		return out, err
	}
	// Rarity of each word among the resolved cases compared.
	var resolved []poolDoc
	df := map[string]int{}
	for _, d := range pool {
		if d.id == caseID {
			continue
		}
		resolved = append(resolved, d)
		for _, t := range d.terms {
			df[t]++
		}
	}
	type match struct {
		id      int64
		created time.Time
		score   float64
		shared  []string
	}
	var matches []match
	n := float64(len(resolved) + 1)
	for _, d := range resolved {
		m := match{id: d.id, created: d.created}
		for _, t := range d.terms {
			if !target.terms[t] {
				continue
			}
			m.score += math.Log(n / float64(df[t]))
			if strings.Contains(t, " ") {
				m.score += 1 // a shared phrase says more than its two words
			}
			m.shared = append(m.shared, t)
		}
		if m.score > 0 {
			matches = append(matches, m)
		}
	}
	out.Resolved = len(matches)
	sort.Slice(matches, func(i, j int) bool {
		if matches[i].score != matches[j].score {
			return matches[i].score > matches[j].score
		}
		return matches[i].id > matches[j].id // the more recent first
	})
	if len(matches) > limit {
		matches = matches[:limit]
	}
	if len(matches) == 0 {
		return out, nil
	}
	ids := make([]int64, len(matches))
	for i, m := range matches {
		ids[i] = m.id
	}
	done, err := in.doneOn(ctx, ids)
	if err != nil {
		return out, err
	}
	for _, m := range matches {
		full, err := in.load(ctx, m.created, m.created.Add(time.Microsecond), Filter{})
		if err != nil {
			return out, err
		}
		i := slices.IndexFunc(full, func(c *caseFacts) bool { return c.ID == m.id })
		if i < 0 {
			continue // gone since the pool was read
		}
		c := full[i]
		dv := derive(c, now)
		sc := SimilarCase{CaseID: c.ID, Category: c.Category, Status: c.Status, Score: round(m.score),
			Shared: sharedWords(m.shared, df, target), GoodwillCents: c.Goodwill, PromisesDue: dv.promisesDue,
			PromisesKept: dv.kept, Angry: dv.angry, TimeToCalmMinutes: dv.timeToCalm, ResolutionMinutes: dv.resolution}
		w := done[c.ID]
		sc.Subject, sc.Replies, sc.Steps, sc.GoodwillKinds, sc.Lesson = w.subject, w.replies, w.steps, w.goodwill, w.lesson
		if sc.Steps == nil {
			sc.Steps = []string{}
		}
		if sc.GoodwillKinds == nil {
			sc.GoodwillKinds = []string{}
		}
		sc.Why = whySimilar(category, sc.Shared)
		out.Cases = append(out.Cases, sc)
	}
	return out, nil
}

// sharedWords orders shared terms most telling first (rarest, phrases
// before their words), drops a word already inside a listed phrase, and
// spells each as the asking customer wrote it; at most four.
func sharedWords(terms []string, df map[string]int, target doc) []string {
	sort.Slice(terms, func(i, j int) bool {
		a, b := terms[i], terms[j]
		pa, pb := strings.Contains(a, " "), strings.Contains(b, " ")
		if pa != pb {
			return pa
		}
		if df[a] != df[b] {
			return df[a] < df[b]
		}
		return a < b
	})
	var out []string
	inPhrase := map[string]bool{}
	for _, t := range terms {
		if inPhrase[t] {
			continue
		}
		parts := strings.Fields(t)
		for _, p := range parts {
			inPhrase[p] = true
		}
		for i, p := range parts {
			parts[i] = spelled(target, p)
		}
		out = append(out, strings.Join(parts, " "))
		if len(out) == 4 {
			break
		}
	}
	return out
}

// spelled is a word as the case's customer wrote it most often.
func spelled(d doc, w string) string {
	best, n := w, 0
	for s, c := range d.surface[w] {
		if c > n || (c == n && s < best) {
			best, n = s, c
		}
	}
	return best
}

func whySimilar(category string, shared []string) string {
	quoted := make([]string, len(shared))
	for i, s := range shared {
		quoted[i] = "“" + s + "”"
	}
	both := "both customers wrote " + strings.Join(quoted, ", ")
	if category == "" {
		return "No category; " + both + "."
	}
	return "Same category (" + category + "); " + both + "."
}

// done is what was done on one case.
type done struct {
	subject  string
	replies  int
	steps    []string
	goodwill []string
	lesson   string
}

// doneOn reads what was done on the cases ids: their replies' method steps
// (in the order first taken), approved goodwill kinds, latest lesson.
func (in *Insights) doneOn(ctx context.Context, ids []int64) (map[int64]*done, error) {
	out := map[int64]*done{}
	holders := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		holders[i], args[i] = fmt.Sprintf("$%d", i+1), id
		out[id] = &done{}
	}
	in1 := "(" + strings.Join(holders, ", ") + ")"
	err := in.query(ctx, `SELECT id, subject FROM cases WHERE id IN `+in1, args, func(rows *sql.Rows) error {
		var id int64
		var s string
		if err := rows.Scan(&id, &s); err != nil {
			return err
		}
		out[id].subject = s
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: similar cases: %w", err)
	}
	seen := map[int64]map[string]bool{}
	err = in.query(ctx, `SELECT case_id, review FROM messages WHERE case_id IN `+in1+`
	  AND direction = 'outbound' ORDER BY case_id, created_at, id`, args, func(rows *sql.Rows) error {
		var id int64
		var raw sql.NullString
		if err := rows.Scan(&id, &raw); err != nil {
			return err
		}
		w := out[id]
		w.replies++
		var rv storedReview
		if !raw.Valid || json.Unmarshal([]byte(raw.String), &rv) != nil || !rv.Supported {
			return nil
		}
		if seen[id] == nil {
			seen[id] = map[string]bool{}
		}
		for _, s := range rv.Steps {
			if s.Done && !seen[id][s.ID] {
				seen[id][s.ID] = true
				w.steps = append(w.steps, s.ID)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: similar replies: %w", err)
	}
	err = in.query(ctx, `SELECT case_id, kind FROM goodwill WHERE status = 'approved' AND case_id IN `+in1+` ORDER BY id`, args,
		func(rows *sql.Rows) error {
			var id int64
			var kind string
			if err := rows.Scan(&id, &kind); err != nil {
				return err
			}
			out[id].goodwill = append(out[id].goodwill, kind)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("insights: similar goodwill: %w", err)
	}
	err = in.query(ctx, `SELECT case_id, text FROM lessons WHERE case_id IN `+in1+` ORDER BY id`, args, func(rows *sql.Rows) error {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return err
		}
		out[id].lesson = text
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: similar lessons: %w", err)
	}
	return out, nil
}
