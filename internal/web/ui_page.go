package web

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// uiPages are the agent desk's page templates; each is parsed with the
// layout and the partials.
var uiPages = []string{"inbox.html", "case.html", "supervisor.html", "notifications.html", "settings.html", "account.html", "error.html"}

// pageRoute is one browser route and the permission it needs ("" for any
// signed-in user).
type pageRoute struct {
	pattern string
	perm    desk.Permission
	handle  func(w http.ResponseWriter, r *http.Request, u desk.User)
}

// pageWith wraps a page handler: a signed-in user (else the login page) who
// holds the permission (else a 403 page).
func (s *Server) pageWith(rt pageRoute) http.Handler {
	return s.page(func(w http.ResponseWriter, r *http.Request, u desk.User) {
		if rt.perm != "" && !u.Can(rt.perm) {
			s.renderError(w, r, u, http.StatusForbidden, "Your role ("+string(u.Role)+") does not allow this: it needs the "+string(rt.perm)+" permission.")
			return
		}
		rt.handle(w, r, u)
	})
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

// pageFailed shows a desk error as a page. Typed errors keep their meaning;
// anything else is logged and shown as a 500 without details.
func (s *Server) pageFailed(w http.ResponseWriter, r *http.Request, u desk.User, err error) {
	var verr *desk.ValidationError
	var cerr *desk.ConflictError
	switch {
	case errors.Is(err, desk.ErrNotFound):
		s.renderError(w, r, u, http.StatusNotFound, "There is no such case.")
	case errors.As(err, &verr):
		s.renderError(w, r, u, http.StatusUnprocessableEntity, verr.Error())
	case errors.As(err, &cerr):
		s.renderError(w, r, u, http.StatusConflict, cerr.Message)
	case errors.Is(err, r.Context().Err()):
	default:
		s.log.ErrorContext(r.Context(), "page failed", "method", r.Method, "path", r.URL.Path, "err", err)
		s.renderError(w, r, u, http.StatusInternalServerError, "Something went wrong on our side; it has been logged.")
	}
}

// renderFragment writes one partial template on its own, for htmx swaps.
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, name string, data any) {
	var buf bytes.Buffer
	if err := pages["fragments"].ExecuteTemplate(&buf, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "render fragment", "fragment", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// formPathID reads the {id} from the path and parses the posted form.
func formPathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		http.Error(w, "no such case", http.StatusNotFound)
		return 0, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4*desk.MaxReplyBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return 0, false
	}
	return id, true
}

// flash keeps a one-time message across the redirect after a form post.
func (s *Server) flash(r *http.Request, msg string) { s.sessions.Put(r.Context(), "flash", msg) }

func (s *Server) popFlash(r *http.Request) string { return s.sessions.PopString(r.Context(), "flash") }
