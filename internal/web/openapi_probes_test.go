package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// The inputs of the property test: for one operation, valid requests built
// from its schema and, around them, the invalid and boundary ones.

// validPerOperation is how many valid requests each operation gets, each
// with a different choice of optional fields and values.
const validPerOperation = 8

// badIDs are path ids that name nothing, or nothing a 64-bit id can hold.
var badIDs = []string{"0", "-1", "abc", "1.5", "1e3", "%20", "99999999999", "9223372036854775807",
	"9223372036854775808", strings.Repeat("9", 400), "%F0%9F%98%80"}

// badBodies are bodies that are not a JSON object, or not JSON at all.
var badBodies = []string{"", "null", "[]", "{", `"text"`, "1", `{"a":`, "\xff\xfe", `{"text":"a"}{"text":"b"}`}

// hugeString is longer than any field allows and smaller than the body limit.
var hugeString = strings.Repeat("angry customer ", 20_000) // 300,000 bytes

func (p *propertyRun) probes(method, path string, op *apiOperation) []probe {
	id := p.pathID(path)
	if mid, ok := p.ids[method+" "+path]; ok { // one chosen for this method (a reply to delete, another to change)
		id = mid
	}
	filled := pathParam.ReplaceAllString(path, strconv.FormatInt(id, 10))
	if loc := pathParam.FindStringIndex(path); loc != nil && p.names[path[:loc[1]]] != "" {
		filled = pathParam.ReplaceAllString(path, p.names[path[:loc[1]]])
	}
	base := probe{method: method, path: filled, role: desk.RoleAdmin}
	var bodySchema *jsonSchema
	if op.RequestBody != nil {
		bodySchema = op.RequestBody.Content["application/json"].Schema
	}
	// A body of several shapes (oneOf) is probed shape by shape, since a
	// field's bad values mean something only in a body of its own shape.
	var shapes []*jsonSchema
	if bodySchema != nil {
		shapes = []*jsonSchema{bodySchema}
		if len(bodySchema.OneOf) > 0 {
			shapes = bodySchema.OneOf
		}
	}
	bodyOfShape := func(i int) map[string]any {
		if bodySchema == nil {
			return nil
		}
		m, _ := gen(shapes[i%len(shapes)], "", p.rnd, p.ids).(map[string]any)
		return m
	}
	validBody := func() map[string]any { return bodyOfShape(p.rnd.IntN(max(len(shapes), 1))) }
	withBody := func(pr probe, why string, body any) probe {
		pr.why = why
		if body == nil {
			pr.body, pr.contentType = nil, ""
			return pr
		}
		b, err := json.Marshal(body)
		if err != nil {
			p.t.Fatalf("%s %s: %v", method, path, err)
		}
		pr.body, pr.contentType = b, "application/json"
		return pr
	}

	var out []probe
	// Valid requests: every query parameter and optional field sometimes.
	for i := range validPerOperation {
		pr := withBody(base, fmt.Sprintf("valid request %d", i), bodyOfShape(i))
		pr.query = url.Values{}
		for _, param := range op.Parameters {
			if param.In == "query" && (param.Required || p.rnd.IntN(2) == 0) {
				pr.query.Set(param.Name, queryValue(gen(param.Schema, param.Name, p.rnd, p.ids)))
			}
		}
		out = append(out, pr)
	}
	// Without a token, and as a trainee (who lacks most permissions).
	anon := withBody(base, "no token", validBody())
	anon.role = ""
	trainee := withBody(base, "as a trainee", validBody())
	trainee.role = desk.RoleTrainee
	out = append(out, anon, trainee)

	// Bad path ids.
	if strings.Contains(path, "{id}") {
		for _, bad := range badIDs {
			pr := withBody(base, "path id "+bad, validBody())
			pr.path = strings.ReplaceAll(path, "{id}", bad)
			out = append(out, pr)
		}
	}
	// Bad query parameters, one at a time.
	for _, param := range op.Parameters {
		if param.In != "query" {
			continue
		}
		for _, v := range badQueryValues(param.Schema) {
			pr := withBody(base, fmt.Sprintf("query %s=%.40q", param.Name, v), validBody())
			pr.query = url.Values{param.Name: {v}}
			out = append(out, pr)
		}
	}
	if bodySchema == nil {
		// A body nobody asked for is ignored, never a crash.
		pr := base
		pr.why, pr.body, pr.contentType = "an unexpected body", []byte(`{"surprise":true}`), "application/json"
		return append(out, pr)
	}

	// Bodies that are not JSON objects, too large, or of another media type.
	for _, raw := range badBodies {
		pr := base
		pr.why, pr.body, pr.contentType = fmt.Sprintf("body %.20q", raw), []byte(raw), "application/json"
		out = append(out, pr)
	}
	valid, _ := json.Marshal(validBody())
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=utf-8", "application/problem+json"} {
		pr := base
		pr.why, pr.body, pr.contentType = "Content-Type "+strconv.Quote(ct), valid, ct
		out = append(out, pr)
	}
	tooLarge := base
	tooLarge.why, tooLarge.contentType = "a body over the limit", "application/json"
	tooLarge.body = fmt.Appendf(nil, `{"text":%q}`, strings.Repeat("x", 600<<10))
	out = append(out, tooLarge)
	withUnknown := validBody()
	withUnknown["zz_unknown_field"] = 1
	out = append(out, withBody(base, "an unknown field", withUnknown))

	// Each field (nested ones too) left out when required, and given wrong
	// and boundary values.
	for i, shape := range shapes {
		for _, f := range fields(shape, nil) {
			if f.required {
				body := bodyOfShape(i)
				if deleteAt(body, f.path) {
					out = append(out, withBody(base, "missing "+strings.Join(f.path, "."), body))
				}
			}
			for _, bad := range badValues(f.schema) {
				body := bodyOfShape(i)
				if setAt(body, f.path, bad.value) {
					out = append(out, withBody(base, strings.Join(f.path, ".")+" "+bad.why, body))
				}
			}
		}
	}
	return out
}

