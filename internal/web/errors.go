package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// apiError is an error with its HTTP status, built by handlers for request
// problems the desk never sees (bad JSON, bad path ids).
type apiError struct {
	status  int
	code    string
	message string
	fields  map[string]string
}

func (e *apiError) Error() string { return e.message }

func badRequest(code, message string) error {
	return &apiError{status: http.StatusBadRequest, code: code, message: message}
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

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// writeErr maps any error to the envelope. This is the only place where the
// desk's typed errors become HTTP statuses.
func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	var aerr *apiError
	var verr *desk.ValidationError
	var cerr *desk.ConflictError
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &aerr):
		writeError(w, aerr.status, aerr.code, aerr.message, aerr.fields)
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, "too_large", "request body is larger than the limit", nil)
	case errors.As(err, &verr):
		writeError(w, http.StatusUnprocessableEntity, "invalid", verr.Error(), verr.Fields)
	case errors.Is(err, desk.ErrNotFound):
		writeError(w, http.StatusNotFound, "not_found", "not found", nil)
	case errors.As(err, &cerr):
		writeError(w, http.StatusConflict, "conflict", cerr.Message, nil)
	case errors.Is(err, desk.ErrUnauthenticated):
		writeError(w, http.StatusUnauthorized, "unauthenticated", "a valid API token or session is required", nil)
	case errors.Is(err, r.Context().Err()):
		// The client went away; nobody is listening for the answer.
	default:
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "internal error; it has been logged", nil)
	}
}
