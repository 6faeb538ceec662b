package web_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// The part of OpenAPI 3.1 the property test reads: operations with their
// parameters, bodies and responses, and JSON Schemas with the keywords the
// document uses. $refs are resolved on load.

type apiDoc struct {
	Paths      map[string]map[string]*apiOperation `json:"paths"`
	Components struct {
		Parameters map[string]*apiParameter `json:"parameters"`
		Responses  map[string]*apiResponse  `json:"responses"`
		Schemas    map[string]*jsonSchema   `json:"schemas"`
	} `json:"components"`
}

type apiOperation struct {
	OperationID string                  `json:"operationId"`
	Parameters  []*apiParameter         `json:"parameters"`
	RequestBody *apiRequestBody         `json:"requestBody"`
	Responses   map[string]*apiResponse `json:"responses"`
}

type apiParameter struct {
	Ref      string      `json:"$ref"`
	Name     string      `json:"name"`
	In       string      `json:"in"`
	Required bool        `json:"required"`
	Schema   *jsonSchema `json:"schema"`
}

type apiRequestBody struct {
	Required bool                    `json:"required"`
	Content  map[string]apiMediaType `json:"content"`
}

type apiResponse struct {
	Ref     string                  `json:"$ref"`
	Content map[string]apiMediaType `json:"content"`
}

type apiMediaType struct {
	Schema *jsonSchema `json:"schema"`
}

// jsonSchema is a JSON Schema (2020-12, as OpenAPI 3.1 uses it), reduced to
// the keywords calmdesk's document uses.
type jsonSchema struct {
	Ref                  string                 `json:"$ref"`
	Type                 schemaType             `json:"type"`
	Format               string                 `json:"format"`
	Enum                 []any                  `json:"enum"`
	Required             []string               `json:"required"`
	Properties           map[string]*jsonSchema `json:"properties"`
	AdditionalProperties *jsonSchema            `json:"additionalProperties"`
	Items                *jsonSchema            `json:"items"`
	AllOf                []*jsonSchema          `json:"allOf"`
	OneOf                []*jsonSchema          `json:"oneOf"`
	MinLength            *int                   `json:"minLength"`
	MaxLength            *int                   `json:"maxLength"`
	Minimum              *float64               `json:"minimum"`
	Maximum              *float64               `json:"maximum"`
	Example              any                    `json:"example"`
}

// schemaType is "type": one name or a list of them.
type schemaType []string

func (t *schemaType) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*t = schemaType{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*t = many
	return nil
}

func (t schemaType) has(name string) bool { return slices.Contains(t, name) }

// main is the type a generator produces: the first that is not null.
func (t schemaType) main() string {
	for _, n := range t {
		if n != "null" {
			return n
		}
	}
	return ""
}

// parseAPIDoc reads the document and resolves every $ref in it.
func parseAPIDoc(raw []byte) (*apiDoc, error) {
	var doc apiDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, err
	}
	schemaRef := func(ref string) (*jsonSchema, error) {
		name, ok := strings.CutPrefix(ref, "#/components/schemas/")
		if s := doc.Components.Schemas[name]; ok && s != nil {
			return s, nil
		}
		return nil, fmt.Errorf("unresolved $ref %q", ref)
	}
	seen := map[*jsonSchema]bool{}
	var resolve func(s **jsonSchema) error
	resolve = func(s **jsonSchema) error {
		if *s == nil {
			return nil
		}
		if (*s).Ref != "" {
			target, err := schemaRef((*s).Ref)
			if err != nil {
				return err
			}
			*s = target
		}
		if seen[*s] {
			return nil
		}
		seen[*s] = true
		for name := range (*s).Properties {
			p := (*s).Properties[name]
			if err := resolve(&p); err != nil {
				return err
			}
			(*s).Properties[name] = p
		}
		for _, list := range [][]*jsonSchema{(*s).AllOf, (*s).OneOf} {
			for i := range list {
				if err := resolve(&list[i]); err != nil {
					return err
				}
			}
		}
		if err := resolve(&(*s).Items); err != nil {
			return err
		}
		return resolve(&(*s).AdditionalProperties)
	}
	for name := range doc.Components.Schemas {
		s := doc.Components.Schemas[name]
		if err := resolve(&s); err != nil {
			return nil, err
		}
	}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			where := strings.ToUpper(method) + " " + path
			for i, p := range op.Parameters {
				if p.Ref != "" {
					name, _ := strings.CutPrefix(p.Ref, "#/components/parameters/")
					if op.Parameters[i] = doc.Components.Parameters[name]; op.Parameters[i] == nil {
						return nil, fmt.Errorf("%s: unresolved $ref %q", where, p.Ref)
					}
				}
				if err := resolve(&op.Parameters[i].Schema); err != nil {
					return nil, fmt.Errorf("%s: %w", where, err)
				}
			}
			if op.RequestBody != nil {
				for ct, mt := range op.RequestBody.Content {
					if err := resolve(&mt.Schema); err != nil {
						return nil, fmt.Errorf("%s: %w", where, err)
					}
					op.RequestBody.Content[ct] = mt
				}
			}
			for code, r := range op.Responses {
				if r.Ref != "" {
					name, _ := strings.CutPrefix(r.Ref, "#/components/responses/")
					if r = doc.Components.Responses[name]; r == nil {
						return nil, fmt.Errorf("%s: unresolved $ref %q", where, op.Responses[code].Ref)
					}
					op.Responses[code] = r
				}
				for ct, mt := range r.Content {
					if err := resolve(&mt.Schema); err != nil {
						return nil, fmt.Errorf("%s %s: %w", where, code, err)
					}
					r.Content[ct] = mt
				}
			}
		}
	}
	return &doc, nil
}

