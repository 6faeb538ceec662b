package coach

import (
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// storyOne is the context of story 1: Dana, charged twice for order 4471,
// answered on Monday 30 November 2026 at 09:30 (billing: 3 business days).
func storyOne(t *testing.T) Context {
	t.Helper()
	r, err := analyze.Default().Read("This is the third time I write. You charged me twice for order 4471 and nobody answers. Fix it NOW.")
	if err != nil {
		t.Fatal(err)
	}
	return Context{CustomerName: "Dana Reyes", Readings: []analyze.Reading{r}, Category: "billing",
		SentAt: time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC), AgentName: "Sam"}
}

func apply(reply string, f Finding) string {
	return reply[:f.RewriteStart] + f.Rewrite + reply[f.RewriteEnd:]
}

// Every rewrite the coach offers, applied, gives the reply the case's real
// facts and nothing that is not for the customer.
func TestRewritesAreCustomerText(t *testing.T) {
	c := New(nil)
	ctx := storyOne(t)
	tests := []struct {
		reply, rule, want string
	}{
		{"calm down, as I already said we will fix it soon", playbook.RuleMinimizing, "I can see why this has upset you. As I already said we will fix it soon"},
		{"calm down, as I already said we will fix it soon", playbook.RuleVagueTiming, "calm down, as I already said we will fix it by Thursday 3 December"},
		{"I'm sorry. As I said in my last email, the refund is on its way.", playbook.RuleArguing, "I'm sorry. To recap, the refund is on its way."},
		{"Hi Dana, we apologize for any inconvenience this may have caused. I will refund the duplicate charge by Thursday.", playbook.RuleRobotic, "Hi Dana, I'm sorry we charged you twice for order 4471 and nobody answers. I will refund the duplicate charge by Thursday."},
		{"I'm sorry. The refund takes a few days.", playbook.RuleVagueTiming, "I'm sorry. The refund takes 3 business days."},
		{"Sorry if this caused trouble. I will refund it by Thursday.", playbook.RuleNonApology, "Sorry that this caused trouble. I will refund it by Thursday."},
		{"I'm sorry. Rest assured, it will not happen again.", playbook.RuleOverpromise, "I'm sorry. Rest assured, I have taken steps to stop this happening again."},
		{"Hi Dana, I'm sorry. I will refund the duplicate $59.90.", playbook.RuleNoExpectation, "Hi Dana, I'm sorry. I will refund the duplicate $59.90 by Thursday 3 December."},
	}
	for _, tt := range tests {
		rv, err := c.Review(tt.reply, ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, f := range rv.Findings {
			if f.Rule == tt.rule && f.Rewrite != "" {
				got = apply(tt.reply, f)
				if f.Hint == "" || f.Hint == f.Rewrite || f.Suggestion != f.Hint {
					t.Errorf("%q: %s: hint %q, suggestion %q, rewrite %q", tt.reply, f.Rule, f.Hint, f.Suggestion, f.Rewrite)
				}
				break
			}
		}
		if got != tt.want {
			t.Errorf("%q: %s applied = %q, want %q", tt.reply, tt.rule, got, tt.want)
		}
	}
}

// Whatever the reply, no rewrite holds a placeholder or a hint, and
// applying one never adds a placeholder finding.
func TestNoRewriteIsAnInstruction(t *testing.T) {
	c := New(nil)
	for _, ctx := range []Context{storyOne(t), {Level: analyze.Angry}} {
		for _, cc := range loadCorpus(t) {
			rv, err := c.Review(cc.reply, ctx)
			if err != nil {
				continue
			}
			for _, f := range rv.Findings {
				if f.Rewrite == "" {
					continue
				}
				if strings.ContainsAny(f.Rewrite, "…<>{}[]") || strings.Contains(f.Rewrite, "...") {
					t.Errorf("%s: %s rewrite %q holds a placeholder", cc.id, f.Rule, f.Rewrite)
				}
				after, err := c.Review(apply(cc.reply, f), ctx)
				if err != nil {
					t.Errorf("%s: applying %q: %v", cc.id, f.Rewrite, err)
					continue
				}
				if rules(after)[playbook.RulePlaceholder] && !rules(rv)[playbook.RulePlaceholder] {
					t.Errorf("%s: applying %s's %q made a placeholder", cc.id, f.Rule, f.Rewrite)
				}
			}
		}
	}
}

// A missing fact is left out, not written as a blank.
func TestRewriteWithoutFacts(t *testing.T) {
	c := New(nil)
	reply := "We apologize for any inconvenience. We will fix it soon."
	rv, err := c.Review(reply, Context{Level: analyze.Angry})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		playbook.RuleRobotic:     "I'm sorry for the trouble this has caused you. We will fix it soon.",
		playbook.RuleVagueTiming: "We apologize for any inconvenience. We will fix it within 2 business days.",
	}
	for _, f := range rv.Findings {
		if w, ok := want[f.Rule]; ok {
			if got := apply(reply, f); got != w {
				t.Errorf("%s applied = %q, want %q", f.Rule, got, w)
			}
			delete(want, f.Rule)
		}
	}
	if len(want) > 0 {
		t.Errorf("no rewrite for %v: %+v", want, rv.Findings)
	}
}

