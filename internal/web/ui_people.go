package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// personRow is one row of the settings page's people table.
type personRow struct {
	desk.User
	OpenCases int
	// As typed, with what is wrong, after a refused edit of this row.
	Role, Skills string
	Error        string
	Fields       map[string]string
}

// personEdit is a refused edit of one person, kept to show in its row.
type personEdit struct {
	ID           int64
	Role, Skills string
	Error        string
	Fields       map[string]string
}

// peopleRows joins the users with their open cases and a refused edit.
func peopleRows(users []desk.User, open map[int64]int, edit *personEdit) []personRow {
	out := make([]personRow, 0, len(users))
	for _, x := range users {
		row := personRow{User: x, OpenCases: open[x.ID], Role: string(x.Role), Skills: strings.Join(x.Skills, ", ")}
		if edit != nil && edit.ID == x.ID {
			if edit.Role != "" {
				row.Role = edit.Role
			}
			if edit.Fields != nil {
				row.Skills = edit.Skills
			}
			row.Error, row.Fields = edit.Error, edit.Fields
		}
		out = append(out, row)
	}
	return out
}

// editUserForm changes a person's role and skills (POST /settings/users/{id}).
func (s *Server) editUserForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	role := desk.Role(r.PostForm.Get("role"))
	skills := strings.Split(r.PostForm.Get("skills"), ",")
	got, err := s.desk.UpdateUser(r.Context(), u, id, desk.UserChange{Role: &role, Skills: &skills})
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		edit := &personEdit{ID: id, Role: string(role), Skills: r.PostForm.Get("skills"), Fields: verr.Fields, Error: "Not saved: see the row."}
		return s.renderSettingsPeople(w, r, u, edit)
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Saved %s: %s, handles %s.", got.Name, got.Role, skillWords(got.Skills)))
	http.Redirect(w, r, fmt.Sprintf("/settings#person-%d", id), http.StatusSeeOther)
	return nil
}

func skillWords(skills []string) string {
	if len(skills) == 0 {
		return "any category"
	}
	return strings.Join(skills, ", ")
}

// deactivateUserForm deactivates a person (POST /settings/users/{id}/deactivate).
func (s *Server) deactivateUserForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	res, err := s.desk.DeactivateUser(r.Context(), u, id)
	var cerr *desk.ConflictError
	if errors.As(err, &cerr) {
		return s.renderSettingsPeople(w, r, u, &personEdit{ID: id, Error: "Not deactivated: " + cerr.Message + "."})
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%s is deactivated: they cannot sign in, and their sessions and %d API token(s) have ended.", res.User.Name, res.TokensRevoked)
	if res.OpenCases > 0 {
		msg += fmt.Sprintf(" Their %d open case(s) need a new owner (Inbox, Needs a new owner).", res.OpenCases)
	}
	s.flash(r, msg)
	http.Redirect(w, r, fmt.Sprintf("/settings#person-%d", id), http.StatusSeeOther)
	return nil
}

// reactivateUserForm lets a person sign in again (POST /settings/users/{id}/reactivate).
func (s *Server) reactivateUserForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	got, err := s.desk.ReactivateUser(r.Context(), u, id)
	var cerr *desk.ConflictError
	if errors.As(err, &cerr) {
		return s.renderSettingsPeople(w, r, u, &personEdit{ID: id, Error: cerr.Message + "."})
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("%s can sign in again. Give them a new password if they need one; old API tokens stay revoked.", got.Name))
	http.Redirect(w, r, fmt.Sprintf("/settings#person-%d", id), http.StatusSeeOther)
	return nil
}
