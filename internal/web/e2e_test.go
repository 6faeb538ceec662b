package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
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

// screenshotDir is where the browser tests save what they saw (gitignored).
const screenshotDir = "../../test-output/screenshots"

// chromium finds Debian's chromium (scripts/test installs it) or another
// Chrome; the browser tests skip without one.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("browser tests are skipped in -short mode")
	}
	for _, name := range []string{os.Getenv("CALMDESK_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH: install Debian's chromium package (scripts/test does)")
	return ""
}

// headless is one headless chromium for a test, with what its console said.
type headless struct {
	t       *testing.T
	ctx     context.Context
	mu      sync.Mutex
	console []string // errors and exceptions, CSP violations included
}

// newBrowser starts a fresh headless chromium with its own profile.
func newBrowser(t *testing.T) *headless {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.NoFirstRun,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1440, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	b := &headless{t: t, ctx: ctx}
	t.Cleanup(func() { cancelCtx(); cancelAlloc() })
	msgs := chromedp.Console(ctx) // starts the browser
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == chromedp.ConsoleError {
				b.mu.Lock()
				b.console = append(b.console, m.String())
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// do runs steps with a deadline, failing the test on the first error.
func (b *headless) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval returns the value of a JavaScript expression on the page.
func eval[T any](b *headless, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (b *headless) text(css string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {}).innerText || ""`, css))
}

// noConsoleErrors fails when the page logged an error, an exception or a
// blocked resource (the Content-Security-Policy reports there).
func (b *headless) noConsoleErrors() {
	b.t.Helper()
	time.Sleep(200 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		b.t.Errorf("browser console: %s", m)
	}
}

// flashSays waits for the one-time message a form post leaves, which also
// tells that the page after the redirect has loaded.
func flashSays(text string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(document.querySelector(".flash") || {textContent: ""}).textContent.includes(%q)`, text))
}

// waitJS waits until a JavaScript expression is true on a page that has
// run its scripts, also across a navigation (when evaluating fails for a
// moment). Waiting for the scripts matters: a page moves the focus on load
// (to its message, a field in error), and on a loaded machine the elements
// an expression looks for are parsed well before that; keys typed in
// between land elsewhere.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	ready := `document.readyState === "complete" && (` + expr + `)`
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(10 * time.Second)
		for {
			if ok, err := chromedp.Evaluate[bool](ready)(ctx, t); err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("still false after 10s: %s", expr)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// retry runs an action again while it fails, for up to 10 seconds: right
// after a navigation the protocol may still hold the old document's nodes.
// The actions it wraps fail before they type or click anything.
func retry(a chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		deadline := time.Now().Add(10 * time.Second)
		for {
			_, err := a(ctx, t)
			if err == nil || ctx.Err() != nil || time.Now().After(deadline) {
				return err
			}
			time.Sleep(200 * time.Millisecond)
		}
	})
}

// js runs a statement on the page.
func js(statement string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool]("("+statement+", true)")(ctx, t)
		return err
	})
}

// screenshot saves the whole page; viewShot what the window shows.
func screenshot(name string) chromedp.Action[chromedp.Void] {
	return retry(saveShot(name, chromedp.FullScreenshot(100)))
}

func viewShot(name string) chromedp.Action[chromedp.Void] {
	return retry(saveShot(name, chromedp.CaptureScreenshot()))
}

func saveShot(name string, shot chromedp.Action[[]byte]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		png, err := shot(ctx, t)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(screenshotDir, name+".png"), png, 0o644)
	})
}

// deskWithDemo starts a server on a fresh SQLite desk with the demo data and
// returns its URL, the desk and the demo users' passwords by email.
func deskWithDemo(t *testing.T) (string, *desk.Desk, map[string]string) {
	t.Helper()
	return deskWithDemoConfig(t, func(*store.DB, demo.Result) web.Config { return web.Config{} })
}

