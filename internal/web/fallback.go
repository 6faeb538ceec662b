package web

import (
	"net/http"
	"strings"
)

// apiMethods are the methods the API's routes use, in the order Allow lists them.
var apiMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// apiFallback answers API requests no route took: 405 with Allow when the
// path exists under other methods, else 404, both in the API's envelope.
// (The mux would answer 405 itself, but this catch-all is a better match
// for it than "no route", and its answers would be text, not JSON.)
func apiFallback(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range apiMethods {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/api/" {
				allow = append(allow, m)
			}
		}
		if len(allow) == 0 {
			writeError(w, http.StatusNotFound, "not_found", "There is no such API route.", nil)
			return
		}
		if contains(allow, http.MethodGet) {
			allow = append(allow, http.MethodHead)
		}
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here; use "+strings.Join(allow, " or ")+".", nil)
	})
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// crossOriginDenied answers a cross-origin write the CSRF check refused: in
// the API's envelope under /api/, as plain text elsewhere.
func crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	const msg = "Cross-origin request refused: send it from the desk's own pages, or with an API token and no Origin header."
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeError(w, http.StatusForbidden, "cross_origin", msg, nil)
		return
	}
	writeText(w, http.StatusForbidden, msg)
}

// refuseNUL refuses a request whose path or query holds a NUL character,
// before any handler reads it: PostgreSQL cannot store NUL in text, and one
// rule on both engines beats a 500 on one of them. Forms and JSON bodies
// are checked where they are read (parseForm, decode).
func refuseNUL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "%00") || strings.ContainsRune(r.URL.Path, 0) {
			const msg = "The request holds a NUL character, which calmdesk does not store."
			if strings.HasPrefix(r.URL.Path, "/api/") {
				writeError(w, http.StatusUnprocessableEntity, "invalid", msg, nil)
			} else {
				writeText(w, http.StatusUnprocessableEntity, msg)
			}
			return
		}
		next.ServeHTTP(w, r)
	})
}
