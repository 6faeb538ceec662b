package web

import (
	"strings"
	"testing"
)

func TestSegmentsTrustNoSpan(t *testing.T) {
	text := "Fix it NÖW. 👎 I want a manager!"
	now := strings.Index(text, "NÖW")
	thumb := strings.Index(text, "👎")
	cases := []struct {
		name  string
		marks []mark
		want  []string // highlighted texts, in order
	}{
		{"plain", nil, nil},
		{"one", []mark{{Start: now, End: now + len("NÖW")}}, []string{"NÖW"}},
		{"emoji", []mark{{Start: thumb, End: thumb + len("👎")}}, []string{"👎"}},
		{"inside a character", []mark{{Start: now + 2, End: now + 4}}, nil},
		{"out of range", []mark{{Start: -1, End: 3}, {Start: 5, End: len(text) + 1}}, nil},
		{"empty and reversed", []mark{{Start: 4, End: 4}, {Start: 6, End: 2}}, nil},
		{"overlap keeps the first", []mark{{Start: 0, End: 6}, {Start: 4, End: 10}, {Start: thumb, End: thumb + len("👎")}}, []string{"Fix it", "👎"}},
		{"unsorted", []mark{{Start: thumb, End: thumb + len("👎")}, {Start: 0, End: 3}}, []string{"Fix", "👎"}},
	}
	for _, tc := range cases {
		segs := segments(text, tc.marks)
		var all strings.Builder
		var got []string
		for _, s := range segs {
			all.WriteString(s.Text)
			if s.Mark != nil {
				got = append(got, s.Text)
			}
		}
		if all.String() != text {
			t.Errorf("%s: segments lose text: %q", tc.name, all.String())
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("%s: highlighted %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestUTF16Offsets(t *testing.T) {
	text := "é👎a"
	for _, tc := range []struct{ byteOff, want int }{
		{0, 0}, {2, 1}, {6, 3}, {7, 4}, {1, -1}, {3, -1}, {8, -1}, {-1, -1},
	} {
		if got := utf16Offset(text, tc.byteOff); got != tc.want {
			t.Errorf("utf16Offset(%q, %d) = %d, want %d", text, tc.byteOff, got, tc.want)
		}
	}
}