// deskWithDemoConfig is deskWithDemo with the server's Config made from
// the database and what the demo loaded.
func deskWithDemoConfig(t *testing.T, config func(*store.DB, demo.Result) web.Config) (string, *desk.Desk, map[string]string) {
	t.Helper()
	db := storetest.Open(t, store.SQLite)
	d := desk.New(db, desk.Options{Analyzer: analyze.Default()})
	res, err := demo.Load(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	pw := map[string]string{}
	for _, u := range res.NewUsers {
		pw[u.Email] = u.Password
	}
	srv := httptest.NewServer(web.New(d, config(db, res), nil))
	t.Cleanup(srv.Close)
	return srv.URL, d, pw
}

func (b *headless) signIn(base, email, password string) {
	b.t.Helper()
	b.do("sign in",
		chromedp.Navigate(base+"/login"),
		retry(chromedp.SendKeys(chromedp.ID("email"), email)),
		retry(chromedp.SendKeys(chromedp.ID("password"), password)),
		chromedp.Submit(chromedp.ID("password")),
		waitJS(`location.pathname === "/" && !!document.querySelector("#cases")`),
	)
}

// TestBrowserAgentAnswersTheHottestCase is story 1 in a real browser: sign
// in, open the hottest case, write a bad reply, see the coach's findings, use
// a suggestion, send, see the promise tracked, escalate, offer goodwill above
// the agent's limit; then a supervisor approves it.
func TestBrowserAgentAnswersTheHottestCase(t *testing.T) {
	base, _, pw := deskWithDemo(t)
	b := newBrowser(t) // after the server: cleanups run last first, so the browser closes its streams before the server waits for them
	b.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])

	// Hottest first, every row with a gauge that has a number and a word.
	prios := eval[[]int](b, `[...document.querySelectorAll("#cases tbody tr[data-case]")].map(r => +r.dataset.priority)`)
	if len(prios) < 2 {
		t.Fatalf("inbox shows %d cases", len(prios))
	}
	for i := 1; i < len(prios); i++ {
		if prios[i] > prios[i-1] {
			t.Fatalf("inbox is not hottest first: priorities %v", prios)
		}
	}
	if !eval[bool](b, `[...document.querySelectorAll("#cases tbody tr[data-case] .gauge")].every(g => /\d/.test(g.querySelector(".num").textContent) && g.querySelector(".word").textContent.trim() !== "")`) {
		t.Error("a gauge lacks its number or its word")
	}
	hottest := eval[string](b, `document.querySelector("#cases tbody tr[data-case]").dataset.case`)
	b.do("inbox",
		chromedp.Poll[chromedp.Void](`document.querySelector("#live-status").textContent.startsWith("Live:")`, chromedp.WithPollingTimeout(10*time.Second)),
		screenshot("inbox"),
		// "?" opens the shortcuts, Escape closes them.
		chromedp.KeyEvent("?"),
		chromedp.WaitVisible(chromedp.ID("help")),
		screenshot("shortcuts"),
		chromedp.KeyEvent(kb.Escape),
		chromedp.WaitNotVisible(chromedp.ID("help")),
		// j selects the hottest row, o opens it.
		chromedp.KeyEvent("j"),
		chromedp.KeyEvent("o"),
		waitJS(`!!document.querySelector("#reply-text")`),
	)
	if path := eval[string](b, `location.pathname`); path != "/cases/"+hottest {
		t.Fatalf("j, o opened %s, want the hottest case %s", path, hottest)
	}

	bad := "calm down, as I already said we will fix it soon"
	b.do("write a bad reply",
		screenshot("case"),
		chromedp.KeyEvent("r"),
		chromedp.Poll[chromedp.Void](`document.activeElement.id === "reply-text"`, chromedp.WithPollingTimeout(2*time.Second)),
		// The protocol's synthetic key events type the "r" even though the
		// page cancelled it (a real keyboard does not); start from empty.
		js(`document.getElementById("reply-text").value = ""`),
		retry(chromedp.SendKeys(chromedp.ID("reply-text"), bad)),
		chromedp.WaitVisible(chromedp.CSS("#coach .findings")),
		screenshot("coach"),
		js(`document.getElementById("reply").scrollIntoView()`),
		viewShot("coach-view"),
	)
	if findings := b.text("#coach .findings"); !strings.Contains(strings.ToLower(findings), "calm down") {
		t.Errorf("the coach did not flag “calm down”; findings:\n%s", findings)
	}
	if !strings.Contains(b.text("#coach .verdict"), "Not ready") {
		t.Errorf("verdict for a bad reply = %q", b.text("#coach .verdict"))
	}
	b.do("apply a suggestion", retry(chromedp.Click(chromedp.CSS("#coach button.apply"))))
	after := eval[string](b, `document.querySelector("#reply-text").value`)
	if strings.Contains(after, "calm down") {
		t.Errorf("applying the suggestion left the text %q", after)
	}
	// Send. The reply still argues and is vague about time, so the server
	// asks to confirm the errors first.
	b.do("send", retry(chromedp.Click(chromedp.ID("send"))), waitJS(`!!document.querySelector(".confirm, .flash")`))
	if eval[bool](b, `!!document.querySelector(".confirm button[name=confirm]")`) {
		b.do("confirm", retry(chromedp.Click(chromedp.CSS(".confirm button[name=confirm]"))), flashSays("Reply sent"))
	}
	if flash := b.text(".flash"); !strings.Contains(flash, "Reply sent") {
		t.Errorf("flash after sending = %q", flash)
	}
	if promises := b.text("#promises"); strings.Contains(promises, "No promises yet") || !strings.Contains(strings.ToLower(promises), "fix") {
		t.Errorf("the promise did not appear:\n%s", promises)
	}
	b.do("escalate",
		screenshot("sent"),
		retry(chromedp.Click(chromedp.ID("escalate-open"))),
		retry(chromedp.SendKeys(chromedp.ID("esc-reason"), "Customer asked for a manager")),
		chromedp.Click(chromedp.ID("escalate")), // not retried: it navigates, and a retry would act twice
		flashSays("Escalated"),
	)
	if status := b.text(".facts .status"); status != "escalated" {
		t.Errorf("status after escalating = %q", status)
	}
	// A $30 credit is above an agent's limit: it waits for a supervisor.
	b.do("offer goodwill",
		retry(chromedp.Click(chromedp.ID("goodwill-open"))),
		retry(chromedp.SendKeys(chromedp.ID("gw-amount"), "30")),
		retry(chromedp.SendKeys(chromedp.ID("gw-reason"), "Charged after cancelling")),
		chromedp.Click(chromedp.ID("offer-goodwill")),
		flashSays("Credit"),
	)
	if flash := b.text(".flash"); !strings.Contains(flash, "supervisor") {
		t.Errorf("flash after offering goodwill = %q", flash)
	}
	// File the case; what agents file teaches calmdesk its categories.
	b.do("file under a category",
		js(`document.getElementById("category-name").value = ""`),
		retry(chromedp.SendKeys(chromedp.ID("category-name"), "billing")),
		retry(chromedp.Click(chromedp.ID("file-category"))),
		flashSays("filed under billing"),
	)
	if facts := b.text(".facts"); !strings.Contains(facts, "category billing") {
		t.Errorf("the case facts after filing = %q", facts)
	}
	b.do("sign out", retry(chromedp.Click(chromedp.CSS(`form[action="/logout"] button`))), waitJS(`location.pathname === "/login" && !!document.querySelector("#email")`))
	b.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])
	b.do("approve as a supervisor",
		chromedp.Navigate(base+"/supervisor"),
		chromedp.WaitVisible(chromedp.CSS("#approvals button.approve")),
		screenshot("supervisor"),
		retry(chromedp.Click(chromedp.CSS("#approvals button.approve"))),
		flashSays("approved"),
	)
	if flash := b.text(".flash"); !strings.Contains(flash, "approved") {
		t.Errorf("flash after approving = %q", flash)
	}
	if b.text("#approvals") != "" && !strings.Contains(b.text("#approvals"), "Nothing waits") {
		t.Errorf("the approved gesture still waits:\n%s", b.text("#approvals"))
	}
	b.noConsoleErrors()
}

