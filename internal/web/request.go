package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// The request helpers: every route reads its path ids and forms through
// these, so a bad id or form gets the same answer everywhere.

// pathID reads the positive integer path value {name}. Anything else names
// nothing that exists: 404.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, &httpError{status: http.StatusNotFound, code: "not_found", message: "Not found: the " + name + " in the path must be a positive integer."}
	}
	return id, nil
}

// parseForm reads a posted form of at most limit bytes.
func parseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		return badRequest("bad_form", "The form could not be read.")
	}
	for name, vs := range r.PostForm {
		for _, v := range vs {
			if strings.IndexByte(v, 0) >= 0 {
				return fmt.Errorf("%w: %w", errNUL, invalidField(name, "must not contain NUL characters"))
			}
		}
	}
	return nil
}

// errNUL marks a form refused for a NUL character, for the public form,
// which keeps the customer's words instead of refusing them.
var errNUL = errors.New("NUL character")

// formPathID reads the {id} from the path and parses the posted form.
func formPathID(w http.ResponseWriter, r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	return id, parseForm(w, r, 4*desk.MaxReplyBytes)
}

// isFragment reports whether htmx sent the request to swap part of a page.
func isFragment(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }
