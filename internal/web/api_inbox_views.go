package web

import (
	"net/http"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// inboxViewInput is POST /api/v1/inbox-views: a name and the inbox's
// query string (view, status, category, q), as the inbox page's address
// carries it.
type inboxViewInput struct {
	Name  string `json:"name"`
	Query string `json:"query"`
}

// listInboxViews is GET /api/v1/inbox-views: the caller's own saved views.
func (s *Server) listInboxViews(w http.ResponseWriter, r *http.Request, u desk.User) error {
	list, err := s.desk.InboxViews(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"inbox_views": list})
	return nil
}

// createInboxView is POST /api/v1/inbox-views. The query is read as the
// inbox reads its address and kept in that form, so what is stored is
// what the view shows; a name the caller already uses is replaced.
func (s *Server) createInboxView(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var in inboxViewInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	query := parseInboxFilter(urlValues(in.Query)).values(false).Encode()
	v, err := s.desk.SaveInboxView(r.Context(), u, in.Name, query)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// deleteInboxView is DELETE /api/v1/inbox-views/{id}: one of the caller's
// own; someone else's is not found.
func (s *Server) deleteInboxView(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.desk.DeleteInboxView(r.Context(), u, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
