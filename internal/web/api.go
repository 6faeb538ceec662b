package web

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// api wraps a route: it authenticates the caller (bearer token, or the
// browser session for the UI), checks the route's permission and writes the
// handler's error, if any, in the API's envelope.
func (s *Server) api(rt apiRoute) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.caller(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="calmdesk"`)
			s.writeErr(w, r, err)
			return
		}
		err = authorize(u, rt.perm)
		if err == nil {
			err = rt.handle(w, r, u)
		}
		if err != nil {
			s.writeErr(w, r, err)
		}
	})
}

// caller returns the authenticated user of an API request.
func (s *Server) caller(r *http.Request) (desk.User, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.ToLower(scheme)), []byte("bearer")) != 1 {
			return desk.User{}, desk.ErrUnauthenticated
		}
		return s.desk.UserByToken(r.Context(), strings.TrimSpace(token))
	}
	return s.sessionUser(r)
}

// decode reads a JSON body of at most the configured size into v. What is
// stored must be what the client sent, and readable back on both engines:
// invalid UTF-8 and NUL characters are refused, not replaced.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
		return &httpError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			message: "Send the body as JSON with Content-Type: application/json."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return badRequest("bad_json", "The request body is empty; send a JSON object.")
	}
	if !utf8.Valid(body) {
		return badRequest("invalid_utf8", "The request body is not valid UTF-8.")
	}
	if err := json.Unmarshal(body, v); err != nil {
		return jsonError(err)
	}
	if field, ok := findNUL(reflect.ValueOf(v), ""); ok {
		return invalidField(field, "must not contain NUL characters")
	}
	return nil
}

// decodeOptional is decode for routes whose body may be left out.
func (s *Server) decodeOptional(w http.ResponseWriter, r *http.Request, v any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return s.decode(w, r, v)
}

// idAndNote reads the path id and an optional {"note"} body, the shape of
// every "do this to that, with a remark" route.
func (s *Server) idAndNote(w http.ResponseWriter, r *http.Request) (int64, string, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, "", err
	}
	var req struct {
		Note string `json:"note"`
	}
	err = s.decodeOptional(w, r, &req)
	return id, req.Note, err
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, u desk.User) error {
	writeJSON(w, http.StatusOK, map[string]any{"user": u, "permissions": u.Role.Permissions()})
	return nil
}
