package cli

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// readingFields is a choice of a Reading's top-level JSON fields
// (`analyze --fields anger,level,angry`): a caller who needs three fields
// does not pay for encoding, nor reading through, thirty.
type readingFields struct {
	names []string // JSON names, in the order asked for
	index []int    // the struct field of each
}

// readingFieldIndex maps each JSON name of analyze.Reading to its field.
var readingFieldIndex = func() map[string]int {
	out := map[string]int{}
	t := reflect.TypeFor[analyze.Reading]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = i
		}
	}
	return out
}()

// parseReadingFields reads a comma-separated list of field names; an empty
// list means every field (nil).
func parseReadingFields(list string) (*readingFields, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	f := &readingFields{}
	for name := range strings.SplitSeq(list, ",") {
		name = strings.TrimSpace(name)
		i, ok := readingFieldIndex[name]
		if !ok {
			known := make([]string, 0, len(readingFieldIndex))
			for n := range readingFieldIndex {
				known = append(known, n)
			}
			slices.Sort(known)
			return nil, fmt.Errorf("--fields: no field %q in a reading; the fields are %s", name, strings.Join(known, ", "))
		}
		if !slices.Contains(f.names, name) {
			f.names = append(f.names, name)
			f.index = append(f.index, i)
		}
	}
	return f, nil
}

// appendJSON appends r as a JSON object holding the chosen fields, after
// an "id" member when id is not nil.
func (f *readingFields) appendJSON(b []byte, id json.RawMessage, r *analyze.Reading) ([]byte, error) {
	b = append(b, '{')
	if id != nil {
		b = append(b, `"id":`...)
		b = append(b, id...)
	}
	v := reflect.ValueOf(r).Elem()
	for k, name := range f.names {
		if k > 0 || id != nil {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
		enc, err := json.Marshal(v.Field(f.index[k]).Interface())
		if err != nil {
			return nil, err
		}
		b = append(b, enc...)
	}
	return append(b, '}'), nil
}
