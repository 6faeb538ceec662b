package web

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
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
		if rt.perm != "" && !u.Can(rt.perm) {
			writeError(w, http.StatusForbidden, "forbidden", fmt.Sprintf("your role (%s) lacks the %s permission", u.Role, rt.perm), nil)
			return
		}
		if err := rt.handle(w, r, u); err != nil {
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

// decode reads a JSON body of at most the configured size into v. Invalid
// UTF-8 is refused rather than silently replaced, so what is stored is what
// the client sent.
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		return err
	}
	if len(body) == 0 {
		return badRequest("bad_json", "request body is empty; send a JSON object")
	}
	if !utf8.Valid(body) {
		return badRequest("invalid_utf8", "request body is not valid UTF-8")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return &apiError{status: http.StatusBadRequest, code: "bad_json",
				message: fmt.Sprintf("field %s must be of JSON type %s", typeErr.Field, typeErr.Type),
				fields:  map[string]string{typeErr.Field: "must be " + typeErr.Type.String()}}
		}
		return badRequest("bad_json", "request body is not valid JSON: "+err.Error())
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

func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &apiError{status: http.StatusNotFound, code: "not_found", message: name + " must be a positive integer"}
	}
	return id, nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request, u desk.User) error {
	writeJSON(w, http.StatusOK, map[string]any{"user": u, "permissions": u.Role.Permissions()})
	return nil
}
