package web

import (
	"net/http"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// listSavedReplies is GET /api/v1/saved-replies: the caller's own and the shared ones.
func (s *Server) listSavedReplies(w http.ResponseWriter, r *http.Request, u desk.User) error {
	list, err := s.desk.SavedReplies(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"saved_replies": list})
	return nil
}

// createSavedReply is POST /api/v1/saved-replies.
func (s *Server) createSavedReply(w http.ResponseWriter, r *http.Request, u desk.User) error {
	var in desk.SavedReplyInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	sr, err := s.desk.CreateSavedReply(r.Context(), u, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sr)
	return nil
}

// updateSavedReply is PUT /api/v1/saved-replies/{id}: the whole reply.
func (s *Server) updateSavedReply(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in desk.SavedReplyInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	sr, err := s.desk.UpdateSavedReply(r.Context(), u, id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sr)
	return nil
}

// deleteSavedReply is DELETE /api/v1/saved-replies/{id}.
func (s *Server) deleteSavedReply(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.desk.DeleteSavedReply(r.Context(), u, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
