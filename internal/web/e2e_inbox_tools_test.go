package web_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// axeCheck runs axe-core (CALMDESK_AXE_JS) on the page as it is and fails
// the test for every WCAG 2 A/AA violation; without the file it does
// nothing, as TestBrowserAccessibility.
func axeCheck(b *headless, page string) {
	b.t.Helper()
	path := os.Getenv("CALMDESK_AXE_JS")
	if path == "" {
		return
	}
	axe, err := os.ReadFile(path)
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
		b.t.Fatal(err)
	}
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]}).then(r =>
		r.violations.map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")))`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatal(err)
	}
	for _, v := range out {
		b.t.Errorf("axe on %s: %s", page, v)
	}
}

// TestBrowserInboxTools: the priority's parts show on keyboard focus; the
// one-line rows are remembered across page loads; two ticked cases are
// resolved at once with a result for each; a filter is saved as a view,
// applied from its link and deleted.
func TestBrowserInboxTools(t *testing.T) {
	base, d, pw := deskWithDemo(t)
	b := newBrowser(t)
	b.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])

	b.do("focus the hottest case's priority",
		chromedp.EmulateViewport(1440, 900),
		js(`document.querySelector("#cases tbody tr .prio-num").focus()`),
		waitJS(`getComputedStyle(document.querySelector("#cases tbody tr .tip")).display !== "none"`),
		viewShot("inbox-priority-parts"),
	)
	tip := eval[string](b, `document.querySelector("#cases tbody tr .tip").innerText`)
	described := eval[string](b, `(() => { const btn = document.querySelector("#cases tbody tr .prio-num"); return document.getElementById(btn.getAttribute("aria-describedby")).innerText; })()`)
	if !strings.Contains(tip, "of 100") || !strings.Contains(tip, "anger: 0.7 × latest") || tip != described {
		t.Errorf("the priority's parts = %q (described by %q)", tip, described)
	}
	axeCheck(b, "inbox with a priority's parts shown")
	b.do("escape hides the parts",
		chromedp.KeyEvent("\x1b"),
		waitJS(`getComputedStyle(document.querySelector("#cases tbody tr .tip")).display === "none"`))

	b.do("one-line rows",
		chromedp.Click(chromedp.ID("density")),
		waitJS(`document.querySelector("#cases").classList.contains("dense")`),
		chromedp.Navigate(base+"/?view=all"),
		waitJS(`document.querySelector("#cases").classList.contains("dense")`),
		viewShot("inbox-one-line-rows"),
	)
	oneLine := eval[bool](b, `[...document.querySelectorAll("#cases tbody tr")].every(tr => tr.getBoundingClientRect().height < 40)`)
	if !oneLine {
		t.Error("one-line rows are taller than one line")
	}

	ids := eval[[]string](b, `[...document.querySelectorAll("#cases input[name=case]")].slice(-2).map(i => i.value)`)
	if len(ids) != 2 {
		t.Fatalf("cases to tick: %v", ids)
	}
	b.do("resolve two cases at once",
		js(fmt.Sprintf(`document.getElementById("pick-%s").click()`, ids[0])),
		js(fmt.Sprintf(`document.getElementById("pick-%s").click()`, ids[1])),
		waitJS(`document.getElementById("bulk-count").textContent === "2 selected"`),
		chromedp.SetValue(chromedp.ID("bulk-action"), "resolve"),
		chromedp.Click(chromedp.ID("bulk-apply")),
		waitJS(`!!document.getElementById("bulk-results")`),
		viewShot("inbox-bulk-results"),
	)
	if got := b.text("#bulk-results"); !strings.Contains(got, "Resolved 2 of 2 cases.") || !strings.Contains(got, "#"+ids[0]+": done") {
		t.Errorf("bulk results = %q", got)
	}
	axeCheck(b, "inbox with bulk results")
	for _, id := range ids {
		c, err := d.Case(context.Background(), mustAtoi(t, id))
		if err != nil || c.Status != desk.StatusResolved {
			t.Errorf("case %s after the bulk resolve: %s %v", id, c.Status, err)
		}
	}

	b.do("save a view",
		chromedp.Navigate(base+"/?view=mine&status=open"),
		waitJS(`!!document.querySelector(".save-view summary")`),
		chromedp.Click(chromedp.CSS(".save-view summary")),
		retry(chromedp.SendKeys(chromedp.ID("view-name"), "My open ones")),
		chromedp.Click(chromedp.ID("save-view")),
		flashSays("Saved the view"),
	)
	b.do("apply it from the inbox",
		chromedp.Navigate(base+"/"),
		waitJS(`[...document.querySelectorAll(".saved-view a")].some(a => a.textContent === "My open ones")`),
		js(`[...document.querySelectorAll(".saved-view a")].find(a => a.textContent === "My open ones").click()`),
		waitJS(`location.search.includes("view=mine") && location.search.includes("status=open") && !!document.querySelector(".saved-view a[aria-current]")`),
	)
	b.do("delete it",
		js(`document.querySelector(".saved-view button").click()`),
		flashSays("Deleted the saved view"),
		waitJS(`!document.querySelector(".saved-view")`),
	)
	b.noConsoleErrors()
}

// TestBrowserCollisionNotice: Ana and Sam open the same case; while Sam
// types a reply Ana reads "Sam Okafor is replying…", and it is gone once
// he sends.
func TestBrowserCollisionNotice(t *testing.T) {
	base, _, pw := deskWithDemo(t)
	sam := newBrowser(t)
	ana := newBrowser(t)
	sam.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	ana.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])
	ana.do("Ana opens case 1",
		chromedp.Navigate(base+"/cases/1"),
		waitJS(`document.querySelector("main.case").getAttribute("data-live") === "on"`),
	)
	sam.do("Sam types a reply on case 1",
		chromedp.Navigate(base+"/cases/1"),
		waitJS(`!!document.getElementById("reply-text")`),
		retry(chromedp.SendKeys(chromedp.ID("reply-text"), "I'm sorry, Dana. I have refunded the duplicate charge today.")),
	)
	ana.do("Ana reads that Sam is replying",
		waitJS(`document.getElementById("typing").textContent === "Sam Okafor is replying…"`),
		viewShot("case-collision-notice"),
	)
	axeCheck(ana, "case with the collision notice")
	sam.do("Sam sends",
		chromedp.WaitVisible(chromedp.CSS("#coach .verdict")),
		chromedp.Click(chromedp.ID("send")),
		waitJS(`!!document.querySelector(".confirm button[name=confirm]") || (document.querySelector(".flash") || {textContent: ""}).textContent.includes("sent")`))
	if eval[bool](sam, `!!document.querySelector(".confirm button[name=confirm]")`) {
		sam.do("confirm", chromedp.Click(chromedp.CSS(".confirm button[name=confirm]")), flashSays("sent"))
	}
	ana.do("the notice is gone", waitJS(`document.getElementById("typing").textContent === ""`))
	ana.noConsoleErrors()
}
