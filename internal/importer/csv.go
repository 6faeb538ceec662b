package importer

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// newCSV reads a CSV export with a header row naming the columns (see
// fieldNames); unknown columns are ignored.
func newCSV(r io.Reader) (func() (Record, error), error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // a short row is reported as that row's problem
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("importer: CSV header: %w", err)
	}
	cols := make([]string, len(header))
	seen := map[string]bool{}
	for i, name := range header {
		if i == 0 {
			name = strings.TrimPrefix(name, "\uFEFF") // spreadsheet programs write a BOM
		}
		canon := canonicalField(name)
		if canon != "" && !seen[canon] {
			cols[i], seen[canon] = canon, true
		}
	}
	for _, need := range []string{"customer_email", "text"} {
		if !seen[need] {
			return nil, fmt.Errorf("importer: CSV header has no %s column (it has %s)", need, strings.Join(header, ", "))
		}
	}
	return func() (Record, error) {
		row, err := cr.Read()
		if err == io.EOF {
			return Record{}, io.EOF
		}
		if err != nil {
			// encoding/csv cannot resynchronise after a broken quote.
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				return Record{}, fmt.Errorf("importer: CSV line %d: %w", perr.Line, perr.Err)
			}
			return Record{}, fmt.Errorf("importer: CSV: %w", err)
		}
		line, _ := cr.FieldPos(0) // only valid after a successful Read
		rec := Record{Position: line}
		if len(row) != len(cols) {
			return Record{}, &RecordError{line, fmt.Errorf("%d fields, the header has %d", len(row), len(cols))}
		}
		for i, v := range row {
			if cols[i] != "" {
				if err := rec.set(cols[i], v); err != nil {
					return Record{}, &RecordError{line, err}
				}
			}
		}
		rec, err = finish(rec)
		if err != nil {
			return Record{}, &RecordError{line, err}
		}
		return rec, nil
	}, nil
}
