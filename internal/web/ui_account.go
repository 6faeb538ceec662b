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
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, u desk.User) {
	s.render(w, r, http.StatusOK, "account.html", accountView{chrome: s.chromeFor(r, u, "account")})
}

// changePassword changes the signed-in user's password (POST /account/password).
// Wrong current passwords count as failed sign-ins, so a borrowed session
// cannot be used to guess the password; every other session ends.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, u desk.User) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, u, http.StatusBadRequest, "The form could not be read.")
		return
	}
	view := accountView{chrome: s.chromeFor(r, u, "account")}
	blocked, err := s.guessesBlocked(w, r, u.Email)
	if err != nil {
		s.pageFailed(w, r, u, err)
		return
	}
	if blocked {
		view.Error = "Too many wrong passwords. Wait 15 minutes and try again."
		s.render(w, r, http.StatusTooManyRequests, "account.html", view)
		return
	}
	next := r.PostForm.Get("new_password")
	if next != r.PostForm.Get("confirm_password") {
		view.Fields = map[string]string{"confirm_password": "does not match the new password"}
		s.render(w, r, http.StatusUnprocessableEntity, "account.html", view)
		return
	}
	changed, err := s.desk.ChangePassword(r.Context(), u.ID, r.PostForm.Get("current_password"), next)
	var verr *desk.ValidationError
	switch {
	case errors.Is(err, desk.ErrUnauthenticated):
		s.wrongPassword(r, u.Email)
		view.Fields = map[string]string{"current_password": "is not your current password"}
		s.render(w, r, http.StatusUnprocessableEntity, "account.html", view)
		return
	case errors.As(err, &verr):
		view.Fields = verr.Fields
		s.render(w, r, http.StatusUnprocessableEntity, "account.html", view)
		return
	case err != nil:
		s.pageFailed(w, r, u, err)
		return
	}
	if err := s.signIn(r, changed); err != nil {
		s.pageFailed(w, r, u, err)
		return
	}
	s.flash(r, "Your password is changed. Your other sessions are signed out.")
	http.Redirect(w, r, "/account", http.StatusSeeOther)
}