// Placeholders and pasted advice never tick a step, never become a promise
// nor its time, and are reported; ordinary ellipses and HTML are not.
func TestPlaceholdersAreIgnored(t *testing.T) {
	c := New(nil)
	ctx := storyOne(t)
	tests := []struct {
		reply  string
		blanks []string
	}{
		{`Hi Dana, I'm sorry. We will fix it Give a date or a duration: "by Tuesday 8 December" or "within 2 business days".`, []string{`Give a date or a duration: "by Tuesday 8 December" or "within 2 business days"`}},
		{"Hi Dana, I'm sorry. To recap: …", []string{"…"}},
		{"Hi <name>, I'm sorry. I will refund order {order} by [date].", []string{"<name>", "{order}", "[date]"}},
		{"Hi Dana, I'm sorry. I'll have it fixed by <day and date>.", []string{"<day and date>"}},
		{"Hi {{name}}, I'm sorry. Your refund goes out on XX/XX, TBD.", []string{"{{name}}", "XX", "XX", "TBD"}},
		{"Hi Dana, I'm sorry for ... and I will refund it by ___.", []string{"...", "___"}},
		{"Hi Dana, I'm sorry. Well… I will refund it by Thursday.", nil},
		{"<p>Hi Dana,</p><p>I'm sorry. I will refund it by Thursday.</p>", nil},
		{"Hi Dana, I'm sorry. See note [1] — I will refund it by Thursday.", nil},
		{"Hi Dana, I apologize for what happened, full stop. I will refund it by Thursday.", nil},
		{"Hi Dana, I'm sorry: the refund goes out today. ...1/2", nil},
		{"Hi Dana, I'm sorry. Name the fix or give options.", []string{"Name the fix or give options"}},
	}
	for _, tt := range tests {
		rv, err := c.Review(tt.reply, ctx)
		if err != nil {
			t.Fatal(err)
		}
		var blanks []string
		for _, f := range rv.Findings {
			if f.Rule == playbook.RulePlaceholder {
				blanks = append(blanks, f.Text)
				// Only a bracketed blank naming a known fact is offered filled.
				if f.Severity != playbook.Error || f.Rewrite != "" && !strings.ContainsAny(f.Text[:1], "[{<") {
					t.Errorf("%q: placeholder finding %+v", tt.reply, f)
				}
			}
		}
		if strings.Join(blanks, "|") != strings.Join(tt.blanks, "|") {
			t.Errorf("%q: placeholders %q, want %q", tt.reply, blanks, tt.blanks)
		}
		if len(tt.blanks) == 0 {
			continue
		}
		if rv.Ready {
			t.Errorf("%q: ready to send with a placeholder", tt.reply)
		}
		for _, s := range rv.Steps {
			if s.Done && s.ID == playbook.StepExpectation {
				t.Errorf("%q: a placeholder ticked %s at %q", tt.reply, s.ID, tt.reply[s.Start:s.End])
			}
		}
		for _, p := range rv.Promises {
			for _, b := range tt.blanks {
				if strings.Contains(p.Action, b) || strings.Contains(p.DueText, b) || strings.Contains(strings.ToLower(p.Action), "give a date") {
					t.Errorf("%q: promise %+v holds the placeholder %q", tt.reply, p, b)
				}
			}
			if p.DueAt != nil {
				t.Errorf("%q: a placeholder gave the promise %q a due time %v", tt.reply, p.Action, p.DueAt)
			}
		}
	}
	// A reply of nothing but advice is reviewed as nothing.
	rv, err := c.Review("Name the fix or give options.", ctx)
	if err != nil || rv.Ready || len(rv.Promises) != 0 || !rules(rv)[playbook.RulePlaceholder] {
		t.Errorf("advice alone: %+v, %v", rv, err)
	}
}

