package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"reflect"
	"strings"
	"time"
)

// isJSON reports whether a Content-Type names JSON (application/json or
// any application/*+json).
func isJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json"))
}

// jsonError says in plain words what is wrong with a body json.Unmarshal
// refused, naming the field; Go's own messages name Go types.
func jsonError(err error) error {
	var (
		typeErr  *json.UnmarshalTypeError
		syntax   *json.SyntaxError
		timeErr  *time.ParseError
		fieldMsg string
	)
	switch {
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return badRequest("bad_json", "The request body must be "+jsonKind(typeErr.Type)+".")
		}
		fieldMsg = "must be " + jsonKind(typeErr.Type)
		return &httpError{status: http.StatusBadRequest, code: "bad_json",
			message: fmt.Sprintf("Field %s %s.", typeErr.Field, fieldMsg), fields: map[string]string{typeErr.Field: fieldMsg}}
	case errors.As(err, &syntax):
		return badRequest("bad_json", fmt.Sprintf("The request body is not valid JSON (at byte %d).", syntax.Offset))
	case errors.As(err, &timeErr):
		return badRequest("bad_json", "A time must be written as RFC 3339, for example 2026-12-04T16:00:00Z.")
	case strings.Contains(err.Error(), "unexpected end of JSON input"):
		return badRequest("bad_json", "The request body is not valid JSON: it ends too early.")
	default:
		return badRequest("bad_json", "The request body is not valid JSON.")
	}
}

// jsonKind names a Go type as the JSON value it reads.
func jsonKind(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() {
		return "a time in RFC 3339 (2026-12-04T16:00:00Z)"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	default:
		return "a JSON object"
	}
}

// findNUL finds a string holding a NUL character anywhere in v and returns
// its JSON path ("customer.name", "webhooks[0].url"). PostgreSQL cannot
// store NUL in text, so both engines refuse it at the edge.
func findNUL(v reflect.Value, path string) (string, bool) {
	switch v.Kind() {
	case reflect.String:
		return path, strings.IndexByte(v.String(), 0) >= 0
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return "", false
		}
		return findNUL(v.Elem(), path)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if f.Anonymous && f.Tag.Get("json") == "" {
				name = "" // embedded: its fields are the parent's
			}
			if p, ok := findNUL(v.Field(i), join(path, name)); ok {
				return p, true
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			if p, ok := findNUL(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			key := fmt.Sprint(iter.Key())
			if strings.IndexByte(key, 0) >= 0 {
				return path, true
			}
			if p, ok := findNUL(iter.Value(), join(path, key)); ok {
				return p, true
			}
		}
	}
	return "", false
}

func join(path, name string) string {
	switch {
	case path == "":
		return name
	case name == "":
		return path
	}
	return path + "." + name
}