// pathParam is a parameter in a documented path: {id}, {case_id}.
var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// pathID is the real id an operation's path parameter gets: one chosen for
// the operation (a pending offer to approve, an escalated case to
// de-escalate), else the one for its kind of object.
func (p *propertyRun) pathID(path string) int64 {
	if id, ok := p.ids[path]; ok {
		return id
	}
	if loc := pathParam.FindStringIndex(path); loc != nil {
		return p.ids[path[:loc[1]]]
	}
	return 0
}

func queryValue(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case nil:
		return ""
	case []any: // style form, explode false: the items comma-separated
		items := make([]string, len(v))
		for i, item := range v {
			items[i] = queryValue(item)
		}
		return strings.Join(items, ",")
	}
	return fmt.Sprint(v)
}

func badQueryValues(s *jsonSchema) []string {
	out := []string{"", hugeString[:10_000], "'; DROP TABLE cases; --", "#42", "é😀\u202e", "a%00b"}
	switch s.Type.main() {
	case "integer":
		out = append(out, "abc", "-1", "0", "1.5", "1000000", "9223372036854775808")
	case "boolean":
		out = append(out, "maybe", "TRUE", "0")
	case "string":
		if len(s.Enum) > 0 {
			out = append(out, "not-a-value", strings.ToUpper(fmt.Sprint(s.Enum[0])))
		}
		if s.MaxLength != nil {
			out = append(out, strings.Repeat("x", *s.MaxLength+1))
		}
	}
	return out
}

// field is a property of a body schema, at a path of names.
type field struct {
	path     []string
	schema   *jsonSchema
	required bool
}

// fields lists the properties of s, and of its object properties, in a
// fixed order.
func fields(s *jsonSchema, prefix []string) []field {
	var out []field
	var names []string
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ps := s.Properties[name]
		path := append(slices.Clone(prefix), name)
		out = append(out, field{path: path, schema: ps, required: slices.Contains(s.Required, name)})
		if ps.Type.main() == "object" && len(prefix) < 2 {
			out = append(out, fields(ps, path)...)
		}
	}
	return out
}

// deleteAt removes the value at path; false when it is not there.
func deleteAt(m map[string]any, path []string) bool {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			return false
		}
		m = next
	}
	last := path[len(path)-1]
	_, ok := m[last]
	delete(m, last)
	return ok
}

// setAt sets the value at path, making the objects on the way.
func setAt(m map[string]any, path []string, v any) bool {
	for _, k := range path[:len(path)-1] {
		next, ok := m[k].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
	return true
}

type badValue struct {
	why   string
	value any
}

// badValues are the wrong and boundary values for a field of schema s.
func badValues(s *jsonSchema) []badValue {
	wrongTypes := []badValue{{"null", nil}, {"true", true}, {"an object", map[string]any{"a": 1}}, {"an array", []any{1}},
		{"a string", "12"}, {"a number", 12345}}
	var out []badValue
	for _, w := range wrongTypes {
		if !typeMatches(s.Type, w.value) {
			out = append(out, w)
		}
	}
	switch s.Type.main() {
	case "string":
		out = append(out,
			badValue{"empty", ""},
			badValue{"huge", hugeString},
			badValue{"with NUL", "a\x00b"},
			badValue{"a lone surrogate", json.RawMessage(`"\ud800"`)},
			badValue{"control and combining characters", "\u202e\u0301\x7f\U0001F600"},
			badValue{"SQL", "'; DROP TABLE cases; --"},
			badValue{"markup", "<script>alert(1)</script>"})
		if s.MaxLength != nil {
			out = append(out, badValue{"one over maxLength", strings.Repeat("x", *s.MaxLength+1)})
		}
		if len(s.Enum) > 0 {
			out = append(out, badValue{"not in the enum", "not-a-value"}, badValue{"the enum in capitals", strings.ToUpper(fmt.Sprint(s.Enum[0]))})
		}
		switch s.Format {
		case "date-time":
			for _, v := range []string{"yesterday", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2026-02-30T10:00:00Z", "1970-01-01T00:00:00Z", "2026-06-01"} {
				out = append(out, badValue{"time " + v, v})
			}
		case "email":
			out = append(out, badValue{"not an email", "not-an-email"}, badValue{"a bare @", "@"})
		}
	case "integer", "number":
		out = append(out,
			badValue{"-1", -1}, badValue{"0", 0},
			badValue{"min int64", int64(math.MinInt64)}, badValue{"max int64", int64(math.MaxInt64)},
			badValue{"over int64", json.Number("9223372036854775808")},
			badValue{"1.5", json.Number("1.5")}, badValue{"1e308", json.Number("1e308")}, badValue{"-1e308", json.Number("-1e308")})
	case "array":
		out = append(out, badValue{"[null]", []any{nil}}, badValue{"10,000 items", make([]any, 10_000)})
		if s.Items != nil && s.Items.Type.main() == "string" {
			out = append(out, badValue{"[huge]", []any{hugeString[:50_000]}})
		}
	case "object":
		out = append(out, badValue{"empty", map[string]any{}})
	}
	return out
}
