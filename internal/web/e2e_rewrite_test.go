package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/playbook"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// notForCustomers is text that must never reach a customer: the coach's
// advice (every hint of the playbook, by its first words) and placeholders.
func notForCustomers() []string {
	out := []string{"…", "...", "Give a date", "When will you do this", "To recap:", "Try:", "<", "[", "{"}
	for _, r := range playbook.Default().Rules {
		if w := strings.Fields(r.Suggestion); len(w) >= 4 {
			out = append(out, strings.Join(w[:4], " "))
		}
	}
	return out
}

// TestBrowserStoryOneSuggestionsAreCustomerText is story 1 in a real
// browser: Sam writes a reply with every pitfall the coach can rewrite,
// then clicks every "Use" the coach offers, one after the other, until none
// is left. No instruction or placeholder ever reaches the reply; the reply
// ends up with Dana's real facts (the order number, a due date from the
// calendar); on send the tracked promise is real and dated.
func TestBrowserStoryOneSuggestionsAreCustomerText(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := desk.New(db, desk.Options{Analyzer: analyze.Default()})
	srv := httptest.NewServer(web.New(d, web.Config{}, nil))
	t.Cleanup(srv.Close)
	addAgent(t, d, srv.URL)
	ctx := context.Background()
	res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CustomerName: "Dana Reyes",
		Subject: "Charged twice for order 4471", Channel: "email",
		Text: "This is the third time I write. You charged me twice for order 4471 and nobody answers. Fix it NOW."})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.signIn(srv.URL, "sam@calmdesk.test", "correct horse battery")

	bad := "Hi Dana, calm down. As I said in my last email, we apologize for any inconvenience. Sorry if this caused trouble. We will fix it soon. I will also refund the duplicate charge."
	b.do("write the reply",
		chromedp.Navigate(fmt.Sprintf("%s/cases/%d", srv.URL, res.CaseID)),
		chromedp.WaitVisible(chromedp.ID("reply-text")),
		retry(chromedp.SendKeys(chromedp.ID("reply-text"), bad)),
		chromedp.WaitVisible(chromedp.CSS("#coach button.apply")),
		screenshot("rewrite-before"),
	)
	// A promise without a time asks for one before sending.
	if live := b.text("#coach .promises-live"); !strings.Contains(live, "When will you do this?") {
		t.Errorf("no prompt for the promise without a date:\n%s", live)
	}
	forbidden := notForCustomers()
	offered := map[string]bool{}
	var used []string
	for round := 0; ; round++ {
		if round > 15 {
			t.Fatalf("still offering rewrites after %d: %v", round, used)
		}
		if !eval[bool](b, `!!document.querySelector("#coach button.apply")`) {
			break
		}
		words := eval[string](b, `document.querySelector("#coach button.apply").dataset.text`)
		rewrite := eval[string](b, `document.querySelector("#coach button.apply").dataset.rewrite`)
		if offered[words+"\x00"+rewrite] {
			t.Fatalf("the coach offers %q for %q again after it was used", rewrite, words)
		}
		offered[words+"\x00"+rewrite] = true
		for _, f := range forbidden {
			if strings.Contains(rewrite, f) {
				t.Errorf("the coach offers to insert %q, which holds %q", rewrite, f)
			}
		}
		used = append(used, rewrite)
		b.do("use "+rewrite,
			js(`document.querySelector("#coach .verdict").dataset.old = "1"`),
			retry(chromedp.Click(chromedp.CSS("#coach button.apply"))),
			// The coach reviews the new text: a fresh panel replaces the old.
			waitJS(`!!document.querySelector("#coach .verdict") && !document.querySelector("#coach .verdict").dataset.old`),
		)
		reply := eval[string](b, `document.querySelector("#reply-text").value`)
		if !strings.Contains(reply, rewrite) {
			t.Errorf("using %q left the reply %q", rewrite, reply)
		}
		for _, f := range forbidden {
			if strings.Contains(reply, f) {
				t.Errorf("after using %q the reply holds %q: %q", rewrite, f, reply)
			}
		}
	}
	if len(used) < 6 {
		t.Errorf("only %d rewrites offered (%q); the reply has five pitfalls and an undated promise", len(used), used)
	}
	reply := eval[string](b, `document.querySelector("#reply-text").value`)
	t.Logf("rewrites used: %q\nreply: %q", used, reply)
	for _, want := range []string{"Dana", "order 4471", "I can see why this has upset you.", "refund the duplicate charge by "} {
		if !strings.Contains(reply, want) {
			t.Errorf("the reply lacks %q: %q", want, reply)
		}
	}
	dated := regexp.MustCompile(`by (Monday|Tuesday|Wednesday|Thursday|Friday) \d{1,2} [A-Z][a-z]+`)
	if !dated.MatchString(reply) {
		t.Errorf("the reply gives no date: %q", reply)
	}
	b.do("send", screenshot("rewrite-after"), retry(chromedp.Click(chromedp.ID("send"))), waitJS(`!!document.querySelector(".confirm, .flash")`))
	if eval[bool](b, `!!document.querySelector(".confirm button[name=confirm]")`) {
		b.do("confirm", retry(chromedp.Click(chromedp.CSS(".confirm button[name=confirm]"))), flashSays("Reply sent"))
	}
	c, err := d.Case(ctx, res.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	last := c.Messages[len(c.Messages)-1]
	if last.Direction != desk.Outbound || last.CleanText != reply {
		t.Fatalf("sent %q, want the reply box's %q", last.CleanText, reply)
	}
	promises, err := d.Promises(ctx, desk.PromiseQuery{CaseID: res.CaseID})
	if err != nil {
		t.Fatal(err)
	}
	if len(promises) == 0 {
		t.Fatal("no promise tracked")
	}
	for _, p := range promises {
		for _, f := range forbidden {
			if strings.Contains(p.Action, f) || strings.Contains(p.Quote, f) {
				t.Errorf("tracked promise %q holds %q", p.Action, f)
			}
		}
		if p.Vague || p.DueAt == nil {
			t.Errorf("tracked promise %q has no date", p.Action)
		} else if day := p.DueAt.UTC().Format("Monday 2 January"); !strings.Contains(reply, "by "+day) {
			t.Errorf("promise %q due %s, not the date the reply gives", p.Action, day)
		}
	}
	b.noConsoleErrors()
}
