package importer

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
)

// maxLineBytes bounds one JSONL line: a message with its quoted history.
const maxLineBytes = 4 << 20

// newJSONL reads one JSON object per line with the CSV columns as keys
// (strings), plus "customer": {"email", "name"} as the API takes it and
// "in_reply_to": [ids]. Blank lines are skipped.
func newJSONL(r io.Reader) func() (Record, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLineBytes)
	line := 0
	return func() (Record, error) {
		for sc.Scan() {
			line++
			b := bytes.TrimSpace(sc.Bytes())
			if len(b) == 0 {
				continue
			}
			rec, err := decodeJSONRecord(b)
			if err != nil {
				return Record{}, &RecordError{line, err}
			}
			rec.Position = line
			if rec, err = finish(rec); err != nil {
				return Record{}, &RecordError{line, err}
			}
			return rec, nil
		}
		if err := sc.Err(); err != nil {
			if errors.Is(err, bufio.ErrTooLong) {
				return Record{}, fmt.Errorf("importer: JSONL line %d is longer than %d bytes", line+1, maxLineBytes)
			}
			return Record{}, fmt.Errorf("importer: JSONL: %w", err)
		}
		return Record{}, io.EOF
	}
}

func decodeJSONRecord(b []byte) (Record, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return Record{}, fmt.Errorf("not a JSON object: %w", err)
	}
	// Aliases first, documented names last: when an export has both ("id"
	// and "external_id"), the documented name wins, whatever the key order.
	keys := slices.Sorted(maps.Keys(obj))
	slices.SortStableFunc(keys, func(a, b string) int {
		return cmp.Compare(boolInt(canonicalField(a) == a), boolInt(canonicalField(b) == b))
	})
	var rec Record
	for _, key := range keys {
		raw := obj[key]
		switch key {
		case "customer":
			var c struct{ Email, Name string }
			if err := json.Unmarshal(raw, &c); err != nil {
				return Record{}, fmt.Errorf("customer: want {\"email\", \"name\"}: %w", err)
			}
			rec.CustomerEmail, rec.CustomerName = c.Email, c.Name
			continue
		case "in_reply_to":
			if err := json.Unmarshal(raw, &rec.InReplyTo); err != nil {
				return Record{}, fmt.Errorf("in_reply_to: want a list of ids: %w", err)
			}
			continue
		}
		field := canonicalField(key)
		if field == "" {
			continue
		}
		v, err := jsonText(raw)
		if err != nil {
			return Record{}, fmt.Errorf("%s: %w", key, err)
		}
		if err := rec.set(field, v); err != nil {
			return Record{}, err
		}
	}
	return rec, nil
}

// jsonText accepts a string, a number (ids, Unix times) or null.
func jsonText(raw json.RawMessage) (string, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err == nil {
		return n.String(), nil
	}
	if string(raw) == "null" {
		return "", nil
	}
	return "", errors.New("want a string")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
