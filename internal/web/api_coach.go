package web

import (
	"net/http"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

type coachRequest struct {
	Reply        string     `json:"reply"`
	CaseID       int64      `json:"case_id"`
	CustomerText string     `json:"customer_text"`
	CustomerName string     `json:"customer_name"`
	SentAt       *time.Time `json:"sent_at"`
}

func (s *Server) coachReview(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var req coachRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	in := desk.ReviewInput{Reply: req.Reply, CaseID: req.CaseID, CustomerText: req.CustomerText, CustomerName: req.CustomerName}
	if req.SentAt != nil {
		// The review dates the reply's promises from sent_at: a time far
		// off puts them past year 9999, which JSON cannot write.
		if year := req.SentAt.UTC().Year(); year < 2000 || req.SentAt.After(s.desk.Now().AddDate(1, 0, 0)) {
			return invalidField("sent_at", "must lie between the year 2000 and a year from now")
		}
		in.SentAt = *req.SentAt
	}
	review, err := s.desk.ReviewReply(r.Context(), u, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, review)
	return nil
}

func (s *Server) coachDraft(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var req coachRequest
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	draft, err := s.desk.DraftReply(r.Context(), u, req.CaseID, req.CustomerText, req.CustomerName)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"draft": draft})
	return nil
}
