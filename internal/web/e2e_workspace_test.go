package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/demo"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// caseLayout is where the case page puts what an agent acts with, measured
// in the browser at a given viewport.
type caseLayout struct {
	PageHeight int            `json:"pageHeight"`
	Viewport   int            `json:"viewport"`
	Bottoms    map[string]int `json:"bottoms"` // control -> bottom edge in page coordinates (-1: missing)
	LatestSeen bool           `json:"latestSeen"`
}

// measureCase reads the case page's layout: the page's height and the
// bottom edge of each control in page coordinates (with the page scrolled
// to the top), and whether the customer's latest message is on screen
// together with the reply box.
func measureCase(b *headless) caseLayout {
	b.t.Helper()
	return eval[caseLayout](b, `(() => {
	  scrollTo(0, 0);
	  const bottom = sel => { const el = document.querySelector(sel); if (!el) return -1; const r = el.getBoundingClientRect(); return Math.round(r.bottom + scrollY); };
	  const ids = {reply: "#reply-text", send: "#send", sendResolve: "#send-resolve", sendPending: "#send-pending", assign: "#assign-to", take: "#take", status: "#status-to", escalate: "#escalate-open",
	    goodwill: "#goodwill-open", category: "#category-name", resolve: "#resolve-open"};
	  const out = {pageHeight: document.documentElement.scrollHeight, viewport: innerHeight, bottoms: {}, latestSeen: false};
	  for (const [k, s] of Object.entries(ids)) out.bottoms[k] = bottom(s);
	  const inbound = [...document.querySelectorAll(".timeline article.msg-inbound")];
	  const last = inbound[inbound.length - 1];
	  if (last) {
	    const r = last.getBoundingClientRect(), pane = last.closest(".conversation") || document.documentElement, p = pane.getBoundingClientRect();
	    out.latestSeen = r.top < Math.min(innerHeight, p.bottom) && r.bottom > Math.max(0, p.top);
	  }
	  return out;
	})()`)
}

// TestBrowserCasePageOneScreen: at 1440×900 a typical case fits one
// screen: the reply box and every action (assign, status, escalate,
// goodwill, category, resolve) are within the first viewport, and the
// customer's latest message is visible while replying.
func TestBrowserCasePageOneScreen(t *testing.T) {
	base, _, pw := deskWithDemo(t)
	b := newBrowser(t)
	b.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])
	b.do("open a case at 1440×900",
		chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(base+"/cases/1"),
		chromedp.WaitVisible(chromedp.ID("reply-text")),
		viewShot("case-1440x900"),
	)
	l := measureCase(b)
	t.Logf("case page at 1440×900: page height %d px, bottoms %v, latest customer message visible: %v", l.PageHeight, l.Bottoms, l.LatestSeen)
	for k, y := range l.Bottoms {
		if k == "take" && y == -1 {
			continue // shown only when the case is someone else's
		}
		if y < 0 || y > l.Viewport {
			t.Errorf("%s ends at y=%d, outside the first %d px", k, y, l.Viewport)
		}
	}
	if !l.LatestSeen {
		t.Error("the customer's latest message is not on screen next to the reply box")
	}
	if l.PageHeight > l.Viewport+1 {
		t.Errorf("the page is %d px tall at a %d px viewport: not one screen", l.PageHeight, l.Viewport)
	}
	// While replying the page stays one screen: the coach's findings scroll
	// in the composer's column, the conversation stays in view.
	b.do("reply with the coach",
		retry(chromedp.SendKeys(chromedp.ID("reply-text"), "calm down, as I already said we will fix it soon")),
		chromedp.WaitVisible(chromedp.CSS("#coach .findings")),
		viewShot("case-coach-1440x900"),
	)
	if l := measureCase(b); l.PageHeight > l.Viewport+1 || !l.LatestSeen {
		t.Errorf("with the coach's findings the page is %d px tall (viewport %d), latest message visible %v", l.PageHeight, l.Viewport, l.LatestSeen)
	}
	b.noConsoleErrors()
}