// A promise without a time asks for one and offers the promise with the
// due date the calendar gives; taking it tracks a real due time.
func TestVaguePromisePrompts(t *testing.T) {
	c := New(nil)
	ctx := storyOne(t)
	reply := "Hi Dana, I'm sorry we charged you twice. I will refund the duplicate $59.90."
	rv, err := c.Review(reply, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.Promises) != 1 {
		t.Fatalf("promises %+v", rv.Promises)
	}
	p := rv.Promises[0]
	if !p.Vague || p.Prompt == "" || p.Rewrite != "I will refund the duplicate $59.90 by Thursday 3 December" {
		t.Fatalf("vague promise %+v", p)
	}
	fixed := reply[:p.Start] + p.Rewrite + reply[p.End:]
	rv, err = c.Review(fixed, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rv.Promises) != 1 || rv.Promises[0].Vague || rv.Promises[0].DueAt == nil || rv.Promises[0].Prompt != "" || rv.Promises[0].Rewrite != "" {
		t.Fatalf("after the rewrite: %+v", rv.Promises)
	}
	if due := rv.Promises[0].DueAt; due.Weekday() != time.Thursday || due.Day() != 3 {
		t.Errorf("due %v, want Thursday 3 December", due)
	}
}

// A missing step gets a sentence to insert after the greeting, made of the
// case's facts; inserting it takes the step, so it is not offered again.
func TestInsertionsTakeTheStep(t *testing.T) {
	c := New(nil)
	ctx := storyOne(t)
	reply := "Hi Dana,\n\nThanks for your message."
	rv, err := c.Review(reply, ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		playbook.RuleMissingApology: "I'm sorry we charged you twice for order 4471 and nobody answers. ",
		playbook.RuleNoAction:       "I will refund the incorrect charge to your original payment method by Thursday 3 December. ",
	}
	n := 0
	for _, f := range rv.Findings {
		if f.Rewrite == "" {
			continue
		}
		n++
		if f.RewriteStart != f.RewriteEnd || f.RewriteStart != strings.Index(reply, "Thanks") {
			t.Errorf("%s: inserts at %d..%d, want after the greeting", f.Rule, f.RewriteStart, f.RewriteEnd)
		}
		if w, ok := want[f.Rule]; ok && f.Rewrite != w {
			t.Errorf("%s: rewrite %q, want %q", f.Rule, f.Rewrite, w)
		}
		after, err := c.Review(apply(reply, f), ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range after.Findings {
			if g.Rule == f.Rule && g.Rewrite == f.Rewrite {
				t.Errorf("%s: inserting %q does not take the step", f.Rule, f.Rewrite)
			}
		}
	}
	if n < 3 {
		t.Errorf("only %d insertions: %+v", n, rv.Findings)
	}
}

// A draft quoting a long concern clips it onto its last word: the draft
// holds no blank.
func TestDraftHasNoBlanks(t *testing.T) {
	c := New(nil)
	long := strings.Repeat("ok ", 52) + "for the refund on order 4471 that never came"
	ctx := Context{CustomerName: "Dana Reyes", Category: "billing", SentAt: time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC), AgentName: "Sam",
		Readings: []analyze.Reading{{Supported: true, Level: analyze.Angry, Concerns: []analyze.Concern{{Kind: "problem", Text: long}}}}}
	draft, err := c.Draft(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(draft, "for…") {
		t.Fatalf("the draft does not quote the clipped concern:\n%s", draft)
	}
	rv, err := c.Review(draft, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rules(rv)[playbook.RulePlaceholder] {
		t.Errorf("the draft holds a blank:\n%s", draft)
	}
}

// A blank that names a fact the case has is offered filled; one naming
// nothing known is not.
func TestBlanksFilledWithFacts(t *testing.T) {
	c := New(nil)
	ctx := storyOne(t)
	reply := "Hi <first name>, I'm sorry. I will refund order [order number] by {date}. Thanks, [AGENT_NAME]. See [link]."
	rv, err := c.Review(reply, ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range rv.Findings {
		if f.Rule == playbook.RulePlaceholder {
			got[f.Text] = f.Rewrite
		}
	}
	want := map[string]string{"<first name>": "Dana", "[order number]": "4471", "{date}": "Thursday 3 December", "[AGENT_NAME]": "Sam", "[link]": ""}
	for k, v := range want {
		if g, ok := got[k]; !ok || g != v {
			t.Errorf("blank %s: rewrite %q (found %v), want %q", k, g, ok, v)
		}
	}
	// Filled, the reply makes a dated promise and holds no placeholder but
	// the link.
	filled := reply
	for i := len(rv.Findings) - 1; i >= 0; i-- {
		if f := rv.Findings[i]; f.Rule == playbook.RulePlaceholder && f.Rewrite != "" {
			filled = apply(filled, f)
		}
	}
	if filled != "Hi Dana, I'm sorry. I will refund order 4471 by Thursday 3 December. Thanks, Sam. See [link]." {
		t.Fatalf("filled = %q", filled)
	}
	after, err := c.Review(filled, ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Promises) != 1 || after.Promises[0].DueAt == nil {
		t.Errorf("filled reply's promises %+v", after.Promises)
	}
}
