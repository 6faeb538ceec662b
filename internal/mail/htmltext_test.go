package mail

import (
	"strings"
	"testing"
)

func TestHTMLToText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"paragraphs", "<p>One</p><p>Two</p>", "One\n\nTwo"},
		{"divs are lines", "<div>One</div><div>Two</div>", "One\nTwo"},
		{"br", "a<br>b<br/>c", "a\nb\nc"},
		{"list", "<ul><li>x</li><li>y</li></ul>", "- x\n- y"},
		{"entities and nbsp", "Fish&nbsp;&amp;&nbsp;chips &lt;3", "Fish & chips <3"},
		{"scripts and styles dropped", "<style>p{color:red}</style><script>alert(1)</script><p>ok</p>", "ok"},
		{"head dropped", "<html><head><title>T</title></head><body>B</body></html>", "B"},
		{"blockquote quoted", "Yes.<blockquote>old<br>older</blockquote>", "Yes.\n> old\n> older"},
		{"gmail quote container", `New<div class="gmail_quote">On Mon, Sam wrote:<blockquote>old</blockquote></div>`, "New\n> On Mon, Sam wrote:\n> > old"},
		{"nested depth capped", strings.Repeat("<blockquote>", 50) + "deep", strings.Repeat("> ", maxQuoteDepth) + "deep"},
		{"unclosed tags", "<p>open <b>bold", "open bold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HTMLToText(tt.in); got != tt.want {
				t.Errorf("HTMLToText(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSanitizeHTML(t *testing.T) {
	in := `<p onclick="x()">Hi <a href="javascript:alert(1)">x</a> <a href="https://ok.example/">ok</a></p>` +
		`<img src="https://track.example/p.gif"><img src="cid:part1@x"><img src="data:image/png;base64,iVBORw0KGgo=">` +
		`<style>*{}</style><script>alert(1)</script><iframe src="https://x.example"></iframe><table background="https://x.example/b.png"><tr><td>cell</td></tr></table>`
	got := SanitizeHTML(in)
	for _, bad := range []string{"onclick", "javascript:", "track.example", "<style", "<script", "<iframe", "x.example/b.png"} {
		if strings.Contains(got, bad) {
			t.Errorf("sanitised HTML keeps %q:\n%s", bad, got)
		}
	}
	for _, good := range []string{`href="https://ok.example/"`, `src="cid:part1@x"`, `src="data:image/png;base64,`, "<td>cell</td>"} {
		if !strings.Contains(got, good) {
			t.Errorf("sanitised HTML lost %q:\n%s", good, got)
		}
	}
}

func TestResolveInlineImages(t *testing.T) {
	in := parseFixture(t, "apple_mail.eml", Limits{})
	got := ResolveInlineImages(in.HTML, func(cid string) (string, bool) {
		for i, a := range in.Attachments {
			if a.ContentID == cid {
				return "/attachments/" + string(rune('1'+i)) + "?a=1&b=2", true
			}
		}
		return "", false
	})
	if !strings.Contains(got, `src="/attachments/1?a=1&amp;b=2"`) || strings.Contains(got, "cid:") {
		t.Errorf("resolved HTML:\n%s", got)
	}
	unknown := ResolveInlineImages(`<img src="cid:nope">`, func(string) (string, bool) { return "", false })
	if unknown != `<img src="">` {
		t.Errorf("unresolved image = %s", unknown)
	}
}
