package textkit

import "testing"

func TestLazyRegexp(t *testing.T) {
	for _, c := range []struct {
		expr, text string
		want       bool
	}{
		{`^a+b$`, "aaab", true},
		{`^a+b$`, "ba", false},
		{`(?i)hello`, "HeLLo there", true},
	} {
		re := LazyRegexp(c.expr)
		if got := re().MatchString(c.text); got != c.want {
			t.Errorf("%q on %q: got %v, want %v", c.expr, c.text, got, c.want)
		}
		if first, again := re(), re(); first != again {
			t.Errorf("%q: compiled twice", c.expr)
		}
	}
	bad := LazyRegexp(`(`) // does not panic until used
	defer func() {
		if recover() == nil {
			t.Error("invalid expression used without a panic")
		}
	}()
	bad()
}
