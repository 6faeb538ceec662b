package web

import (
	"net/http"
	"strconv"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// trainingProgress is GET /api/v1/training/progress: one's own progress,
// or with ?user_id= a trainee's for those who manage training.
func (s *Server) trainingProgress(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id := u.ID
	if v := r.URL.Query().Get("user_id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return invalidField("user_id", "must be a positive whole number")
		}
		id = n
	}
	p, err := s.desk.TrainingProgress(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) listAssignments(w http.ResponseWriter, r *http.Request, u desk.User) error {
	all := false
	switch r.URL.Query().Get("all") {
	case "", "false":
	case "true":
		all = true
	default:
		return invalidField("all", "must be true or false")
	}
	list, err := s.desk.TrainingAssignments(r.Context(), u, all)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"assignments": list})
	return nil
}

func (s *Server) assignTraining(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var req struct {
		UserID     int64  `json:"user_id"`
		ScenarioID string `json:"scenario_id"`
		DueAt      string `json:"due_at"`
		Exam       bool   `json:"exam"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	due, err := desk.ParseDue(req.DueAt)
	if err != nil {
		return err
	}
	a, err := s.desk.AssignTraining(r.Context(), u, desk.NewTrainingAssignment{UserID: req.UserID, ScenarioID: req.ScenarioID, DueAt: due, Exam: req.Exam})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

func (s *Server) passMarks(w http.ResponseWriter, r *http.Request, u desk.User) error {
	marks, err := s.desk.TrainingPassMarks(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"pass_marks": marks, "default": desk.DefaultPassMark})
	return nil
}

func (s *Server) putPassMark(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var req struct {
		PassMark *int `json:"pass_mark"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	if req.PassMark == nil {
		return invalidField("pass_mark", "is required")
	}
	set := r.PathValue("set")
	if err := s.desk.SetTrainingPassMark(r.Context(), u, set, *req.PassMark); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"set": set, "pass_mark": *req.PassMark})
	return nil
}