// validate checks a decoded JSON value against s and returns what does not
// match, each with its JSON path.
func validate(s *jsonSchema, v any, path string) []string {
	if s == nil {
		return nil
	}
	var errs []string
	for _, sub := range s.AllOf {
		errs = append(errs, validate(sub, v, path)...)
	}
	if len(s.OneOf) > 0 {
		matches := 0
		for _, sub := range s.OneOf {
			if len(validate(sub, v, path)) == 0 {
				matches++
			}
		}
		if matches != 1 {
			errs = append(errs, fmt.Sprintf("%s: matches %d of the %d shapes of oneOf, not exactly one", orRoot(path), matches, len(s.OneOf)))
		}
	}
	if len(s.Type) > 0 && !typeMatches(s.Type, v) {
		return append(errs, fmt.Sprintf("%s: %s is not of type %v", orRoot(path), kindOf(v), []string(s.Type)))
	}
	if len(s.Enum) > 0 && v != nil && !slices.Contains(s.Enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v is not one of %v", orRoot(path), v, s.Enum))
	}
	switch v := v.(type) {
	case map[string]any:
		for _, name := range s.Required {
			if _, ok := v[name]; !ok {
				errs = append(errs, fmt.Sprintf("%s: required field %q is missing", orRoot(path), name))
			}
		}
		for name, val := range v {
			if p, ok := s.Properties[name]; ok {
				errs = append(errs, validate(p, val, path+"."+name)...)
			} else if s.AdditionalProperties != nil {
				errs = append(errs, validate(s.AdditionalProperties, val, path+"."+name)...)
			}
		}
	case []any:
		for i, item := range v {
			errs = append(errs, validate(s.Items, item, fmt.Sprintf("%s[%d]", path, i))...)
		}
	case string:
		if s.Format == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
				errs = append(errs, fmt.Sprintf("%s: %q is not a date-time", orRoot(path), v))
			}
		}
	case float64:
		if s.Minimum != nil && v < *s.Minimum || s.Maximum != nil && v > *s.Maximum {
			errs = append(errs, fmt.Sprintf("%s: %v is out of range", orRoot(path), v))
		}
	}
	return errs
}

func orRoot(path string) string {
	if path == "" {
		return "(body)"
	}
	return strings.TrimPrefix(path, ".")
}

