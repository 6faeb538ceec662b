package desk

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestAppendCompactJSON holds appendCompactJSON against encoding/json's
// treatment of a Marshaler's output (json.Compact, then json.HTMLEscape).
func TestAppendCompactJSON(t *testing.T) {
	for _, src := range []string{
		`{"a":1}`,
		`{"a": 1, "b" : [1, 2,	3],
		 "c": {"d": "e f"}}`,
		`{"t":"<b> & </b>","u":"x\u2028y\u2029z","v":"\"<\\>\""}`,
		"{\"raw\": \"a \u2028 b \u2029 <&> \u20ac \u00e9 😡\"}",
		`["\\", "\"", " ", "\\\"<"]`,
		`"just a string with spaces"`,
		`null`,
		` {"padded": true} `,
		`{"esc":"\u003c already escaped \u0026"}`,
	} {
		var want bytes.Buffer
		if err := json.Compact(&want, []byte(src)); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
		var escaped bytes.Buffer
		json.HTMLEscape(&escaped, want.Bytes())
		got, err := appendCompactJSON([]byte("x"), []byte(src))
		if err != nil || !bytes.Equal(got[1:], escaped.Bytes()) {
			t.Errorf("%s\n got %s (%v)\nwant %s", src, got[1:], err, escaped.Bytes())
		}
	}
	if _, err := appendCompactJSON(nil, nil); err == nil {
		t.Error("empty stored JSON accepted")
	}
}
