package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// DefaultPassMark is a scenario set's pass mark until an admin sets one.
const DefaultPassMark = 70

// A scenario set is the scenarios of one family ("billing", "delivery", …):
// a trainee is certified in a set when every published scenario of it has
// an attempt taken as an exam that scored at least the set's pass mark.

// TrainingPassMarks returns the pass mark of every scenario set of the
// published scenarios.
func (d *Desk) TrainingPassMarks(ctx context.Context, u User) (map[string]int, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return nil, err
	}
	return d.passMarks(ctx, d.db.Read())
}

func (d *Desk) passMarks(ctx context.Context, q querier) (map[string]int, error) {
	lib, err := d.scenarioLibrary(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, k := range lib {
		if k.Status == ScenarioPublished {
			out[k.Scenario.Family] = DefaultPassMark
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT set_name, pass_mark FROM training_pass_marks`)
	if err != nil {
		return nil, fmt.Errorf("desk: pass marks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var set string
		var mark int
		if err := rows.Scan(&set, &mark); err != nil {
			return nil, fmt.Errorf("desk: pass marks: %w", err)
		}
		if _, ok := out[set]; ok {
			out[set] = mark
		}
	}
	return out, rows.Err()
}

// SetTrainingPassMark sets a scenario set's pass mark (1-100). It needs
// settings:manage, as other settings of the desk do.
func (d *Desk) SetTrainingPassMark(ctx context.Context, u User, set string, mark int) error {
	if err := require(u, PermSettingsManage); err != nil {
		return err
	}
	v := validator{}
	v.check(mark >= 1 && mark <= 100, "pass_mark", "must be 1-100")
	if err := v.err(); err != nil {
		return err
	}
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		marks, err := d.passMarks(ctx, tx)
		if err != nil {
			return err
		}
		if _, ok := marks[set]; !ok {
			return notFound("scenario set")
		}
		now := d.clock()
		if _, err := tx.ExecContext(ctx, `DELETE FROM training_pass_marks WHERE set_name = $1`, set); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO training_pass_marks (set_name, pass_mark, updated_by, updated_at) VALUES ($1, $2, $3, $4)`,
			set, mark, u.ID, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, UserActor(u), 0, "training.pass_mark_set", map[string]any{"set": set, "pass_mark": mark})
	})
	if err != nil {
		return wrapOp(err, "set pass mark of %q", set)
	}
	return nil
}

// NewTrainingAssignment is a supervisor's assignment of a scenario to a
// trainee.
type NewTrainingAssignment struct {
	UserID     int64
	ScenarioID string
	DueAt      *time.Time
	Exam       bool // only an attempt taken as an exam counts
}

// TrainingAssignment is an assigned scenario and how the trainee did: the
// best finished attempt since it was assigned (an exam if it must be one).
type TrainingAssignment struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	ScenarioID string     `json:"scenario_id"`
	Title      string     `json:"title"`
	Set        string     `json:"set"`
	Exam       bool       `json:"exam"`
	DueAt      *time.Time `json:"due_at"`
	AssignedBy int64      `json:"assigned_by"`
	CreatedAt  time.Time  `json:"created_at"`
	// Status is "open" (no finished attempt yet), "failed" (finished under
	// the pass mark), "passed", or "overdue" (open or failed past the due date).
	Status     string `json:"status"`
	Attempts   int    `json:"attempts"` // finished attempts that count
	BestScore  *int   `json:"best_score"`
	BestID     *int64 `json:"best_session_id"`
	PassMark   int    `json:"pass_mark"`
	PassedAtID *int64 `json:"passed_session_id,omitempty"`
}

// AssignTraining assigns a published scenario to someone who practises.
func (d *Desk) AssignTraining(ctx context.Context, u User, in NewTrainingAssignment) (TrainingAssignment, error) {
	if err := require(u, PermTrainingManage); err != nil {
		return TrainingAssignment{}, err
	}
	now := d.clock()
	v := validator{}
	v.check(in.DueAt == nil || in.DueAt.After(now), "due_at", "must be in the future")
	if err := v.err(); err != nil {
		return TrainingAssignment{}, err
	}
	trainee, err := d.User(ctx, in.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && !trainee.Can(PermTrainingPractice)) {
		return TrainingAssignment{}, &ValidationError{Fields: map[string]string{"user_id": "no such user who practises"}}
	}
	if err != nil {
		return TrainingAssignment{}, err
	}
	if _, err := d.publishedScenario(ctx, in.ScenarioID); err != nil {
		return TrainingAssignment{}, err
	}
	var id int64
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		var due any
		if in.DueAt != nil {
			due = in.DueAt.UTC()
		}
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO training_assignments (user_id, scenario_id, exam, due_at, assigned_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			in.UserID, in.ScenarioID, in.Exam, due, u.ID, now).Scan(&id); err != nil {
			return err
		}
		return audit(ctx, tx, now, UserActor(u), 0, "training.assigned",
			map[string]any{"assignment_id": id, "user_id": in.UserID, "scenario_id": in.ScenarioID, "exam": in.Exam})
	})
	if err != nil {
		return TrainingAssignment{}, wrapOp(err, "assign training")
	}
	list, err := d.assignments(ctx, `WHERE a.id = $1`, id)
	if err != nil || len(list) != 1 {
		return TrainingAssignment{}, fmt.Errorf("desk: assignment %d: %w", id, err)
	}
	return list[0], nil
}

