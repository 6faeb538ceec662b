package desk

import (
	"bytes"
	"encoding/json"
	"errors"
)

// AppendJSON appends the case as encoding/json encodes it (json.Marshal,
// HTML escaping on: the same bytes), without running the messages'
// stored readings through encoding/json's checks twice. encoding/json
// re-scans a Marshaler's output byte by byte, and a message's output is
// mostly its reading, stored as JSON: re-scanning the readings was a
// quarter of a case read's CPU (GET /api/v1/cases/{id}). Here each
// stored reading is copied as it is when it is already compact and
// HTML-escaped (what the desk stores on SQLite), and compacted and
// escaped as encoding/json would when not (PostgreSQL's JSONB gives it
// back with spaces).
func (c CaseDetail) AppendJSON(b []byte) ([]byte, error) {
	return c.appendParts(b, AllCaseParts)
}

// appendParts is AppendJSON with only the members of parts after the
// case's own: the answer of GET /api/v1/cases/{id}?include=….
func (c CaseDetail) appendParts(b []byte, parts CaseParts) ([]byte, error) {
	head, err := json.Marshal(c.Case)
	if err != nil {
		return b, err
	}
	b = append(b, head[:len(head)-1]...) // the case's object, still open
	if parts&PartMessages != 0 {
		b = append(b, `,"messages":`...)
		if b, err = appendMessages(b, c.Messages); err != nil {
			return b, err
		}
	}
	members := []struct {
		name string
		part CaseParts
		v    any
	}{
		{"concerns", PartConcerns, c.Concerns},
		{"escalations", PartEscalations, c.Escalations},
		{"commitments", PartCommitments, c.Promises},
		{"surveys", PartSurveys, c.Surveys},
		{"goodwill", PartGoodwill, c.Goodwill},
	}
	for _, m := range members {
		if parts&m.part == 0 {
			continue
		}
		enc, err := json.Marshal(m.v)
		if err != nil {
			return b, err
		}
		b = append(b, ',', '"')
		b = append(b, m.name...)
		b = append(b, '"', ':')
		b = append(b, enc...)
	}
	return append(b, '}'), nil
}

func appendMessages(b []byte, msgs []Message) ([]byte, error) {
	if msgs == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for k := range msgs {
		if k > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = msgs[k].appendJSON(b); err != nil {
			return b, err
		}
	}
	return append(b, ']'), nil
}

// appendJSON appends m as the encoder writes it (MarshalJSON's output,
// compacted and HTML-escaped). The stored JSON of a message — its
// reading when left encoded, its coach review — is spliced in after the
// "text" member where the encoder puts a review, and at the end where
// MarshalJSON puts a stored reading, rather than scanned by the encoder.
func (m Message) appendJSON(b []byte) ([]byte, error) {
	type plain Message
	p := plain(m)
	if m.Reading != nil {
		mb, err := json.Marshal(p)
		return append(b, mb...), err
	}
	reading, review := m.encodedReading, m.Review
	p.Review = nil
	mb, err := json.Marshal(p)
	if err != nil || (reading == nil && len(review) == 0) {
		return append(b, mb...), err
	}
	if len(review) > 0 {
		at := textMemberEnd(mb)
		if at < 0 {
			return b, errors.New("desk: encode message: no text member")
		}
		b = append(b, mb[:at]...)
		b = append(b, `,"review":`...)
		if b, err = appendCompactJSON(b, review); err != nil {
			return b, err
		}
		mb = mb[at:]
	}
	if reading == nil {
		return append(b, mb...), nil
	}
	// MarshalJSON writes a stored reading last.
	b = append(b, mb[:len(mb)-1]...)
	b = append(b, `,"reading":`...)
	if b, err = appendCompactJSON(b, reading); err != nil {
		return b, err
	}
	return append(b, '}'), nil
}

// textMemberEnd returns where the "text" member of an encoded message
// ends: after its string's closing quote. (`"text":` cannot occur inside
// a string, whose quotes are escaped, nor inside "raw_text".)
func textMemberEnd(mb []byte) int {
	i := bytes.Index(mb, []byte(`,"text":"`))
	if i < 0 {
		return -1
	}
	for j := i + len(`,"text":"`); j < len(mb); j++ {
		switch mb[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// appendCompactJSON appends src, stored JSON, as encoding/json writes a
// Marshaler's output: compacted, with <, >, &, U+2028 and U+2029 in
// strings escaped. Text that needs neither (one pass over its bytes,
// minding strings) is copied as it is; other text is compacted and
// escaped in one more pass. src is JSON the desk stored (or PostgreSQL's
// JSONB gave back): it is not validated again.
func appendCompactJSON(b, src []byte) ([]byte, error) {
	if len(src) == 0 {
		return b, errors.New("desk: encode: empty stored JSON")
	}
	if jsonIsCompactAndEscaped(src) {
		return append(b, src...), nil
	}
	inString := false
	start := 0
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			switch c {
			case '\\':
				i++
			case '"':
				inString = false
			case '<', '>', '&':
				b = append(b, src[start:i]...)
				b = append(b, '\\', 'u', '0', '0', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xF])
				start = i + 1
			case 0xE2:
				if i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xA8 || src[i+2] == 0xA9) {
					b = append(b, src[start:i]...)
					b = append(b, '\\', 'u', '2', '0', '2', "0123456789abcdef"[src[i+2]&0xF])
					i += 2
					start = i + 1
				}
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ' ', '\t', '\n', '\r':
			b = append(b, src[start:i]...)
			start = i + 1
		}
	}
	return append(b, src[start:]...), nil
}

// jsonIsCompactAndEscaped reports that src has no whitespace outside its
// strings and no character encoding/json would escape for HTML inside
// them (it does not validate: src is JSON the desk stored).
func jsonIsCompactAndEscaped(src []byte) bool {
	inString := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped character, whatever it is
			case '"':
				inString = false
			case '<', '>', '&':
				return false
			case 0xE2: // U+2028 and U+2029 are E2 80 A8 and E2 80 A9
				if i+2 < len(src) && src[i+1] == 0x80 && (src[i+2] == 0xA8 || src[i+2] == 0xA9) {
					return false
				}
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case ' ', '\t', '\n', '\r':
			return false
		}
	}
	return len(src) > 0
}
