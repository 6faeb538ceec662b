package desk

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/training"
)

// TrainingAttempt is one stored attempt at a training scenario: the
// simulator's session and its scorecard.
type TrainingAttempt struct {
	ID        int64               `json:"id"`
	UserID    int64               `json:"user_id"`
	CreatedAt time.Time           `json:"created_at"`
	UpdatedAt time.Time           `json:"updated_at"`
	Session   *training.Session   `json:"session"`
	Scorecard training.Scorecard  `json:"scorecard"`
	Turn      *training.Turn      `json:"-"` // the turn just played, after TrainingReply
	sim       *training.Simulator // the simulator that scores it
}

// simulator is the desk's simulator: the built-in scenarios with the
// desk's own coach and analyzer. It holds no state, so it is built per call.
func (d *Desk) simulator() *training.Simulator {
	lib := training.Builtin()
	return &training.Simulator{Library: lib, Coach: d.coach, Reader: d.analyzer, Voice: training.Scripted{Library: lib}}
}

// NewTrainingAttempt is the input to StartTraining.
type NewTrainingAttempt struct {
	ScenarioID string
	Seed       *uint64 // nil: chosen from the clock
	Exam       bool    // the live coach is hidden
}

// StartTraining opens an attempt at a scenario for the user.
func (d *Desk) StartTraining(ctx context.Context, u User, in NewTrainingAttempt) (TrainingAttempt, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return TrainingAttempt{}, err
	}
	sim := d.simulator()
	sc, err := d.publishedScenario(ctx, in.ScenarioID)
	if err != nil {
		return TrainingAttempt{}, err
	}
	now := d.clock()
	seed := uint64(now.UnixNano())
	if in.Seed != nil {
		seed = *in.Seed
	}
	// Both engines store a signed 64-bit integer.
	seed &= 1<<63 - 1
	s, err := sim.Start(sc, seed)
	if err != nil {
		return TrainingAttempt{}, fmt.Errorf("desk: start training: %w", err)
	}
	s.Exam = in.Exam
	s.Started = now
	blob, err := json.Marshal(s)
	if err != nil {
		return TrainingAttempt{}, fmt.Errorf("desk: start training: %w", err)
	}
	a := TrainingAttempt{UserID: u.ID, CreatedAt: now, UpdatedAt: now, Session: s, sim: sim}
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx,
			`INSERT INTO training_sessions (user_id, scenario_id, seed, exam, session, created_at, updated_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`,
			u.ID, sc.ID, int64(seed), in.Exam, string(blob), now).Scan(&a.ID)
	})
	if err != nil {
		return TrainingAttempt{}, wrapOp(err, "start training")
	}
	a.Scorecard = sim.Score(s)
	return a, nil
}

// TrainingAttempt returns one attempt: the user's own, or anyone's for a
// user who manages training. Others' attempts do not exist for the caller.
func (d *Desk) TrainingAttempt(ctx context.Context, u User, id int64) (TrainingAttempt, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return TrainingAttempt{}, err
	}
	a, err := d.loadAttempt(ctx, d.db.Read(), u, id)
	if err != nil {
		return TrainingAttempt{}, err
	}
	a.Scorecard = a.sim.Score(a.Session)
	return a, nil
}

func (d *Desk) loadAttempt(ctx context.Context, q querier, u User, id int64) (TrainingAttempt, error) {
	a := TrainingAttempt{ID: id, sim: d.simulator()}
	var blob string
	err := q.QueryRowContext(ctx,
		`SELECT user_id, session, created_at, updated_at FROM training_sessions WHERE id = $1`, id).
		Scan(&a.UserID, &blob, &a.CreatedAt, &a.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && a.UserID != u.ID && !u.Can(PermTrainingManage)) {
		return TrainingAttempt{}, notFound("training session")
	}
	if err != nil {
		return TrainingAttempt{}, fmt.Errorf("desk: training session %d: %w", id, err)
	}
	a.Session = new(training.Session)
	if err := json.Unmarshal([]byte(blob), a.Session); err != nil {
		return TrainingAttempt{}, fmt.Errorf("desk: training session %d: %w", id, err)
	}
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.UTC(), a.UpdatedAt.UTC()
	return a, nil
}

// TrainingReply plays one trainee reply in the user's own attempt.
func (d *Desk) TrainingReply(ctx context.Context, u User, id int64, text string) (TrainingAttempt, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return TrainingAttempt{}, err
	}
	v := validator{}
	v.check(strings.TrimSpace(text) != "", "text", "is required")
	v.check(utf8.ValidString(text), "text", "must be valid UTF-8")
	v.check(len(text) <= MaxReplyBytes, "text", "is too long")
	if err := v.err(); err != nil {
		return TrainingAttempt{}, err
	}
	var a TrainingAttempt
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		a, err = d.loadAttempt(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if a.UserID != u.ID {
			// Supervisors read trainees' attempts; only the trainee plays them.
			return notFound("training session")
		}
		if a.Session.Done {
			return &ConflictError{Message: "This training session is over; start a new one."}
		}
		before := len(a.Session.Turns)
		turn, err := a.sim.Reply(a.Session, text)
		if err != nil {
			return fmt.Errorf("desk: training reply: %w", err)
		}
		// The engine has no clock: the desk stamps the reply's time.
		now := d.clock()
		a.Session.Turns[len(a.Session.Turns)-1].At = now
		turn.At = now
		a.Turn = &turn
		a.Scorecard = a.sim.Score(a.Session)
		blob, err := json.Marshal(a.Session)
		if err != nil {
			return fmt.Errorf("desk: training reply: %w", err)
		}
		a.UpdatedAt = now
		// The turn count guards against two replies racing on one attempt.
		res, err := tx.ExecContext(ctx,
			`UPDATE training_sessions SET session = $1, turns = $2, done = $3, outcome = $4, score = $5, updated_at = $6
			 WHERE id = $7 AND turns = $8`,
			string(blob), len(a.Session.Turns), a.Session.Done, a.Session.Outcome, a.Scorecard.Score, a.UpdatedAt, id, before)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return &ConflictError{Message: "Another reply was played in this session at the same time; reload it."}
		}
		return nil
	})
	if err != nil {
		return TrainingAttempt{}, wrapOp(err, "training reply %d", id)
	}
	return a, nil
}

