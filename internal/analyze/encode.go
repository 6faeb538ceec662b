package analyze

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// ErrUnencodable is returned by AppendJSON for a Reading that
// encoding/json would refuse (a NaN or infinite score); json.Marshal
// gives the detailed error.
var ErrUnencodable = errors.New("analyze: reading holds a value JSON cannot encode")

// AppendJSON appends r encoded exactly as encoding/json's Marshal encodes
// it (the same bytes: field order, map keys sorted, HTML-safe string
// escapes, floats as ES6 numbers), without reflection and without
// allocating beyond the growth of b. Tests hold it byte for byte against
// json.Marshal on fuzzed Readings.
func (r *Reading) AppendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	for i := range readingFieldNames {
		if i == fieldCategoryScore && r.CategoryScore == 0 {
			continue // omitempty
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, readingFieldKeys[i]...)
		var err error
		if b, err = r.AppendField(b, i); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

// ReadingFields returns the JSON names of a Reading's fields, in order;
// AppendField takes a field by its index in this list.
func ReadingFields() []string { return slices.Clone(readingFieldNames) }

var readingFieldNames = []string{"language", "supported", "anger", "level", "angry", "emotions", "labels",
	"sentiment", "sentiment_score", "complaint", "reasons", "concerns", "signals", "category",
	"category_score", "sentences"}

// fieldCategoryScore is the one field with omitempty.
const fieldCategoryScore = 14

// readingFieldKeys are the `"name":` prefixes of readingFieldNames.
var readingFieldKeys = func() []string {
	out := make([]string, len(readingFieldNames))
	for i, n := range readingFieldNames {
		out[i] = `"` + n + `":`
	}
	return out
}()

// AppendField appends the JSON value of field i (an index into
// ReadingFields) as json.Marshal would encode that field's value alone.
func (r *Reading) AppendField(b []byte, i int) ([]byte, error) {
	switch i {
	case 0:
		return appendJSONString(b, r.Language), nil
	case 1:
		return strconv.AppendBool(b, r.Supported), nil
	case 2:
		return strconv.AppendInt(b, int64(r.Anger), 10), nil
	case 3:
		return appendJSONString(b, string(r.Level)), nil
	case 4:
		return strconv.AppendBool(b, r.Angry), nil
	case 5:
		return appendEmotions(b, r.Emotions)
	case 6:
		if r.Labels == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for k, l := range r.Labels {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, l)
		}
		return append(b, ']'), nil
	case 7:
		return appendJSONString(b, r.Sentiment), nil
	case 8:
		return appendJSONFloat(b, r.SentimentScore)
	case 9:
		return strconv.AppendBool(b, r.Complaint), nil
	case 10:
		return appendReasons(b, r.Reasons)
	case 11:
		return appendConcerns(b, r.Concerns), nil
	case 12:
		if r.Signals == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for k := range r.Signals {
			if k > 0 {
				b = append(b, ',')
			}
			s := &r.Signals[k]
			b = append(b, `{"kind":`...)
			b = appendJSONString(b, s.Kind)
			b = append(b, `,"text":`...)
			b = appendJSONString(b, s.Text)
			b = appendStartEnd(b, s.Start, s.End)
			b = append(b, '}')
		}
		return append(b, ']'), nil
	case 13:
		return appendJSONString(b, r.Category), nil
	case 14:
		return appendJSONFloat(b, r.CategoryScore)
	case 15:
		if r.Sentences == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for k, s := range r.Sentences {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"start":`...)
			b = strconv.AppendInt(b, int64(s.Start), 10)
			b = append(b, `,"end":`...)
			b = strconv.AppendInt(b, int64(s.End), 10)
			b = append(b, `,"anger":`...)
			b = strconv.AppendInt(b, int64(s.Anger), 10)
			b = append(b, '}')
		}
		return append(b, ']'), nil
	}
	return b, errors.New("analyze: no such reading field")
}

func appendStartEnd(b []byte, start, end int) []byte {
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, int64(start), 10)
	b = append(b, `,"end":`...)
	return strconv.AppendInt(b, int64(end), 10)
}

// appendEmotions encodes the map with its keys sorted, as encoding/json
// does; the 28 keys are sorted in place on the stack.
func appendEmotions(b []byte, m map[string]float64) ([]byte, error) {
	if m == nil {
		return append(b, "null"...), nil
	}
	var arr [40]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for k, name := range keys {
		if k > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, name)
		b = append(b, ':')
		var err error
		if b, err = appendJSONFloat(b, m[name]); err != nil {
			return b, err
		}
	}
	return append(b, '}'), nil
}

func appendReasons(b []byte, rs []Reason) ([]byte, error) {
	if rs == nil {
		return append(b, "null"...), nil
	}
	b = append(b, '[')
	for k := range rs {
		if k > 0 {
			b = append(b, ',')
		}
		x := &rs[k]
		b = append(b, `{"kind":`...)
		b = appendJSONString(b, x.Kind)
		b = append(b, `,"text":`...)
		b = appendJSONString(b, x.Text)
		b = appendStartEnd(b, x.Start, x.End)
		b = append(b, `,"weight":`...)
		var err error
		if b, err = appendJSONFloat(b, x.Weight); err != nil {
			return b, err
		}
		b = append(b, '}')
	}
	return append(b, ']'), nil
}

func appendConcerns(b []byte, cs []Concern) []byte {
	if cs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for k := range cs {
		if k > 0 {
			b = append(b, ',')
		}
		c := &cs[k]
		b = append(b, `{"kind":`...)
		b = appendJSONString(b, c.Kind)
		b = append(b, `,"text":`...)
		b = appendJSONString(b, c.Text)
		b = appendStartEnd(b, c.Start, c.End)
		b = append(b, `,"entities":`...)
		if c.Entities == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, '[')
			for j := range c.Entities {
				if j > 0 {
					b = append(b, ',')
				}
				e := &c.Entities[j]
				b = append(b, `{"kind":`...)
				b = appendJSONString(b, e.Kind)
				b = append(b, `,"text":`...)
				b = appendJSONString(b, e.Text)
				b = append(b, `,"value":`...)
				b = appendJSONString(b, e.Value)
				b = appendStartEnd(b, e.Start, e.End)
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, `,"paraphrase":`...)
		b = appendJSONString(b, c.Paraphrase)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendJSONFloat is encoding/json's float64 encoding (ES6 number
// formatting); NaN and infinities are refused as Marshal refuses them.
func appendJSONFloat(b []byte, f float64) ([]byte, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return b, ErrUnencodable
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

// jsonSafe marks the ASCII bytes encoding/json writes as they are (its
// htmlSafeSet: printable ASCII and DEL, but for " \ < > &).
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendJSONString is encoding/json's string encoding with HTML escaping
// (its default): the same escapes, invalid UTF-8 as \ufffd, U+2028 and
// U+2029 escaped.
func appendJSONString(dst []byte, src string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(src); {
		if c := src[i]; c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			dst = append(dst, src[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(src[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, src[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, src[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, src[start:]...)
	return append(dst, '"')
}