// TestBrowserDraftForMe: "Draft for me" fills the reply box and the coach
// reviews the draft at once.
func TestBrowserDraftForMe(t *testing.T) {
	base, _, pw := deskWithDemo(t)
	b := newBrowser(t)
	b.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	b.do("draft",
		chromedp.Navigate(base+"/cases/1"),
		chromedp.WaitVisible(chromedp.ID("draft")),
		retry(chromedp.Click(chromedp.ID("draft"))),
		chromedp.Poll[chromedp.Void](`document.querySelector("#reply-text").value.length > 40 && !!document.querySelector("#coach .verdict")`, chromedp.WithPollingTimeout(10*time.Second)),
		screenshot("draft"),
	)
	if v := b.text("#coach .verdict"); !strings.Contains(v, "Ready to send") {
		t.Errorf("the coach's verdict on its own draft = %q", v)
	}
	// The draft survives a reload.
	draft := eval[string](b, `document.querySelector("#reply-text").value`)
	b.do("reload", chromedp.Reload(), waitJS(`document.querySelector("#reply-text").value.length > 40`))
	if got := eval[string](b, `document.querySelector("#reply-text").value`); got != draft {
		t.Errorf("after a reload the reply box holds %q, want the draft", got)
	}
	// j moves through the messages; g i goes back to the inbox.
	b.do("keyboard on the case page",
		chromedp.KeyEvent("j"),
		waitJS(`document.activeElement.classList.contains("msg")`),
		chromedp.KeyEvent("g"),
		chromedp.KeyEvent("i"),
		waitJS(`location.pathname === "/" && !!document.querySelector("#cases")`),
	)
	b.noConsoleErrors()
}

