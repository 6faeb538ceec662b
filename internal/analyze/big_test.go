package analyze

import (
	"strings"
	"testing"
	"time"
)

// TestReadLargeInput checks that the largest accepted text is read in
// bounded time: nothing in Read may be quadratic in the text.
func TestReadLargeInput(t *testing.T) {
	for _, unit := range []string{
		"fix it NOW!! third time, $5 for order 4471. ",
		"!! a ",
		"WAITING 3 weeks, ",
		"x",
	} {
		text := strings.Repeat(unit, MaxTextBytes/len(unit))
		start := time.Now()
		r, err := Read(text)
		took := time.Since(start)
		if err != nil {
			t.Fatalf("%q x %d: %v", unit, MaxTextBytes/len(unit), err)
		}
		t.Logf("%q: %d bytes in %s, %d concerns, %d reasons", unit, len(text), took.Round(time.Millisecond), len(r.Concerns), len(r.Reasons))
		if took > 10*time.Second {
			t.Errorf("%q: %s for %d bytes", unit, took, len(text))
		}
	}
}
