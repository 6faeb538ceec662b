package web

import (
	"errors"
	"net/http"

	"github.com/calmdesk/calmdesk/internal/desk"
)

type accountView struct {
	chrome
	Error  string
	Fields map[string]string
}

// accountPage shows who is signed in and lets them change their password
// (GET /account).
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	s.render(w, r, http.StatusOK, "account.html", accountView{chrome: s.chromeFor(r, u, "account")})
	return nil
}

// changePassword changes the signed-in user's password (POST /account/password).
// Wrong current passwords count as failed sign-ins, so a borrowed session
// cannot be used to guess the password; every other session ends.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 64<<10); err != nil {
		return err
	}
	view := accountView{chrome: s.chromeFor(r, u, "account")}
	blocked, err := s.guessesBlocked(w, r, u.Email)
	if err != nil {
		return err
	}
	if blocked {
		view.Error = "Too many wrong passwords. Wait 15 minutes and try again."
		s.render(w, r, http.StatusTooManyRequests, "account.html", view)
		return nil
	}
	next := r.PostForm.Get("new_password")
	if next != r.PostForm.Get("confirm_password") {
		view.Fields = map[string]string{"confirm_password": "does not match the new password"}
		s.render(w, r, http.StatusUnprocessableEntity, "account.html", view)
		return nil
	}
	changed, err := s.desk.ChangePassword(r.Context(), u.ID, r.PostForm.Get("current_password"), next)
	var verr *desk.ValidationError
	switch {
	case errors.Is(err, desk.ErrUnauthenticated):
		s.wrongPassword(r, u.Email)
		view.Fields = map[string]string{"current_password": "is not your current password"}
		s.render(w, r, http.StatusUnprocessableEntity, "account.html", view)
		return nil
	case errors.As(err, &verr):
		view.Fields = verr.Fields
		s.render(w, r, http.StatusUnprocessableEntity, "account.html", view)
		return nil
	case err != nil:
		return err
	}
	if err := s.signIn(r, changed); err != nil {
		return err
	}
	s.flash(r, "Your password is changed. Your other sessions are signed out.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
	return nil
}
