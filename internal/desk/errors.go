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

// NotFoundError says which kind of thing was not found, so the person who
// asked reads "There is no such goodwill offer", not a generic answer. It
// matches ErrNotFound with errors.Is.
type NotFoundError struct {
	What string // "case", "goodwill offer", "user"
}

func (e *NotFoundError) Error() string { return e.What + " not found" }

// Is makes errors.Is(err, ErrNotFound) true for every NotFoundError.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

func notFound(what string) error { return &NotFoundError{What: what} }

// ForbiddenError says the caller lacks a permission the operation needs.
// The desk checks it wherever data is reachable, not only at the route: a
// case id in a coach request reads the case as surely as GET /cases/{id}.
type ForbiddenError struct {
	Permission Permission
}

func (e *ForbiddenError) Error() string {
	return "forbidden: needs the " + string(e.Permission) + " permission"
}

// require returns a ForbiddenError unless u holds p.
func require(u User, p Permission) error {
	if !u.Can(p) {
		return &ForbiddenError{Permission: p}
	}
	return nil
}

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