// TestBrowserSendWithStatus: put a case on hold from the action bar (the
// SLA shows as paused), then reply with "Send and resolve": the case is
// resolved and the agent is back in the inbox with the confirmation.
func TestBrowserSendWithStatus(t *testing.T) {
	base, d, pw := deskWithDemo(t)
	b := newBrowser(t)
	b.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	b.do("put on hold",
		chromedp.Navigate(base+"/cases/1"),
		chromedp.WaitVisible(chromedp.ID("status-to")),
		chromedp.SetValue(chromedp.ID("status-to"), "on_hold"),
		chromedp.Click(chromedp.ID("set-status")),
		flashSays("on hold"),
	)
	if facts := b.text(".facts"); !strings.Contains(facts, "on hold") || !strings.Contains(facts, "paused") {
		t.Errorf("facts of a case on hold = %q, want the status and a paused SLA", facts)
	}
	b.do("the confirmation takes focus", waitJS(`document.readyState === "complete" && document.activeElement && document.activeElement.id === "flash"`))
	c, err := d.Case(context.Background(), 1)
	if err != nil || c.Status != desk.StatusOnHold || c.SLAPausedAt == nil {
		t.Fatalf("case 1 after the hold: %s, paused %v, %v", c.Status, c.SLAPausedAt, err)
	}
	reply := "Hi Dana, I'm sorry you were charged twice for order 4471 and that nobody answered. I have refunded the duplicate $59.90 today; it shows on your statement by Friday."
	b.do("send and resolve",
		retry(chromedp.SendKeys(chromedp.ID("reply-text"), reply)),
		chromedp.WaitVisible(chromedp.CSS("#coach .verdict")),
		chromedp.Click(chromedp.ID("send-resolve")),
		waitJS(`!!document.querySelector(".confirm button[name=confirm]") || location.pathname === "/"`),
	)
	if eval[bool](b, `!!document.querySelector(".confirm button[name=confirm]")`) {
		if label := b.text(".confirm button[name=confirm]"); !strings.Contains(label, "and resolve") {
			t.Errorf("the confirm button says %q, want it to keep the choice to resolve", label)
		}
		b.do("confirm", chromedp.Click(chromedp.CSS(".confirm button[name=confirm]")), waitJS(`location.pathname === "/"`))
	}
	b.do("back in the inbox", flashSays("resolved"))
	if flash := b.text(".flash"); !strings.Contains(flash, "Reply sent") || !strings.Contains(flash, "Case #1 resolved") {
		t.Errorf("flash after send and resolve = %q", flash)
	}
	c, err = d.Case(context.Background(), 1)
	if err != nil || c.Status != desk.StatusResolved || c.SLAPausedAt != nil {
		t.Errorf("case 1 after send and resolve: %s, paused %v, %v", c.Status, c.SLAPausedAt, err)
	}
	b.noConsoleErrors()
}

