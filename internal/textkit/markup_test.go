package textkit

import (
	"strings"
	"testing"
)

func TestBlankMarkup(t *testing.T) {
	for _, tc := range []struct {
		in    string
		looks bool
		want  string
	}{
		{"a < b and c > d", false, "a < b and c > d"},                 // no tag: a comparison stays
		{"I <3 it > all", true, "I" + strings.Repeat(" ", 9) + "all"}, // "<3 it >" has the shape of a tag
		{"<p>Hi &amp; bye</p>", true, "   Hi       bye    "},
		{"<P>one</P>\n<br/>two", true, "   one    \n     two"},
		{"x<script>var a = '<b>';</script>y", true, "x                               y"},
		{"x<STYLE>p{}</style >y", true, "x                   y"},
		{"<b>unclosed", true, "   unclosed"},
		{"tom & jerry; ok", false, "tom & jerry; ok"}, // not an entity
		{"I&rsquo;m <i>here</i>", true, "I" + strings.Repeat(" ", 7) + "m    here    "},
		{"<!-- note --><p>x", true, strings.Repeat(" ", 16) + "x"},
		{"price <5 items> ok", true, "price" + strings.Repeat(" ", 11) + "ok"},
	} {
		if got := LooksLikeMarkup(tc.in); got != tc.looks {
			t.Errorf("LooksLikeMarkup(%q) = %v, want %v", tc.in, got, tc.looks)
		}
		got := BlankMarkup(tc.in)
		if got != tc.want {
			t.Errorf("BlankMarkup(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if len(got) != len(tc.in) || strings.Count(got, "\n") != strings.Count(tc.in, "\n") {
			t.Errorf("BlankMarkup(%q) moved offsets or lines", tc.in)
		}
	}
}

func TestTagAndEntity(t *testing.T) {
	for _, tc := range []struct {
		in   string
		end  int
		name string
		ok   bool
	}{
		{"<p>", 3, "p", true},
		{"</DIV>x", 6, "div", true},
		{"<!DOCTYPE html>", 15, "doctype", true},
		{"<!-- c -->", 10, "--", true},
		{"< p>", 0, "", false},
		{"<p", 0, "", false},
		{"<" + strings.Repeat("a", 2001) + ">", 0, "", false},
	} {
		end, name, ok := Tag(tc.in, 0)
		if end != tc.end || name != tc.name || ok != tc.ok {
			t.Errorf("Tag(%q) = %d %q %v, want %d %q %v", tc.in, end, name, ok, tc.end, tc.name, tc.ok)
		}
	}
	for _, tc := range []struct {
		in  string
		end int
		ok  bool
	}{
		{"&amp;", 5, true}, {"&#8217;x", 7, true}, {"&;", 0, false}, {"& amp;", 0, false}, {"&verylongname;", 0, false},
	} {
		if end, ok := Entity(tc.in, 0); end != tc.end || ok != tc.ok {
			t.Errorf("Entity(%q) = %d %v, want %d %v", tc.in, end, ok, tc.end, tc.ok)
		}
	}
	if !ApostropheEntity("&RSQUO;") || ApostropheEntity("&amp;") || ReplaceApostropheEntities("I&#39;m") != "I'm" {
		t.Error("apostrophe entities")
	}
}

func FuzzBlankMarkup(f *testing.F) {
	for _, s := range []string{"<p>a &amp; b</p>", "<script>x</script>", "a < b", "<b\n>x", "&#39;<"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := BlankMarkup(s)
		if len(got) != len(s) {
			t.Fatalf("BlankMarkup(%q) changed the length", s)
		}
		for i := 0; i < len(s); i++ {
			if got[i] != s[i] && got[i] != ' ' || s[i] == '\n' && got[i] != '\n' {
				t.Fatalf("BlankMarkup(%q) = %q: byte %d neither kept nor blanked", s, got, i)
			}
		}
	})
}