// TrainingAssignments lists the user's own assignments, or, with all for
// those who manage training, everyone's; open ones first by due date.
func (d *Desk) TrainingAssignments(ctx context.Context, u User, all bool) ([]TrainingAssignment, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return nil, err
	}
	if all {
		if err := require(u, PermTrainingManage); err != nil {
			return nil, err
		}
		return d.assignments(ctx, ``)
	}
	return d.assignments(ctx, `WHERE a.user_id = $1`, u.ID)
}

func (d *Desk) assignments(ctx context.Context, where string, args ...any) ([]TrainingAssignment, error) {
	q := d.db.Read()
	marks, err := d.passMarks(ctx, q)
	if err != nil {
		return nil, err
	}
	lib, err := d.scenarioLibrary(ctx, q)
	if err != nil {
		return nil, err
	}
	byID := map[string]KeptScenario{}
	for _, k := range lib {
		byID[k.Scenario.ID] = k
	}
	rows, err := q.QueryContext(ctx,
		`SELECT a.id, a.user_id, a.scenario_id, a.exam, a.due_at, a.assigned_by, a.created_at FROM training_assignments a `+where+` ORDER BY a.id DESC LIMIT 500`, args...)
	if err != nil {
		return nil, fmt.Errorf("desk: training assignments: %w", err)
	}
	var out []TrainingAssignment
	for rows.Next() {
		var a TrainingAssignment
		var due sql.NullTime
		if err := rows.Scan(&a.ID, &a.UserID, &a.ScenarioID, &a.Exam, &due, &a.AssignedBy, &a.CreatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("desk: training assignments: %w", err)
		}
		a.CreatedAt = a.CreatedAt.UTC()
		if due.Valid {
			t := due.Time.UTC()
			a.DueAt = &t
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("desk: training assignments: %w", err)
	}
	now := d.clock()
	for i := range out {
		a := &out[i]
		k := byID[a.ScenarioID]
		a.Title, a.Set = k.Scenario.Title, k.Scenario.Family
		a.PassMark = DefaultPassMark
		if m, ok := marks[a.Set]; ok {
			a.PassMark = m
		}
		// The attempts that count: finished, at this scenario, since it was
		// assigned, as an exam when it must be one.
		rows, err := q.QueryContext(ctx,
			`SELECT id, score FROM training_sessions WHERE user_id = $1 AND scenario_id = $2 AND done = $3 AND created_at >= $4 AND (exam = $5 OR $6)
			 ORDER BY score DESC, id`, a.UserID, a.ScenarioID, true, a.CreatedAt, true, !a.Exam)
		if err != nil {
			return nil, fmt.Errorf("desk: assignment results: %w", err)
		}
		for rows.Next() {
			var id int64
			var score int
			if err := rows.Scan(&id, &score); err != nil {
				rows.Close()
				return nil, fmt.Errorf("desk: assignment results: %w", err)
			}
			a.Attempts++
			if a.BestScore == nil {
				a.BestScore, a.BestID = &score, &id
			}
		}
		rows.Close()
		switch {
		case a.BestScore != nil && *a.BestScore >= a.PassMark:
			a.Status, a.PassedAtID = "passed", a.BestID
		case a.DueAt != nil && now.After(*a.DueAt):
			a.Status = "overdue"
		case a.BestScore != nil:
			a.Status = "failed"
		default:
			a.Status = "open"
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		pi, pj := out[i].Status == "passed", out[j].Status == "passed"
		if pi != pj {
			return !pi
		}
		di, dj := out[i].DueAt, out[j].DueAt
		if (di == nil) != (dj == nil) {
			return di != nil
		}
		if di != nil && !di.Equal(*dj) {
			return di.Before(*dj)
		}
		return out[i].ID > out[j].ID
	})
	if out == nil {
		out = []TrainingAssignment{}
	}
	return out, nil
}

// SetProgress is a trainee's progress in one scenario set.
type SetProgress struct {
	Set       string   `json:"set"`
	PassMark  int      `json:"pass_mark"`
	Scenarios []string `json:"scenarios"` // the published scenarios of the set
	Passed    []string `json:"passed"`    // passed in any mode
	ExamPass  []string `json:"exam_passed"`
	Attempts  int      `json:"attempts"` // finished attempts
	BestMean  int      `json:"best_mean"`
	Certified bool     `json:"certified"` // every scenario passed as an exam
}

// ProgressPoint is one finished attempt, for the trainee's curve over time.
type ProgressPoint struct {
	SessionID  int64     `json:"session_id"`
	ScenarioID string    `json:"scenario_id"`
	Set        string    `json:"set"`
	Exam       bool      `json:"exam"`
	Score      int       `json:"score"`
	Passed     bool      `json:"passed"`
	At         time.Time `json:"at"`
}

// TrainingProgress is one person's progress: per scenario set and over time.
type TrainingProgress struct {
	UserID    int64           `json:"user_id"`
	Sets      []SetProgress   `json:"sets"`
	Certified []string        `json:"certified"` // the sets certified in
	History   []ProgressPoint `json:"history"`   // finished attempts, oldest first
}

// TrainingProgress returns a user's progress: one's own, or anyone's for
// those who manage training. Others' progress does not exist for the caller.
func (d *Desk) TrainingProgress(ctx context.Context, u User, userID int64) (TrainingProgress, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return TrainingProgress{}, err
	}
	if userID != u.ID && !u.Can(PermTrainingManage) {
		return TrainingProgress{}, notFound("user")
	}
	if userID != u.ID {
		if _, err := d.User(ctx, userID); err != nil {
			return TrainingProgress{}, err
		}
	}
	q := d.db.Read()
	marks, err := d.passMarks(ctx, q)
	if err != nil {
		return TrainingProgress{}, err
	}
	lib, err := d.scenarioLibrary(ctx, q)
	if err != nil {
		return TrainingProgress{}, err
	}
	setOf := map[string]string{}
	sets := map[string]*SetProgress{}
	for _, k := range lib {
		setOf[k.Scenario.ID] = k.Scenario.Family
		if k.Status != ScenarioPublished {
			continue
		}
		sp := sets[k.Scenario.Family]
		if sp == nil {
			sp = &SetProgress{Set: k.Scenario.Family, PassMark: marks[k.Scenario.Family], Scenarios: []string{}, Passed: []string{}, ExamPass: []string{}}
			sets[k.Scenario.Family] = sp
		}
		sp.Scenarios = append(sp.Scenarios, k.Scenario.ID)
	}
	rows, err := q.QueryContext(ctx,
		`SELECT id, scenario_id, exam, score, updated_at FROM training_sessions WHERE user_id = $1 AND done = $2 ORDER BY updated_at, id`, userID, true)
	if err != nil {
		return TrainingProgress{}, fmt.Errorf("desk: training progress: %w", err)
	}
	defer rows.Close()
	p := TrainingProgress{UserID: userID, Certified: []string{}, History: []ProgressPoint{}}
	best := map[string]int{}
	for rows.Next() {
		var pt ProgressPoint
		if err := rows.Scan(&pt.SessionID, &pt.ScenarioID, &pt.Exam, &pt.Score, &pt.At); err != nil {
			return TrainingProgress{}, fmt.Errorf("desk: training progress: %w", err)
		}
		pt.At = pt.At.UTC()
		pt.Set = setOf[pt.ScenarioID]
		mark := DefaultPassMark
		if m, ok := marks[pt.Set]; ok {
			mark = m
		}
		pt.Passed = pt.Score >= mark
		p.History = append(p.History, pt)
		sp := sets[pt.Set]
		if sp == nil || !slices.Contains(sp.Scenarios, pt.ScenarioID) {
			continue // a retired scenario counts toward no set
		}
		sp.Attempts++
		best[pt.ScenarioID] = max(best[pt.ScenarioID], pt.Score)
		if pt.Passed && !slices.Contains(sp.Passed, pt.ScenarioID) {
			sp.Passed = append(sp.Passed, pt.ScenarioID)
		}
		if pt.Passed && pt.Exam && !slices.Contains(sp.ExamPass, pt.ScenarioID) {
			sp.ExamPass = append(sp.ExamPass, pt.ScenarioID)
		}
	}
	if err := rows.Err(); err != nil {
		return TrainingProgress{}, fmt.Errorf("desk: training progress: %w", err)
	}
	names := make([]string, 0, len(sets))
	for name := range sets {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		sp := sets[name]
		sum := 0
		for _, id := range sp.Scenarios {
			sum += best[id]
		}
		sp.BestMean = sum / len(sp.Scenarios)
		sp.Certified = len(sp.ExamPass) == len(sp.Scenarios)
		if sp.Certified {
			p.Certified = append(p.Certified, sp.Set)
		}
		p.Sets = append(p.Sets, *sp)
	}
	return p, nil
}

// ParseDue reads a due date typed as YYYY-MM-DD (the end of that day, UTC)
// or RFC 3339.
func ParseDue(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return &t, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return nil, &ValidationError{Fields: map[string]string{"due_at": "must be a date (YYYY-MM-DD)"}}
	}
	t = t.Add(24*time.Hour - time.Second)
	return &t, nil
}
