package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// Login rate limits, counted in the database so every instance sees them.
const (
	loginWindow         = 15 * time.Minute
	maxFailuresPerEmail = 5
	maxFailuresPerIP    = 20
)

type loginView struct {
	Email string
	Error string
	Next  string
	Demo  []DemoAccount // serve --demo only
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.sessionUser(r); err == nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login.html", loginView{Next: safeNext(r.URL.Query().Get("next")), Demo: s.cfg.DemoAccounts})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, 64<<10); err != nil {
		writeText(w, http.StatusBadRequest, "The sign-in form could not be read.")
		return
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	view := loginView{Email: email, Next: safeNext(r.PostForm.Get("next")), Demo: s.cfg.DemoAccounts}
	blocked, err := s.guessesBlocked(w, r, email)
	if err != nil {
		s.log.ErrorContext(r.Context(), "login rate check failed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if blocked {
		view.Error = "Too many failed sign-ins. Wait 15 minutes and try again."
		s.render(w, r, http.StatusTooManyRequests, "login.html", view)
		return
	}
	u, err := s.desk.Authenticate(r.Context(), email, r.PostForm.Get("password"))
	if errors.Is(err, desk.ErrUnauthenticated) {
		s.wrongPassword(r, email)
		view.Error = "That email and password do not match."
		s.render(w, r, http.StatusUnauthorized, "login.html", view)
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "login failed", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := s.signIn(r, u); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	http.Redirect(w, r, view.Next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.log.ErrorContext(r.Context(), "logout", "err", err)
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// guessesBlocked reports whether the email or the client's address has had
// too many wrong passwords lately; when so, it sets Retry-After.
func (s *Server) guessesBlocked(w http.ResponseWriter, r *http.Request, email string) (bool, error) {
	blocked, err := s.desk.LoginBlocked(r.Context(), email, s.clientIP(r), loginWindow, maxFailuresPerEmail, maxFailuresPerIP)
	if blocked {
		w.Header().Set("Retry-After", "900")
	}
	return blocked, err
}

// wrongPassword counts a wrong password against the email and the client's
// address.
func (s *Server) wrongPassword(r *http.Request, email string) {
	if err := s.desk.RecordLoginFailure(r.Context(), email, s.clientIP(r)); err != nil {
		s.log.ErrorContext(r.Context(), "record login failure", "err", err)
	}
}

// safeNext keeps post-login redirects on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