// TrainingPreview is the live coach of a practice session: the review the
// reply would get now. An exam has no live coach.
func (d *Desk) TrainingPreview(ctx context.Context, u User, id int64, text string) (coach.Review, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return coach.Review{}, err
	}
	a, err := d.loadAttempt(ctx, d.db.Read(), u, id)
	if err != nil {
		return coach.Review{}, err
	}
	if a.Session.Exam && !a.Session.Done {
		return coach.Review{}, &ConflictError{Message: "This is an exam: the coach stays silent until it ends."}
	}
	rv, err := a.sim.Preview(a.Session, text)
	if errors.Is(err, training.ErrEmptyReply) {
		return rv, &ValidationError{Fields: map[string]string{"text": "is required"}}
	}
	return previewResult(rv, err)
}

func previewResult(rv coach.Review, err error) (coach.Review, error) {
	if errors.Is(err, coach.ErrReplyTooLong) {
		return coach.Review{}, &ValidationError{Fields: map[string]string{"text": err.Error()}}
	}
	if err != nil {
		return coach.Review{}, fmt.Errorf("desk: training preview: %w", err)
	}
	return rv, nil
}

// TrainingSummary is one attempt in a list.
type TrainingSummary struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	ScenarioID string    `json:"scenario_id"`
	Exam       bool      `json:"exam"`
	Turns      int       `json:"turns"`
	Done       bool      `json:"done"`
	Outcome    string    `json:"outcome"`
	Score      int       `json:"score"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// TrainingAttempts lists the user's own attempts, newest first (at most 200).
func (d *Desk) TrainingAttempts(ctx context.Context, u User) ([]TrainingSummary, error) {
	if err := require(u, PermTrainingPractice); err != nil {
		return nil, err
	}
	return d.trainingAttempts(ctx, `WHERE user_id = $1`, u.ID)
}

// TeamTrainingAttempts lists everyone's attempts, newest first (at most
// 200), for those who manage training.
func (d *Desk) TeamTrainingAttempts(ctx context.Context, u User) ([]TrainingSummary, error) {
	if err := require(u, PermTrainingManage); err != nil {
		return nil, err
	}
	return d.trainingAttempts(ctx, ``)
}

func (d *Desk) trainingAttempts(ctx context.Context, where string, args ...any) ([]TrainingSummary, error) {
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT id, user_id, scenario_id, exam, turns, done, outcome, score, created_at, updated_at
		 FROM training_sessions `+where+` ORDER BY id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, fmt.Errorf("desk: training sessions: %w", err)
	}
	defer rows.Close()
	out := []TrainingSummary{}
	for rows.Next() {
		var s TrainingSummary
		if err := rows.Scan(&s.ID, &s.UserID, &s.ScenarioID, &s.Exam, &s.Turns, &s.Done, &s.Outcome, &s.Score, &s.CreatedAt, &s.UpdatedAt); err != nil {
			return nil, fmt.Errorf("desk: training sessions: %w", err)
		}
		s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("desk: training sessions: %w", err)
	}
	return out, nil
}

// TrainingScenarioFromCase drafts a training scenario from a case, with the
// customer's and the staff's personal data replaced by consistent fakes. The
// draft is returned for a supervisor to review, not stored.
func (d *Desk) TrainingScenarioFromCase(ctx context.Context, u User, caseID int64) (training.Scenario, error) {
	if err := require(u, PermTrainingManage); err != nil {
		return training.Scenario{}, err
	}
	if err := require(u, PermCasesRead); err != nil {
		return training.Scenario{}, err
	}
	c, err := d.Case(ctx, caseID)
	if err != nil {
		return training.Scenario{}, err
	}
	users, err := d.Users(ctx)
	if err != nil {
		return training.Scenario{}, err
	}
	src := training.CaseSource{CaseID: c.ID, Subject: c.Subject, Category: c.Category, CustomerName: c.Customer.Name,
		Tier: c.Customer.Tier, Anger: c.Anger.Peak, Signals: c.Signals}
	for _, usr := range users {
		src.OtherNames = append(src.OtherNames, usr.Name)
	}
	// The customer's messages before the first answer are the opening.
	first := map[int64]bool{}
	for _, m := range c.Messages {
		if m.Direction == Outbound {
			break
		}
		if m.Direction == Inbound {
			src.Messages = append(src.Messages, m.CleanText)
			first[m.ID] = true
		}
	}
	for _, cn := range c.Concerns {
		if first[cn.MessageID] && cn.Kind != "feeling" {
			src.Concerns = append(src.Concerns, cn.Text)
		}
	}
	sc, err := training.FromCase(src)
	if err != nil {
		return training.Scenario{}, &ValidationError{Fields: map[string]string{"case_id": err.Error()}}
	}
	return sc, nil
}
