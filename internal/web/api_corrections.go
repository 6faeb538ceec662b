package web

import (
	"net/http"
	"strconv"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// correctMessage records that a reading or a coach finding is wrong
// (POST /api/v1/messages/{id}/corrections): 201 with the correction, or
// 200 with the one already made when the same person says it again.
func (s *Server) correctMessage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Kind      desk.CorrectionKind `json:"kind"`
		Signal    string              `json:"signal"`
		Rule      string              `json:"rule"`
		PromiseID int64               `json:"commitment_id"`
		Note      string              `json:"note"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	c, created, err := s.desk.Correct(r.Context(), u, id, desk.CorrectionInput{
		Kind: req.Kind, Signal: req.Signal, Rule: req.Rule, PromiseID: req.PromiseID, Note: req.Note})
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, c)
	return nil
}

// listCorrections lists corrections, newest first
// (GET /api/v1/corrections?kind=&case_id=&message_id=&user_id=&before=&limit=).
func (s *Server) listCorrections(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	q := r.URL.Query()
	query := desk.CorrectionQuery{Kind: desk.CorrectionKind(q.Get("kind"))}
	fields := map[string]string{}
	for name, dst := range map[string]*int64{"case_id": &query.CaseID, "message_id": &query.MessageID, "user_id": &query.UserID, "before": &query.Before} {
		if v := q.Get(name); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil || n < 0 {
				fields[name] = "must be an id"
			}
			*dst = n
		}
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			fields["limit"] = "must be an integer"
		}
		query.Limit = n
	}
	if len(fields) > 0 {
		return &desk.ValidationError{Fields: fields}
	}
	list, err := s.desk.Corrections(r.Context(), query)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"corrections": list})
	return nil
}

// correctionLearning reports what the desk learned from corrections and
// what waits (GET /api/v1/corrections/learning).
func (s *Server) correctionLearning(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	st, err := s.desk.CorrectionLearningStatus(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// learnCorrections relearns from corrections now
// (POST /api/v1/corrections/learn).
func (s *Server) learnCorrections(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	res, err := s.desk.LearnCorrections(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
