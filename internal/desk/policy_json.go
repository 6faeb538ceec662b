package desk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The policy arrives as JSON from an admin (the API's PUT and PATCH, the
// settings page). It is read strictly: a misspelt field ("goodwil") or a
// null used to be dropped without a word, and every setting it meant to
// change silently stayed at, or went back to, its default.

// DecodePolicy reads a whole policy, as PUT replaces it: fields left out
// take their defaults; an unknown field, a null or a value of the wrong
// type is a *ValidationError naming the field ("goodwill.limitz",
// "webhooks[0].events"). The result is validated as SetPolicy does.
func DecodePolicy(b []byte) (Policy, error) {
	doc, err := decodeJSONDocument(b)
	if err != nil {
		return Policy{}, err
	}
	return policyFrom(doc)
}

// MergePolicy applies a JSON merge patch (RFC 7396) to p: the patch's
// members replace p's, objects merge member by member, arrays are replaced
// whole, and null removes a member so that it takes its default. The
// result is read and validated as DecodePolicy does.
func MergePolicy(p Policy, patch []byte) (Policy, error) {
	doc, err := decodeJSONDocument(patch)
	if err != nil {
		return Policy{}, err
	}
	if _, ok := doc.(map[string]any); !ok {
		return Policy{}, &ValidationError{Fields: map[string]string{"policy": "a merge patch must be a JSON object"}}
	}
	current, err := json.Marshal(p.normalised())
	if err != nil {
		return Policy{}, fmt.Errorf("desk: encode policy: %w", err)
	}
	target, err := decodeJSONDocument(current)
	if err != nil {
		return Policy{}, err
	}
	return policyFrom(mergePatch(target, doc))
}

// mergePatch is RFC 7396's MergePatch(target, patch).
func mergePatch(target, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	t, ok := target.(map[string]any)
	if !ok {
		t = map[string]any{}
	}
	for name, value := range p {
		if value == nil {
			delete(t, name)
		} else {
			t[name] = mergePatch(t[name], value)
		}
	}
	return t
}

func decodeJSONDocument(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, &ValidationError{Fields: map[string]string{"policy": "is not valid JSON"}}
	}
	if dec.More() {
		return nil, &ValidationError{Fields: map[string]string{"policy": "must be one JSON object"}}
	}
	return doc, nil
}

// policyFrom turns a checked JSON document into a validated policy.
func policyFrom(doc any) (Policy, error) {
	v := validator{}
	if _, ok := doc.(map[string]any); !ok {
		v.check(false, "policy", "must be a JSON object")
		return Policy{}, v.err()
	}
	checkJSONShape(v, "", doc, reflect.TypeFor[Policy]())
	if err := v.err(); err != nil {
		return Policy{}, err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return Policy{}, fmt.Errorf("desk: encode policy: %w", err)
	}
	p := DefaultPolicy()
	if err := json.Unmarshal(b, &p); err != nil {
		// The shape was checked; what is left is a number out of range.
		return Policy{}, &ValidationError{Fields: map[string]string{"policy": "a number is out of range"}}
	}
	p = p.normalised()
	if err := p.validate(); err != nil {
		return Policy{}, err
	}
	return p, nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// checkJSONShape walks a JSON value (decoded with UseNumber) beside the Go
// type it will be decoded into and records, by path, unknown members,
// nulls and values of the wrong JSON type.
func checkJSONShape(v validator, path string, val any, t reflect.Type) {
	field := path
	if field == "" {
		field = "policy"
	}
	if val == nil {
		v.check(false, field, "must not be null: leave it out for its default (a PATCH removes it with null)")
		return
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		// Types with their own JSON form (durations) say what is wrong.
		b, _ := json.Marshal(val)
		if err := json.Unmarshal(b, reflect.New(t).Interface()); err != nil {
			v.check(false, field, err.Error())
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := val.(map[string]any)
		if !ok {
			v.check(false, field, "must be an object")
			return
		}
		fields := jsonFields(t)
		for name, member := range obj {
			ft, known := fields[name]
			if !known {
				v.check(false, joinPath(path, name), "unknown field; the fields here are "+strings.Join(sortedKeys(fields), ", "))
				continue
			}
			checkJSONShape(v, joinPath(path, name), member, ft)
		}
	case reflect.Map:
		obj, ok := val.(map[string]any)
		if !ok {
			v.check(false, field, "must be an object")
			return
		}
		for name, member := range obj {
			checkJSONShape(v, joinPath(path, name), member, t.Elem())
		}
	case reflect.Slice:
		arr, ok := val.([]any)
		if !ok {
			v.check(false, field, "must be an array")
			return
		}
		for i, elem := range arr {
			checkJSONShape(v, fmt.Sprintf("%s[%d]", field, i), elem, t.Elem())
		}
	case reflect.String:
		_, ok := val.(string)
		v.check(ok, field, "must be a string")
	case reflect.Bool:
		_, ok := val.(bool)
		v.check(ok, field, "must be true or false")
	case reflect.Int, reflect.Int64:
		n, ok := val.(json.Number)
		if ok {
			_, err := strconv.ParseInt(string(n), 10, 64)
			ok = err == nil
		}
		v.check(ok, field, "must be a whole number")
	default:
		panic(fmt.Sprintf("desk: policy field %s has a type (%s) checkJSONShape does not know", field, t))
	}
}

// jsonFields maps a struct's JSON member names to their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// normalised returns p with empty lists and maps instead of nil ones, so
// the policy read back as JSON holds no null that a strict PUT of the same
// document would refuse.
func (p Policy) normalised() Policy {
	orEmpty := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	p.Escalation.Signals = orEmpty(p.Escalation.Signals)
	p.BusinessHours.Days = orEmpty(p.BusinessHours.Days)
	p.BusinessHours.Holidays = orEmpty(p.BusinessHours.Holidays)
	p.Goodwill.Kinds = orEmpty(p.Goodwill.Kinds)
	if p.Goodwill.Limits == nil {
		p.Goodwill.Limits = map[string]int64{}
	}
	if p.SLA.Targets == nil {
		p.SLA.Targets = []SLATarget{}
	}
	if p.Webhooks == nil {
		p.Webhooks = []Webhook{}
	}
	p.WebhooksAllowHosts = orEmpty(p.WebhooksAllowHosts)
	return p
}
