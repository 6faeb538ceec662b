package web

import "testing"

func TestParseCents(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"30", 3000, true},
		{"29.90", 2990, true},
		{"29.9", 2990, true},
		{"12,50", 1250, true},
		{"12,5", 1250, true},
		{"$ 1,250.00", 125000, true},
		{"1,250", 125000, true},
		{"€7", 700, true},
		{".5", 50, true},
		{"12,5x", 0, false},
		{"12.345", 0, false},
		{"", 0, false},
		{"abc", 0, false},
	} {
		got, err := parseCents(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseCents(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
