package web

import (
	"errors"
	"net/http"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
)

// httpError is an error with the answer it deserves, made by handlers for
// request problems the desk never sees (bad JSON, a bad path id, a form
// that cannot be read).
type httpError struct {
	status  int
	code    string // for programs: "not_found", "invalid", …
	message string // for people
	fields  map[string]string
}

func (e *httpError) Error() string { return e.message }

func badRequest(code, message string) error {
	return &httpError{status: http.StatusBadRequest, code: code, message: message}
}

// invalidField is a 422 naming the field that is wrong.
func invalidField(field, message string) error {
	return &httpError{status: http.StatusUnprocessableEntity, code: "invalid",
		message: "invalid input: " + field + ": " + message, fields: map[string]string{field: message}}
}

// failureOf is the one table from errors to HTTP answers. The API, pages and
// htmx fragments all read it, so one error gets one status everywhere;
// internal is true for errors the caller cannot act on, which are logged and
// shown without details.
func failureOf(err error) (f httpError, internal bool) {
	var (
		herr   *httpError
		verr   *desk.ValidationError
		cerr   *desk.ConflictError
		nerr   *desk.NotFoundError
		ferr   *desk.ForbiddenError
		tooBig *http.MaxBytesError
	)
	switch {
	case errors.As(err, &herr):
		return *herr, false
	case errors.As(err, &tooBig):
		return httpError{status: http.StatusRequestEntityTooLarge, code: "too_large", message: "The request is larger than the limit."}, false
	case errors.As(err, &verr):
		return httpError{status: http.StatusUnprocessableEntity, code: "invalid", message: verr.Error(), fields: verr.Fields}, false
	case errors.As(err, &nerr):
		return httpError{status: http.StatusNotFound, code: "not_found", message: "There is no such " + nerr.What + "."}, false
	case errors.Is(err, desk.ErrNotFound):
		return httpError{status: http.StatusNotFound, code: "not_found", message: "Not found."}, false
	case errors.As(err, &ferr):
		return httpError{status: http.StatusForbidden, code: "forbidden", message: "This needs the " + string(ferr.Permission) + " permission, which your role lacks."}, false
	case errors.As(err, &cerr):
		return httpError{status: http.StatusConflict, code: "conflict", message: cerr.Message}, false
	case errors.Is(err, desk.ErrUnauthenticated):
		return httpError{status: http.StatusUnauthorized, code: "unauthenticated", message: "A valid API token or session is required."}, false
	case store.IsDiskFull(err):
		// Logged: someone must free space. The transaction was rolled back.
		return httpError{status: http.StatusInsufficientStorage, code: "insufficient_storage",
			message: "The database is out of disk space, so nothing was stored. Try again once space is freed."}, true
	case store.IsUnavailable(err):
		return httpError{status: http.StatusServiceUnavailable, code: "unavailable",
			message: "The database cannot be reached just now, so nothing was done. Try again in a few seconds."}, true
	default:
		return httpError{status: http.StatusInternalServerError, code: "internal", message: "Something went wrong on our side; it has been logged."}, true
	}
}

// failure is failureOf for one request: it logs internal errors, and says
// ok=false when the client has gone away and nobody is listening.
func (s *Server) failure(r *http.Request, err error) (f httpError, ok bool) {
	if ctxErr := r.Context().Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return f, false
	}
	f, internal := failureOf(err)
	if internal {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	return f, true
}

// writeErr answers an API request that failed, in the API's envelope.
func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	if f, ok := s.failure(r, err); ok {
		if f.status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", retryAfterSeconds)
		}
		writeError(w, f.status, f.code, f.message, f.fields)
	}
}

// retryAfterSeconds is how long a client should wait when the database is
// out of reach: a restart of PostgreSQL takes a few seconds.
const retryAfterSeconds = "5"

// uiFailed answers a browser request that failed: an htmx request (the live
// coach, the timeline) gets a short message its panel can show, anything
// else the error page.
func (s *Server) uiFailed(w http.ResponseWriter, r *http.Request, u desk.User, err error) {
	f, ok := s.failure(r, err)
	switch {
	case !ok:
	case isFragment(r):
		writeText(w, f.status, f.message)
	default:
		s.renderError(w, r, u, f.status, f.message)
	}
}

// errorBody is the one error envelope of the API.
type errorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

func writeError(w http.ResponseWriter, status int, code, message string, fields map[string]string) {
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.Fields = code, message, fields
	writeJSON(w, status, body)
}
