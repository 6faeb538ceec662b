package web

import (
	"net/http"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// listUsers is GET /api/v1/users: every person, with how many open cases
// each holds (a deactivated person's need a new owner).
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, u desk.User) error {
	users, err := s.desk.Users(r.Context())
	if err != nil {
		return err
	}
	open, err := s.desk.OpenCaseCounts(r.Context())
	if err != nil {
		return err
	}
	type person struct {
		desk.User
		OpenCases int `json:"open_cases"`
	}
	out := make([]person, 0, len(users))
	for _, x := range users {
		out = append(out, person{User: x, OpenCases: open[x.ID]})
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": out})
	return nil
}

// userChange is the body of PATCH /api/v1/users/{id}: what is named changes.
type userChange struct {
	Role   *desk.Role `json:"role"`
	Skills *[]string  `json:"skills"`
}

// patchUser is PATCH /api/v1/users/{id}: a person's role and skills.
func (s *Server) patchUser(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in userChange
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	got, err := s.desk.UpdateUser(r.Context(), u, id, desk.UserChange{Role: in.Role, Skills: in.Skills})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}

// deactivateUser is POST /api/v1/users/{id}/deactivate: their sessions and
// tokens end at once.
func (s *Server) deactivateUser(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	res, err := s.desk.DeactivateUser(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// reactivateUser is POST /api/v1/users/{id}/reactivate.
func (s *Server) reactivateUser(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	got, err := s.desk.ReactivateUser(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, got)
	return nil
}

// goodwillApprovals is GET /api/v1/goodwill/approvals: the pending gestures
// the caller may approve, and how many more wait for someone higher.
func (s *Server) goodwillApprovals(w http.ResponseWriter, r *http.Request, u desk.User) error {
	a, err := s.desk.GoodwillToApprove(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}

// bulkRequest is the body of POST /api/v1/bulk/cases.
type bulkRequest struct {
	CaseIDs []int64 `json:"case_ids"`
	desk.BulkAction
}

// bulkCases is POST /api/v1/bulk/cases: one action on many cases, with a
// result per case. The desk checks the action's own permission.
func (s *Server) bulkCases(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var in bulkRequest
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	results, err := s.desk.Bulk(r.Context(), u, in.CaseIDs, in.BulkAction)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
	return nil
}
