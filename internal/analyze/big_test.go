package analyze

import (
	"fmt"
	"strings"
	"testing"
)

// TestReadLargeInput checks that the largest accepted text is read. Its
// cost (nothing in Read may be quadratic in the text) is measured by
// BenchmarkReadLargeInput, not by a wall-clock limit a loaded machine breaks.
func TestReadLargeInput(t *testing.T) {
	for _, unit := range []string{
		"fix it NOW!! third time, $5 for order 4471. ",
		"!! a ",
		"WAITING 3 weeks, ",
		"x",
	} {
		text := strings.Repeat(unit, MaxTextBytes/len(unit))
		r, err := Read(text)
		if err != nil {
			t.Fatalf("%q x %d: %v", unit, MaxTextBytes/len(unit), err)
		}
		if r.Anger < 0 || r.Anger > 100 {
			t.Errorf("%q: anger %d out of 0–100", unit, r.Anger)
		}
	}
}

// BenchmarkReadLargeInput reads the largest accepted text, against a text a
// tenth its size: ns/op should grow about tenfold (linear), not a hundredfold.
func BenchmarkReadLargeInput(b *testing.B) {
	unit := "fix it NOW!! third time, $5 for order 4471. "
	for _, size := range []int{MaxTextBytes / 10, MaxTextBytes} {
		text := strings.Repeat(unit, size/len(unit))
		b.Run(fmt.Sprintf("%dKB", len(text)/1024), func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for b.Loop() {
				if _, err := Read(text); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
