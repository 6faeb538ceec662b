package textkit

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// words lists text's words as "word" with "|" after a sentence's last one.
func words(text string) string {
	var b []string
	for _, w := range Words(text, nil) {
		s := text[w.Start:w.End]
		if w.Flags&WordSentEnd != 0 {
			s += "|"
		}
		b = append(b, s)
	}
	return strings.Join(b, " ")
}

func TestWords(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"  ...  ", ""},
		{"Where is my order?", "Where is my order|"},
		{"I can't wait. It's late!", "I can't wait| It's late|"},
		{"I don’t know", "I don’t know|"},                  // typographic apostrophe inside a word
		{"'quoted' words'", "quoted words|"},               // apostrophes at the edges are not the word's
		{"It costs 59.90 today.", "It costs 59 90 today|"}, // "59.90" ends no sentence
		{"See e.g. the FAQ. Then call.", "See e g the FAQ| Then call|"},
		{"Mr. Smith called. No. 5 is fine", "Mr Smith called| No 5 is fine|"},
		{"Hello\n\nthe next para", "Hello| the next para|"},
		{"short line\nNext thought", "short line| Next thought|"},
		{"Café crème — très bien", "Café crème très bien|"},
		{"日本語のテキスト", "日本語のテキスト|"},
		{"bad \xff bytes", "bad bytes|"},
	} {
		if got := words(tc.in); got != tc.want {
			t.Errorf("Words(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWordFlagsAndHash(t *testing.T) {
	text := "REFUND now Ünïcode 2024 Paris x1"
	ws := Words(text, nil)
	want := []struct {
		word  string
		flags uint8
		lower string
	}{
		{"REFUND", WordCaps | WordUpper | WordASCII, "refund"},
		{"now", WordASCII, "now"},
		{"Ünïcode", 0, "ünïcode"}, // WordUpper is for ASCII capitals only
		{"2024", WordNumber | WordASCII, "0000"},
		{"Paris", WordUpper | WordASCII, "paris"},
		{"x1", WordASCII | WordSentEnd, "x0"},
	}
	if len(ws) != len(want) {
		t.Fatalf("Words(%q): %d words, want %d", text, len(ws), len(want))
	}
	for i, w := range want {
		got := ws[i]
		if text[got.Start:got.End] != w.word || got.Flags != w.flags || got.Hash != WordHash(w.lower) || string(got.AppendLower(nil, text)) != w.lower {
			t.Errorf("word %d = %q flags %05b, want %q flags %05b (hash of %q)", i, text[got.Start:got.End], got.Flags, w.word, w.flags, w.lower)
		}
	}
	if w := Words("Don’t", nil)[0]; string(w.AppendLower(nil, "Don’t")) != "don’t" || w.Hash != WordHash("don't") {
		t.Error("a ’ stays in the lower-case form of an otherwise ASCII word and hashes as '")
	}
	if WordHash("2nd") != WordHash("3nd") || WordHash("can't") != Words("CAN’T", nil)[0].Hash {
		t.Error("WordHash folds digits and reads ’ as '")
	}
}

func FuzzWords(f *testing.F) {
	for _, s := range []string{"Where is my order?", "I don’t know. Mr. Smith", "日本語 \xff x", "a\n\nb", "59.90!"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		prev := int32(0)
		ws := Words(s, nil)
		for i, w := range ws {
			if w.Start < prev || w.End <= w.Start || int(w.End) > len(s) {
				t.Fatalf("word %d [%d,%d) out of order or range in %q", i, w.Start, w.End, s)
			}
			if utf8.ValidString(s) && (!utf8.RuneStart(s[w.Start]) || int(w.End) < len(s) && !utf8.RuneStart(s[w.End])) {
				t.Fatalf("word %d [%d,%d) splits a character in %q", i, w.Start, w.End, s)
			}
			if lower := w.AppendLower(nil, s); utf8.ValidString(s) && !strings.Contains(s[w.Start:w.End], "’") && WordHash(string(lower)) != w.Hash {
				t.Fatalf("word %d %q: lower-case form %q does not hash to the word's hash", i, s[w.Start:w.End], lower)
			}
			prev = w.End
		}
		if len(ws) > 0 && ws[len(ws)-1].Flags&WordSentEnd == 0 {
			t.Fatalf("the last word of %q ends no sentence", s)
		}
	})
}
