package web

import (
	"bytes"
	"net/http"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// pageRoute is one browser route and the permission it needs ("" for any
// signed-in user). A handler that fails returns its error; uiFailed answers.
type pageRoute struct {
	pattern string
	perm    desk.Permission
	handle  func(w http.ResponseWriter, r *http.Request, u desk.User) error
}

// pageWith wraps a page handler: a signed-in user (else the login page) who
// holds the permission (else a 403 page).
func (s *Server) pageWith(rt pageRoute) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request, u desk.User) {
		err := authorize(u, rt.perm)
		if err == nil {
			err = rt.handle(w, r, u)
		}
		if err != nil {
			s.uiFailed(w, r, u, err)
		}
	})
}

// authorize is the route's permission check, for the API and pages alike.
func authorize(u desk.User, p desk.Permission) error {
	if p != "" && !u.Can(p) {
		return &desk.ForbiddenError{Permission: p}
	}
	return nil
}

// chrome is what every page's frame shows: who is signed in, where they
// are, and the one-time message left by the last form post.
type chrome struct {
	User    desk.User
	Current string // "inbox", "case"
	Flash   string
	Unread  int // notifications since the user last looked
}

// errorView is the data of the error page.
type errorView struct {
	chrome
	Status  int
	Message string
}

func (s *Server) renderError(w http.ResponseWriter, r *http.Request, u desk.User, status int, message string) {
	s.render(w, r, status, "error.html", errorView{chrome: chrome{User: u}, Status: status, Message: message})
}

// renderFragment writes one partial template on its own, for htmx swaps.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, name string, data any) {
	var buf bytes.Buffer
	if err := pages()["fragments"].ExecuteTemplate(&buf, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "render fragment", "fragment", name, "err", err)
		writeText(w, http.StatusInternalServerError, "internal error")
		return
	}
	writeHTML(w, r, http.StatusOK, buf.Bytes())
}

// flash keeps a one-time message across the redirect after a form post.
func (s *Server) flash(r *http.Request, msg string) { s.sessions.Put(r.Context(), "flash", msg) }

func (s *Server) popFlash(r *http.Request) string { return s.sessions.PopString(r.Context(), "flash") }