// TestBrowserSavedReplies: an agent adds a saved reply (a mistyped
// placeholder is refused in place, the typed text kept), then on a case
// presses s, picks it, and the reply box holds it filled from the case; the
// coach reviews it like any text. A shared reply that fails the coach is
// flagged to its owner.
func TestBrowserSavedReplies(t *testing.T) {
	base, d, pw := deskWithDemo(t)
	b := newBrowser(t)
	b.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	body := "Hi {{first_name}}, I'm sorry about order {{order_numbr}}."
	b.do("a mistyped placeholder",
		chromedp.Navigate(base+"/saved-replies"),
		retry(chromedp.SendKeys(chromedp.ID("new-title"), "Refund done")),
		retry(chromedp.SendKeys(chromedp.ID("new-body"), body)),
		chromedp.Click(chromedp.ID("save-new")),
		waitJS(`!!document.querySelector("#new-body-err")`),
	)
	if msg := b.text("#new-body-err"); !strings.Contains(msg, "order_numbr") {
		t.Errorf("the error does not name the placeholder: %q", msg)
	}
	if got := eval[string](b, `document.getElementById("new-body").value`); got != body {
		t.Errorf("the typed text became %q", got)
	}
	// The page's script (deferred) moves the focus once it has run.
	b.do("the field in error takes focus", waitJS(`document.readyState === "complete" && document.activeElement && document.activeElement.id === "new-body"`))
	b.mu.Lock()
	b.console = nil // the refused form came back 422, which the console reports
	b.mu.Unlock()
	good := "Hi {{first_name}}, I'm sorry you were charged twice for order {{order_number}}. I have refunded the duplicate charge today; it reaches your account by {{due_in_3_business_days}}."
	b.do("fix and save",
		js(`document.getElementById("new-body").value = ""`),
		retry(chromedp.SendKeys(chromedp.ID("new-body"), good)),
		chromedp.Click(chromedp.ID("save-new")),
		flashSays("Saved"),
	)
	b.do("insert on the case",
		chromedp.Navigate(base+"/cases/1"),
		chromedp.WaitVisible(chromedp.ID("reply-text")),
		js(`document.activeElement.blur()`),
		chromedp.KeyEvent("s"),
		waitJS(`document.activeElement.id === "saved-reply"`),
		js(`(() => { const s = document.getElementById("saved-reply"); s.value = [...s.options].find(o => o.text.startsWith("Refund done")).value; s.dispatchEvent(new Event("change", {bubbles: true})); })()`),
		waitJS(`document.getElementById("reply-text").value.includes("order 4471")`),
		chromedp.WaitVisible(chromedp.CSS("#coach .verdict")),
		viewShot("saved-reply-inserted"),
	)
	text := eval[string](b, `document.getElementById("reply-text").value`)
	if !strings.HasPrefix(text, "Hi Dana,") || strings.Contains(text, "{{") {
		t.Errorf("inserted text = %q, want it filled from the case", text)
	}
	if focused := eval[string](b, `document.activeElement.id`); focused != "reply-text" {
		t.Errorf("after inserting, focus is on #%s, want the reply box", focused)
	}
	// A shared reply that fails the coach: flagged on the page, its owner notified.
	b.do("a failing shared reply",
		chromedp.Navigate(base+"/saved-replies"),
		retry(chromedp.SendKeys(chromedp.ID("new-title"), "Calm them")),
		retry(chromedp.SendKeys(chromedp.ID("new-body"), "Calm down, as I already said we will fix it soon.")),
		chromedp.Click(chromedp.CSS(`#new-saved-reply input[name=shared]`)),
		chromedp.Click(chromedp.ID("save-new")),
		flashSays("flagged"),
	)
	if !eval[bool](b, `[...document.querySelectorAll(".saved-list li.flagged")].some(li => li.textContent.includes("Calm them"))`) {
		t.Error("the failing shared reply is not shown flagged")
	}
	sam, err := d.UserByEmail(context.Background(), "sam@demo.calmdesk")
	if err != nil {
		t.Fatal(err)
	}
	notes, err := d.Notifications(context.Background(), sam, 20)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range notes {
		found = found || (n.Kind == "saved_reply_flagged" && strings.Contains(n.Message, "Calm them"))
	}
	if !found {
		t.Errorf("Sam was not told his shared reply fails the coach: %+v", notes)
	}
	b.noConsoleErrors()
}

