package web

import (
	"errors"
	"html/template"
	"net/http"
	"sync"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// emailFrame wraps an email's HTML for the sandboxed frame on the case page.
var emailFrame = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("email").Parse(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Original email</title></head><body>{{.}}</body></html>`))
})

// emailHTML serves a message's HTML part (GET /messages/{id}/html) for an
// iframe on the case page. The HTML was sanitised when it arrived; the
// browser adds a second wall: a sandbox with no scripts, no forms, no
// plugins and no network (images other than inline data are not loaded).
func (s *Server) emailHTML(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	html, err := s.desk.MessageHTML(r.Context(), id)
	if errors.Is(err, desk.ErrNotFound) || (err == nil && html == "") {
		return &httpError{status: http.StatusNotFound, code: "not_found", message: "This message has no HTML part."}
	}
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	// The stored HTML is already sanitised; template.HTML keeps it as markup.
	_ = emailFrame().Execute(w, template.HTML(html))
	return nil
}
