package coach

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// FuzzReview feeds arbitrary bytes to Review: it must not panic, and every
// span it reports must lie inside the reply on rune boundaries.
func FuzzReview(f *testing.F) {
	for _, s := range []string{
		"Hi Dana, I'm so sorry. I will refund $59.90 within 3 business days.",
		"<p>Hi,</p><p>I&rsquo;m sorry. CALM DOWN!!!</p>",
		"You should have read the terms. That's our policy. Soon.",
		"\xff\xfe\xfd I'm \xc3 sorry",
		"Bonjour, nous sommes désolés.",
		"by Friday 28 November at 5pm, 2026-12-10, in 3-5 business days, next Monday morning",
		"ERR_CODE_1 INC-2231 €30 £40 40 dollars 1,200.50",
		"<a href='x", "&amp;&#39;&", "I'm sorry…", strings.Repeat("word ", 300),
		"calm down, as I said in my last email we will fix it soon", "To recap: … [date] <name> {order} {{x}} XX TBD ___",
		"We apologize for any inconvenience. Sorry if. It will not happen again, but", "Give a date or a duration",
	} {
		f.Add(s, uint8(2))
	}
	c := New(nil)
	levels := []analyze.Level{analyze.Calm, analyze.Annoyed, analyze.Angry, analyze.Furious}
	f.Fuzz(func(t *testing.T, reply string, lvl uint8) {
		ctx := Context{CustomerName: "Dana", SentAt: friday2310, Level: levels[int(lvl)%4], VentingWave: lvl > 128,
			Readings: []analyze.Reading{{Supported: true, Concerns: []analyze.Concern{{Kind: "problem", Text: reply}}}}}
		rv, err := c.Review(reply, ctx)
		if err != nil {
			return
		}
		check := func(what string, start, end int) {
			if start < 0 || end > len(reply) || start > end {
				t.Fatalf("%s span %d:%d outside reply of %d bytes", what, start, end, len(reply))
			}
			if end == start || !utf8.ValidString(reply) {
				return // nothing marked, or no characters to split
			}
			if start < len(reply) && !utf8.RuneStart(reply[start]) || end < len(reply) && !utf8.RuneStart(reply[end]) {
				t.Fatalf("%s span %d:%d splits a character", what, start, end)
			}
		}
		for _, s := range rv.Steps {
			check("step "+s.ID, s.Start, s.End)
		}
		for _, fd := range rv.Findings {
			check("finding "+fd.Rule, fd.Start, fd.End)
			if fd.Rewrite != "" {
				check("rewrite of "+fd.Rule, fd.RewriteStart, fd.RewriteEnd)
			}
		}
		for _, cm := range rv.Promises {
			check("commitment", cm.Start, cm.End)
		}
		if rv.Score < 0 || rv.Score > 100 {
			t.Fatalf("score %d", rv.Score)
		}
	})
}
