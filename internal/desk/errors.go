package desk

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// ErrNotFound is returned when the thing asked for does not exist (or the
// caller may not know it exists).
var ErrNotFound = errors.New("not found")

// ErrUnauthenticated is returned for a wrong password, unknown user or bad token.
var ErrUnauthenticated = errors.New("unauthenticated")

// ValidationError lists what is wrong with an input, field by field.
type ValidationError struct {
	Fields map[string]string // field name -> what is wrong with it
}

func (e *ValidationError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for name := range e.Fields {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = name + ": " + e.Fields[name]
	}
	return "invalid input: " + strings.Join(parts, "; ")
}

// ConflictError says the operation does not fit the current state, e.g.
// resolving a closed case or adding a user whose email is taken.
type ConflictError struct {
	Message string
}

func (e *ConflictError) Error() string { return e.Message }

func conflictf(format string, args ...any) error {
	return &ConflictError{Message: fmt.Sprintf(format, args...)}
}

// validator collects field errors so a caller sees all of them at once.
type validator map[string]string

func (v validator) check(ok bool, field, msg string) {
	if !ok {
		if _, seen := v[field]; !seen {
			v[field] = msg
		}
	}
}

func (v validator) err() error {
	if len(v) == 0 {
		return nil
	}
	return &ValidationError{Fields: v}
}
