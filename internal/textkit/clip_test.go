package textkit

import (
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tc := range []struct {
		in          string
		n           int
		clip, short string
	}{
		{"refund", 10, "refund", "refund"},
		{"refund", 6, "refund", "refund"},
		{"refund", 3, "ref", "ref…"},
		{"café au lait", 4, "caf", "caf…"}, // é is two bytes: not split
		{"日本語", 4, "日", "日…"},
		{"日本語", 0, "", "…"},
		{"abc", -1, "", "…"},
		{"sorry for the wait", 6, "sorry ", "sorry…"}, // "…" onto the word, not detached
		{"sorry\u00a0\t\nfor", 8, "sorry\u00a0\t", "sorry…"},
	} {
		if got := Clip(tc.in, tc.n); got != tc.clip {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.clip)
		}
		if got := Shorten(tc.in, tc.n); got != tc.short {
			t.Errorf("Shorten(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.short)
		}
	}
}

func TestClipWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"the parcel  never\narrived", 40, "the parcel never arrived"},
		{"the parcel never arrived", 16, "the parcel…"},
		{"supercalifragilistic word", 10, "supercalif…"}, // no space past half: cut inside the word
	} {
		if got := ClipWords(tc.in, tc.n); got != tc.want {
			t.Errorf("ClipWords(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
}

func FuzzClip(f *testing.F) {
	for _, s := range []string{"refund", "日本語", "\xff\xfe bad", ""} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		got := Clip(s, n)
		if len(got) > max(n, 0) || len(s) > 0 && len(got) > len(s) {
			t.Fatalf("Clip(%q, %d) = %q: too long", s, n, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Clip(%q, %d) = %q: split a character", s, n, got)
		}
	})
}
