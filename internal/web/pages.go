package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/calmdesk/calmdesk/internal/desk"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// pages holds one template set per page, each with the shared layout and
// the partials (rows, gauges, coach panel) that htmx and the live updates
// also render on their own through the "fragments" set. They are parsed
// when the first server is made, not when the binary starts, so commands
// that serve nothing (analyze, version) do not pay for them.
var pages = sync.OnceValue(parsePages)

var funcs = uiFuncs()

func parsePages() map[string]*template.Template {
	out := map[string]*template.Template{}
	for _, name := range pageNames() {
		out[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/partials*.html", "templates/"+name))
	}
	out["fragments"] = template.Must(template.New("fragments").Funcs(funcs).ParseFS(templateFS, "templates/partials*.html"))
	return out
}

// pageNames lists the page templates: every file in templates/ but the
// layout, the partials and the public pages (which stand alone).
func pageNames() []string {
	paths, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err) // the pattern is constant
	}
	var names []string
	for _, p := range paths {
		name := strings.TrimPrefix(p, "templates/")
		if name != "layout.html" && !strings.HasPrefix(name, "partials") && !strings.HasPrefix(name, "public_") {
			names = append(names, name)
		}
	}
	return names
}

// render executes a page into a buffer first, so a template error yields a
// clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := pages()[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		writeText(w, http.StatusInternalServerError, "internal error")
		return
	}
	writeHTML(w, r, status, buf.Bytes())
}

// page wraps a handler that needs a signed-in user; others go to /login.
func (s *Server) page(h func(w http.ResponseWriter, r *http.Request, u desk.User)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.sessionUser(r)
		if err != nil {
			signInAgain(w, r)
			return
		}
		h(w, r, u)
	})
}

// signInAgain sends a visitor without a session to the sign-in page. An
// htmx request (the live coach) would swap the sign-in page into the panel,
// so it gets HX-Redirect for the page it came from; an event stream gets a
// plain 401, which stops the browser from reconnecting.
func signInAgain(w http.ResponseWriter, r *http.Request) {
	next := r.URL.RequestURI()
	switch {
	case r.Header.Get("HX-Request") == "true":
		if cu, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil {
			next = cu.RequestURI()
		}
		w.Header().Set("HX-Redirect", "/login?next="+url.QueryEscape(safeNext(next)))
		http.Error(w, "sign in again", http.StatusUnauthorized)
	case r.Header.Get("Accept") == "text/event-stream":
		http.Error(w, "sign in again", http.StatusUnauthorized)
	default:
		http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	}
}