// TestBrowserGoodwillErrorsInPlace: a mistyped amount comes back in the
// open goodwill form with the error next to it, focused, the reason kept;
// "12,50" is accepted as 12.50; an offer above a supervisor's limit is
// routed to the admins, and each approver sees only what they may approve.
func TestBrowserGoodwillErrorsInPlace(t *testing.T) {
	base, d, pw := deskWithDemo(t)
	b := newBrowser(t)
	b.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	b.do("a mistyped amount",
		chromedp.Navigate(base+"/cases/1"),
		chromedp.WaitVisible(chromedp.ID("goodwill-open")),
		chromedp.Click(chromedp.ID("goodwill-open")),
		retry(chromedp.SendKeys(chromedp.ID("gw-amount"), "12,5x")),
		retry(chromedp.SendKeys(chromedp.ID("gw-reason"), "Charged twice")),
		chromedp.Click(chromedp.ID("offer-goodwill")),
		waitJS(`!!document.querySelector("#gw-amount-err")`),
		viewShot("goodwill-error-in-place"),
	)
	if msg := b.text("#gw-amount-err"); !strings.Contains(msg, "29,90") {
		t.Errorf("the amount's error = %q, want it to say the format", msg)
	}
	if got := eval[string](b, `document.getElementById("gw-amount").value + "|" + document.getElementById("gw-reason").value`); got != "12,5x|Charged twice" {
		t.Errorf("typed input after the refusal = %q", got)
	}
	b.do("the amount takes focus", waitJS(`document.readyState === "complete" && document.activeElement && document.activeElement.id === "gw-amount"`))
	b.mu.Lock()
	b.console = nil // the refused form came back 422, which the console reports
	b.mu.Unlock()
	b.do("a decimal comma",
		js(`document.getElementById("gw-amount").value = ""`),
		retry(chromedp.SendKeys(chromedp.ID("gw-amount"), "12,50")),
		chromedp.Click(chromedp.ID("offer-goodwill")),
		flashSays("12.50"),
	)
	// $60 and $20 wait for approval (above an agent's $15); a supervisor's
	// limit is $50, with the $12.50 already approved on the case: the $20
	// is the supervisor's to approve, the $60 goes up to the admins.
	b.do("two large offers",
		retry(chromedp.Click(chromedp.ID("goodwill-open"))),
		retry(chromedp.SendKeys(chromedp.ID("gw-amount"), "60")),
		chromedp.Click(chromedp.ID("offer-goodwill")),
		flashSays("an admin's approval"),
		retry(chromedp.Click(chromedp.ID("goodwill-open"))),
		retry(chromedp.SendKeys(chromedp.ID("gw-amount"), "20")),
		chromedp.Click(chromedp.ID("offer-goodwill")),
		flashSays("a supervisor's approval"),
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		waitJS(`location.pathname === "/login" && !!document.querySelector("#email")`),
	)
	row := func(amount string) string {
		return fmt.Sprintf(`[...document.querySelectorAll("#approvals tbody tr")].find(tr => tr.textContent.includes(%q))`, amount)
	}
	b.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])
	b.do("the supervisor sees only what she may approve",
		chromedp.Navigate(base+"/supervisor"),
		chromedp.WaitVisible(chromedp.CSS("#approvals button.approve")),
		viewShot("approvals-routed-supervisor"),
	)
	if !eval[bool](b, row("20.00")+` !== undefined && `+row("60.00")+` === undefined`) {
		t.Error("the supervisor's approvals do not list the $20 offer alone")
	}
	if got := b.text("#above-limit"); !strings.Contains(got, "1 more offer waits for an admin") {
		t.Errorf("above-limit note = %q", got)
	}
	b.do("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)),
		waitJS(`location.pathname === "/login" && !!document.querySelector("#email")`))
	if _, _, err := d.AddUser(context.Background(), desk.SystemActor, desk.NewUser{Email: "ada@demo.calmdesk", Name: "Ada Admin", Role: desk.RoleAdmin, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	b.signIn(base, "ada@demo.calmdesk", "correct horse battery")
	b.do("the admin is told and approves",
		chromedp.Navigate(base+"/notifications"),
		waitJS(`document.body.textContent.includes("needs an admin")`),
		chromedp.Navigate(base+"/supervisor"),
		chromedp.WaitVisible(chromedp.CSS("#approvals button.approve")),
		viewShot("approvals-routed-admin"),
		js(row("60.00")+`.querySelector("button.approve").click()`),
		flashSays("approved"),
	)
	list, err := d.GoodwillOffers(context.Background(), desk.GoodwillQuery{Status: "approved"})
	if err != nil || !slices.ContainsFunc(list, func(g desk.Goodwill) bool { return g.AmountCents == 6000 }) {
		t.Errorf("the $60 offer was not approved by the admin: %v %v", list, err)
	}
	b.noConsoleErrors()
}

// TestBrowserKeyboardOnTheCase: e from the inbox opens the case with the
// escalation reason focused; r the reply box; Ctrl+Enter in the reply box
// sends.
func TestBrowserKeyboardOnTheCase(t *testing.T) {
	base, d, pw := deskWithDemo(t)
	b := newBrowser(t)
	b.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	b.do("e from the inbox",
		waitJS(`document.readyState === "complete" && document.querySelector("#live-status").textContent.startsWith("Live:")`), // the script listens
		chromedp.KeyEvent("j"),
		chromedp.KeyEvent("e"),
		waitJS(`document.activeElement && document.activeElement.id === "esc-reason"`),
	)
	if !eval[bool](b, `document.getElementById("escalate-pop").open`) {
		t.Error("the escalation form is not open")
	}
	caseID := eval[string](b, `document.querySelector("main.case").dataset.case`)
	b.do("r in the inbox, then Ctrl+Enter",
		chromedp.Navigate(base+"/"),
		waitJS(`!!document.querySelector("#cases") && document.querySelector("#live-status").textContent.startsWith("Live:")`),
		chromedp.KeyEvent("j"),
		chromedp.KeyEvent("r"),
		waitJS(`document.activeElement && document.activeElement.id === "reply-text"`),
		js(`document.getElementById("reply-text").value = ""`),
		retry(chromedp.SendKeys(chromedp.ID("reply-text"), "Hi, I'm sorry for the wait. I have refunded the charge today.")),
		chromedp.KeyEvent(kb.Enter, chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		waitJS(`!!document.querySelector(".confirm button[name=confirm], .flash")`),
	)
	if eval[bool](b, `!!document.querySelector(".confirm button[name=confirm]")`) {
		b.do("confirm", retry(chromedp.Click(chromedp.CSS(".confirm button[name=confirm]"))), flashSays("Reply sent"))
	}
	if flash := b.text(".flash"); !strings.Contains(flash, "Reply sent") {
		t.Errorf("after Ctrl+Enter the flash is %q", flash)
	}
	if c, err := d.Case(context.Background(), mustAtoi(t, caseID)); err != nil || c.OutboundCount == 0 {
		t.Errorf("case %s after Ctrl+Enter: %d replies, %v", caseID, c.OutboundCount, err)
	}
	b.noConsoleErrors()
}

func mustAtoi(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBrowserSurveyOutcomeOnTheCase: a resolved case's check-in shows as
// the desk's own message with its links as links; the customer rates 2/5,
// which reopens the case, and the case page says so with the score and
// comment; the check-in did not clear the open concerns.
func TestBrowserSurveyOutcomeOnTheCase(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: clock, PublicURL: "https://desk.example"})
	res, err := demo.Load(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	pw := map[string]string{}
	for _, u := range res.NewUsers {
		pw[u.Email] = u.Password
	}
	srv := httptest.NewServer(web.New(d, web.Config{}, nil))
	t.Cleanup(srv.Close)
	// A calm customer: the check-in waits while the last message is angry.
	in, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", CustomerName: "Lee Novak", Subject: "Parcel",
		Text: "Hello, my parcel for order 1207 has not arrived yet. Could you check where it is?", Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	caseID := in.CaseID
	if _, err := d.Resolve(ctx, desk.SystemActor, caseID); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	now = now.AddDate(0, 0, 7) // past the follow-up delay
	mu.Unlock()
	if r, err := d.Sweep(ctx); err != nil || r.SurveysSent == 0 {
		t.Fatalf("sweep sent no check-in: %+v, %v", r, err)
	}
	c, err := d.Case(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	checkIn := c.Messages[len(c.Messages)-1].CleanText
	token := regexp.MustCompile(`/survey/([^?\s]+)`).FindStringSubmatch(checkIn)
	if token == nil {
		t.Fatalf("no survey link in the check-in: %q", checkIn)
	}
	if reopened, err := d.AnswerSurvey(ctx, token[1], 2, "Still charged twice"); err != nil || !reopened {
		t.Fatalf("answer 2/5: reopened %v, %v", reopened, err)
	}
	mu.Lock()
	now = time.Now() // back to the browser's time, for signing in
	mu.Unlock()
	b := newBrowser(t)
	b.signIn(srv.URL, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	b.do("the reopened case",
		chromedp.Navigate(fmt.Sprintf("%s/cases/%d", srv.URL, caseID)),
		chromedp.WaitVisible(chromedp.ID("survey")),
		viewShot("survey-outcome"),
	)
	if card := b.text("#survey"); !strings.Contains(card, "rated 2/5") || !strings.Contains(card, "Still charged twice") || !strings.Contains(card, "Reopened because the customer rated 2/5") {
		t.Errorf("survey card = %q", card)
	}
	if who := b.text(".timeline article.msg-outbound .who"); !strings.HasPrefix(who, "calmdesk") {
		t.Errorf("the check-in's author = %q, want calmdesk", who)
	}
	if n := eval[int](b, `document.querySelectorAll('.timeline article.msg-outbound a[href^="https://desk.example/survey/"]').length`); n == 0 {
		t.Error("the check-in's survey links are not links")
	}
	if concerns := b.text("#concerns"); strings.Contains(concerns, "No open concerns") {
		t.Errorf("the check-in cleared the open concerns: %q", concerns)
	}
	b.noConsoleErrors()
}

// TestBrowserAccessibilityWorkspace runs axe-core (see
// TestBrowserAccessibility) on what this workspace adds: the case page with
// a popover open and a refused goodwill form, and the saved replies page
// with a refused form.
func TestBrowserAccessibilityWorkspace(t *testing.T) {
	path := os.Getenv("CALMDESK_AXE_JS")
	if path == "" {
		t.Skip("set CALMDESK_AXE_JS to axe.min.js to run the accessibility checks")
	}
	axe, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	base, _, pw := deskWithDemo(t)
	b := newBrowser(t)
	b.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	check := func(page string) {
		t.Helper()
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
			t.Fatal(err)
		}
		out, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: ["wcag2a", "wcag2aa"]}).then(r =>
			r.violations.map(v => v.id + ": " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range out {
			t.Errorf("%s: %s", page, v)
		}
	}
	b.do("case with the escalation popover",
		chromedp.EmulateViewport(1440, 900),
		chromedp.Navigate(base+"/cases/1"),
		chromedp.WaitVisible(chromedp.ID("escalate-open")),
		chromedp.Click(chromedp.ID("escalate-open")),
		chromedp.WaitVisible(chromedp.ID("esc-reason")),
	)
	check("case with the escalation popover")
	b.do("refused goodwill",
		chromedp.Click(chromedp.ID("goodwill-open")),
		retry(chromedp.SendKeys(chromedp.ID("gw-amount"), "abc")),
		chromedp.Click(chromedp.ID("offer-goodwill")),
		waitJS(`!!document.querySelector("#gw-amount-err")`),
	)
	check("case with a refused goodwill offer")
	b.do("saved replies refused",
		chromedp.Navigate(base+"/saved-replies"),
		retry(chromedp.SendKeys(chromedp.ID("new-title"), "x")),
		retry(chromedp.SendKeys(chromedp.ID("new-body"), "Hi {{nope}}")),
		chromedp.Click(chromedp.ID("save-new")),
		waitJS(`!!document.querySelector("#new-body-err")`),
	)
	check("saved replies with a refused form")
}
