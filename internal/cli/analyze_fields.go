package cli

import (
	"encoding/json"
	"fmt"
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

// readingFieldIndex maps each JSON name of analyze.Reading to its index
// for analyze.Reading.AppendField.
var readingFieldIndex = func() map[string]int {
	out := map[string]int{}
	for i, name := range analyze.ReadingFields() {
		out[name] = i
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
	for k, name := range f.names {
		if k > 0 || id != nil {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
		var err error
		if b, err = r.AppendField(b, f.index[k]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}
