package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/training"
)

// scenarioSummary is a scenario in the list: enough to choose one, not the
// scripts (a trainee who read the customer's lines would learn the test).
type scenarioSummary struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Industry    string `json:"industry"`
	Family      string `json:"family"`
	Difficulty  string `json:"difficulty"`
	Temperament string `json:"temperament"`
	Customer    string `json:"customer"`
	Concerns    int    `json:"concerns"`
	TurnLimit   int    `json:"turn_limit"`
	Source      string `json:"source"`
	Version     string `json:"version"`
	Status      string `json:"status,omitempty"` // in a manager's list
}

func summarizeScenario(sc training.Scenario) scenarioSummary {
	source, version := sc.Source, fmt.Sprint(sc.Version)
	if source == "" || source == desk.ScenarioBuiltin {
		source, version = desk.ScenarioBuiltin, training.Builtin().Version
	}
	return scenarioSummary{ID: sc.ID, Title: sc.Title, Industry: sc.Industry, Family: sc.Family, Difficulty: sc.Difficulty,
		Temperament: sc.Persona.Temperament, Customer: sc.Persona.Name, Concerns: len(sc.Concerns), TurnLimit: sc.TurnLimit,
		Source: source, Version: version}
}

// trainingScenarios lists the published scenarios; with ?status=all, for
// those who manage training, every scenario with its status.
func (s *Server) trainingScenarios(w http.ResponseWriter, r *http.Request, u desk.User) error {
	out := []scenarioSummary{}
	switch r.URL.Query().Get("status") {
	case "", desk.ScenarioPublished:
		scs, err := s.desk.TrainingScenarios(r.Context(), u)
		if err != nil {
			return err
		}
		for _, sc := range scs {
			out = append(out, summarizeScenario(sc))
		}
	case "all":
		all, err := s.desk.ManagedTrainingScenarios(r.Context(), u)
		if err != nil {
			return err
		}
		for _, k := range all {
			sum := summarizeScenario(k.Scenario)
			sum.Status = k.Status
			out = append(out, sum)
		}
	default:
		return invalidField("status", "must be published or all")
	}
	writeJSON(w, http.StatusOK, map[string]any{"scenarios": out})
	return nil
}

// keptScenarioView is one scenario: in full for those who manage training
// (they review and edit it), the summary for trainees (who would learn the
// test from the customer's scripted lines).
func keptScenarioView(u desk.User, k desk.KeptScenario) map[string]any {
	out := map[string]any{"id": k.Scenario.ID, "status": k.Status, "source": k.Source, "version": k.Version,
		"summary": summarizeScenario(k.Scenario)}
	if u.Can(desk.PermTrainingManage) {
		out["scenario"] = k.Scenario
		out["case_id"] = k.CaseID
		out["updated_at"] = k.UpdatedAt
	}
	return out
}

func (s *Server) getTrainingScenario(w http.ResponseWriter, r *http.Request, u desk.User) error {
	k, err := s.desk.TrainingScenario(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keptScenarioView(u, k))
	return nil
}

func (s *Server) putTrainingScenario(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var req struct {
		Scenario *training.Scenario `json:"scenario"`
		Version  int                `json:"version"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if req.Scenario == nil {
		return invalidField("scenario", "is required")
	}
	k, err := s.desk.UpdateTrainingScenario(r.Context(), u, r.PathValue("id"), desk.ScenarioEdit{Scenario: *req.Scenario, Version: req.Version})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keptScenarioView(u, k))
	return nil
}

func (s *Server) putTrainingScenarioStatus(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var req struct {
		Status string `json:"status"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	k, err := s.desk.SetTrainingScenarioStatus(r.Context(), u, r.PathValue("id"), req.Status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keptScenarioView(u, k))
	return nil
}

func (s *Server) startTraining(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var req struct {
		ScenarioID string  `json:"scenario_id"`
		Seed       *uint64 `json:"seed"`
		Exam       bool    `json:"exam"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	a, err := s.desk.StartTraining(r.Context(), u, desk.NewTrainingAttempt{ScenarioID: req.ScenarioID, Seed: req.Seed, Exam: req.Exam})
	if err != nil {
		return err
	}
	ss := a.Session
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": a.ID, "scenario_id": ss.Scenario.ID, "seed": ss.Seed, "exam": ss.Exam,
		"customer_message": ss.Opening, "customer": ss.Scenario.Persona.Name,
		"anger": ss.State.Anger, "state": ss.State.Mood(), "turn_limit": ss.Scenario.TurnLimit, "done": false,
	})
	return nil
}

func (s *Server) trainingReply(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Text string `json:"text"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	a, err := s.desk.TrainingReply(r.Context(), u, id, req.Text)
	if err != nil {
		return err
	}
	ss, t := a.Session, a.Turn
	out := map[string]any{
		"customer_message": t.Customer, "anger": t.Anger, "trust": t.Trust, "state": ss.State.Mood(),
		"turn": t.N, "done": ss.Done, "outcome": ss.Outcome, "review": t.Review,
	}
	if ss.Exam && !ss.Done {
		// In an exam the coach stays silent until the end.
		out["review"] = (*coach.Review)(nil)
	}
	if ss.Done {
		out["scorecard"] = a.Scorecard
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// trainingTurn is one turn of a transcript.
type trainingTurn struct {
	N        int           `json:"n"`
	Reply    string        `json:"reply"`
	Customer string        `json:"customer_message"`
	Anger    int           `json:"anger"`
	Review   *coach.Review `json:"review,omitempty"`
	Draft    string        `json:"draft,omitempty"`
	At       time.Time     `json:"at,omitzero"`
}

func (s *Server) getTraining(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.desk.TrainingAttempt(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, trainingView(a))
	return nil
}

// trainingView is an attempt as the API shows it: the transcript, and the
// scorecard's steps, pitfalls and score at the top level. An exam hides the
// coach until it is over.
func trainingView(a desk.TrainingAttempt) map[string]any {
	ss := a.Session
	hide := ss.Exam && !ss.Done
	turns := make([]trainingTurn, 0, len(ss.Turns))
	for _, t := range ss.Turns {
		tt := trainingTurn{N: t.N, Reply: t.Reply, Customer: t.Customer, Anger: t.Anger, At: t.At}
		if !hide {
			rv := t.Review
			tt.Review, tt.Draft = &rv, t.Draft
		}
		turns = append(turns, tt)
	}
	card := a.Scorecard
	return map[string]any{
		"id": a.ID, "user_id": a.UserID, "scenario": summarizeScenario(ss.Scenario), "seed": ss.Seed, "exam": ss.Exam,
		"opening": ss.Opening, "customer_message": ss.Last, "anger": ss.State.Anger, "state": ss.State.Mood(),
		"done": ss.Done, "outcome": ss.Outcome, "transcript": turns,
		"steps": card.Steps, "pitfalls": card.Pitfalls, "score": card.Score, "scorecard": card,
		"created_at": a.CreatedAt, "updated_at": a.UpdatedAt,
	}
}

func (s *Server) listTraining(w http.ResponseWriter, r *http.Request, u desk.User) error {
	list, err := s.desk.TrainingAttempts(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": list})
	return nil
}

func (s *Server) scenarioFromCase(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "case_id")
	if err != nil {
		return err
	}
	k, created, err := s.desk.DraftScenarioFromCase(r.Context(), u, id)
	if err != nil {
		return err
	}
	out := keptScenarioView(u, k)
	out["draft"] = k.Status == desk.ScenarioDraft
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, out)
	return nil
}