func kindOf(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case float64:
		if v == math.Trunc(v) {
			return "integer"
		}
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func typeMatches(t schemaType, v any) bool {
	k := kindOf(v)
	return t.has(k) || k == "integer" && t.has("number")
}

// gen makes a value valid under s. Field names steer it towards values the
// desk accepts (an email for "email", a real case id for "case_id"), since
// an always-refused request tests only the refusal.
func gen(s *jsonSchema, name string, r *rand.Rand, ids map[string]int64) any {
	if s == nil {
		return nil
	}
	if len(s.Enum) > 0 {
		return s.Enum[r.IntN(len(s.Enum))]
	}
	if len(s.OneOf) > 0 {
		return gen(s.OneOf[r.IntN(len(s.OneOf))], name, r, ids)
	}
	if len(s.AllOf) > 0 {
		out := map[string]any{}
		for _, sub := range s.AllOf {
			if m, ok := gen(sub, name, r, ids).(map[string]any); ok {
				for k, v := range m {
					out[k] = v
				}
			}
		}
		return out
	}
	switch s.Type.main() {
	case "object":
		out := map[string]any{}
		for prop, ps := range s.Properties {
			if slices.Contains(s.Required, prop) || r.IntN(2) == 0 {
				out[prop] = gen(ps, prop, r, ids)
			}
		}
		return out
	case "array":
		var out []any
		for range r.IntN(3) {
			out = append(out, gen(s.Items, name, r, ids))
		}
		return out
	case "integer":
		if id, ok := ids[name]; ok {
			return id
		}
		lo, hi := 1.0, 5000.0
		if s.Minimum != nil {
			lo = *s.Minimum
		}
		if s.Maximum != nil {
			hi = *s.Maximum
		}
		return int64(lo) + r.Int64N(int64(hi-lo)+1)
	case "number":
		return r.Float64() * 100
	case "boolean":
		return r.IntN(2) == 0
	case "string":
		return genString(s, name, r)
	}
	return nil
}

var sampleTexts = []string{
	"You charged me twice for order 4471 and nobody answers. Fix it now!",
	"Hi, when will order 1207 ship? Thanks.",
	"I'm sorry about the double charge. I have refunded $49.99; you will see it within 3 business days.",
	"The blender arrived broken. I want a replacement or my money back.",
}

func genString(s *jsonSchema, name string, r *rand.Rand) string {
	var v string
	switch ex, ok := s.Example.(string); {
	case ok:
		v = ex // an id the document names, such as a built-in scenario
	case s.Format == "email" || name == "email":
		v = fmt.Sprintf("customer%d@example.com", r.IntN(50))
	case s.Format == "date-time":
		v = time.Now().Add(-time.Duration(r.IntN(3600)) * time.Second).UTC().Format(time.RFC3339)
	case name == "from" || name == "to":
		v = time.Now().AddDate(0, 0, -r.IntN(30)).Format("2006-01-02")
	case name == "category":
		v = []string{"billing", "shipping", "refunds"}[r.IntN(3)]
	default:
		v = sampleTexts[r.IntN(len(sampleTexts))]
	}
	if s.MaxLength != nil && len(v) > *s.MaxLength {
		v = v[:*s.MaxLength]
	}
	return v
}

// TestValidateFindsMismatches keeps the property test honest: its schema
// check must see a missing field, a wrong type, a value outside an enum, a
// bad time and a number out of range, and pass a body that matches.
func TestValidateFindsMismatches(t *testing.T) {
	doc, err := parseAPIDoc([]byte(`{"paths": {}, "components": {"schemas": {
		"Case": {"type": "object", "required": ["id", "status"], "properties": {
			"id": {"type": "integer"}, "status": {"type": "string", "enum": ["open", "closed"]},
			"due_at": {"type": ["string", "null"], "format": "date-time"},
			"anger": {"type": "integer", "minimum": 0, "maximum": 100},
			"tags": {"type": "array", "items": {"type": "string"}}}},
		"Page": {"type": "object", "properties": {"cases": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}}},
		"Correction": {"oneOf": [
			{"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string", "enum": ["angrier"]}}},
			{"type": "object", "required": ["kind", "signal"], "properties": {"kind": {"type": "string", "enum": ["missed_signal"]}, "signal": {"type": "string"}}}]}}}}`))
	if err != nil {
		t.Fatal(err)
	}
	page := doc.Components.Schemas["Page"]
	decode := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if errs := validate(page, decode(`{"cases": [{"id": 1, "status": "open", "due_at": null, "anger": 40, "tags": ["a"]}]}`), ""); len(errs) > 0 {
		t.Errorf("a matching body: %v", errs)
	}
	correction := doc.Components.Schemas["Correction"]
	for body, want := range map[string]string{
		`{"kind": "angrier"}`:                               "",
		`{"kind": "missed_signal", "signal": "chargeback"}`: "",
		`{"kind": "missed_signal"}`:                         "(body): matches 0 of the 2 shapes of oneOf, not exactly one",
		`{"kind": "not_angry"}`:                             "(body): matches 0 of the 2 shapes of oneOf, not exactly one",
	} {
		errs := validate(correction, decode(body), "")
		if want == "" && len(errs) > 0 || want != "" && !slices.Contains(errs, want) {
			t.Errorf("oneOf, %s: got %q, want %q", body, errs, want)
		}
	}
	for body, want := range map[string]string{
		`{"cases": [{"status": "open"}]}`:                            `cases[0]: required field "id" is missing`,
		`{"cases": [{"id": "1", "status": "open"}]}`:                 `cases[0].id: string is not of type [integer]`,
		`{"cases": [{"id": 1.5, "status": "open"}]}`:                 `cases[0].id: number is not of type [integer]`,
		`{"cases": [{"id": 1, "status": "lost"}]}`:                   `cases[0].status: lost is not one of [open closed]`,
		`{"cases": [{"id": 1, "status": "open", "due_at": 5}]}`:      `cases[0].due_at: integer is not of type [string null]`,
		`{"cases": [{"id": 1, "status": "open", "due_at": "soon"}]}`: `cases[0].due_at: "soon" is not a date-time`,
		`{"cases": [{"id": 1, "status": "open", "anger": 101}]}`:     `cases[0].anger: 101 is out of range`,
		`{"cases": [{"id": 1, "status": "open", "tags": [1]}]}`:      `cases[0].tags[0]: integer is not of type [string]`,
		`{"cases": {}}`: `cases: object is not of type [array]`,
	} {
		errs := validate(page, decode(body), "")
		if !slices.Contains(errs, want) {
			t.Errorf("%s: got %q, want %q", body, errs, want)
		}
	}
}