// TestBrowserInboxIsLive checks that a new case appears in an open inbox
// without a reload, through the server-sent events stream.
func TestBrowserInboxIsLive(t *testing.T) {
	base, d, pw := deskWithDemo(t)
	b := newBrowser(t)
	b.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])
	b.do("wait for the stream",
		chromedp.Poll[chromedp.Void](`document.querySelector("#live-status").textContent.startsWith("Live:")`, chromedp.WithPollingTimeout(10*time.Second)))
	res, err := d.Ingest(context.Background(), desk.InboundMessage{
		CustomerEmail: "lee@example.com", CustomerName: "Lee Novak", Subject: "Still nothing",
		Text: "I WANT TO SPEAK TO YOUR MANAGER. This is the worst service ever and I will file a chargeback.", Channel: "email",
	})
	if err != nil {
		t.Fatal(err)
	}
	b.do("the new case appears", chromedp.WaitVisible(chromedp.ID(fmt.Sprintf("case-%d", res.CaseID))), screenshot("inbox-live"))
	// An escalation notifies the supervisors: the header's count goes up live.
	badge := `+((document.querySelector('.top a[href="/notifications"] .badge') || {}).firstChild || {textContent: "0"}).textContent`
	before := eval[int](b, badge)
	if _, err := d.Escalate(context.Background(), desk.SystemActor, res.CaseID, "manual", "threatens a chargeback"); err != nil {
		t.Fatal(err)
	}
	b.do("the notification count rises", waitJS(fmt.Sprintf("%s > %d", badge, before)))
	b.noConsoleErrors()
}

// TestBrowserCaseIsLive: while an agent has a case open with a draft
// written, the customer writes again; the message appears in the
// conversation and the draft stays as it was.
func TestBrowserCaseIsLive(t *testing.T) {
	base, d, pw := deskWithDemo(t)
	ctx := context.Background()
	res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", CustomerName: "Lee Novak", Subject: "Router", Text: "My router has been dead since Monday.", Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	draft := "Hi Lee, I'm sorry your router is down."
	b.do("open the case and start a reply",
		chromedp.Navigate(fmt.Sprintf("%s/cases/%d", base, res.CaseID)),
		chromedp.WaitVisible(chromedp.ID("reply-text")),
		retry(chromedp.SendKeys(chromedp.ID("reply-text"), draft)),
		waitJS(`document.querySelector("main.case").getAttribute("data-live") === "on"`),
	)
	if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", Text: "Hello?? Is anyone there? Still no internet.", Channel: "email", CaseID: res.CaseID}); err != nil {
		t.Fatal(err)
	}
	b.do("the new message appears", waitJS(`document.querySelector("ol.timeline").textContent.includes("Is anyone there?")`))
	if got := eval[string](b, `document.getElementById("reply-text").value`); got != draft {
		t.Errorf("the draft became %q", got)
	}
	if banner := b.text("#case-live"); !strings.Contains(banner, "up to date") {
		t.Errorf("banner = %q", banner)
	}
	b.noConsoleErrors()
}

// TestBrowserAccessibility runs axe-core's WCAG 2 A/AA checks on the main
// pages. axe is not vendored: point CALMDESK_AXE_JS at axe.min.js (for
// example from `npm pack axe-core@4`) to run it.
func TestBrowserAccessibility(t *testing.T) {
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
	b.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])
	check := func(page string) {
		t.Helper()
		// Evaluated through the protocol, so the page's CSP does not apply.
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
	check("inbox")
	b.do("case", chromedp.Navigate(base+"/cases/2"), retry(chromedp.SendKeys(chromedp.ID("reply-text"), "calm down, as I already said we will fix it soon")),
		chromedp.WaitVisible(chromedp.CSS("#coach .findings")))
	check("case with the coach")
	b.do("supervisor", chromedp.Navigate(base+"/supervisor"), chromedp.WaitVisible(chromedp.ID("approvals")))
	check("supervisor")
}
