package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// assignForm gives the case to a user (POST /cases/{id}/assign): the agent
// themselves when no user is named, nobody with user=0.
func (s *Server) assignForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	to := u.ID
	if v := r.PostForm.Get("user"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return invalidField("user", "Pick someone from the list.")
		}
		to = n
	}
	c, err := s.desk.Assign(r.Context(), desk.UserActor(u), id, to)
	if err != nil {
		return err
	}
	switch {
	case c.AssigneeID == nil:
		s.flash(r, fmt.Sprintf("Case #%d is unassigned.", id))
	case *c.AssigneeID == u.ID:
		s.flash(r, fmt.Sprintf("Case #%d is yours.", id))
	default:
		s.flash(r, fmt.Sprintf("Case #%d assigned.", id))
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d", id), http.StatusSeeOther)
	return nil
}

// deescalateForm takes the case out of the supervisors' queue
// (POST /cases/{id}/deescalate).
func (s *Server) deescalateForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	if _, err := s.desk.Deescalate(r.Context(), desk.UserActor(u), id, r.PostForm.Get("note")); err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Case #%d is back with the team.", id))
	http.Redirect(w, r, fmt.Sprintf("/cases/%d", id), http.StatusSeeOther)
	return nil
}

// categoryForm files the case under a category (POST /cases/{id}/category).
func (s *Server) categoryForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	c, err := s.desk.SetCategory(r.Context(), desk.UserActor(u), id, r.PostForm.Get("category"))
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Case #%d filed under %s.", id, c.Category))
	http.Redirect(w, r, fmt.Sprintf("/cases/%d", id), http.StatusSeeOther)
	return nil
}
