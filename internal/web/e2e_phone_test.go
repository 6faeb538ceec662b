package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/calmdesk/calmdesk/internal/demo"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/web"
)

// TestBrowserPhoneWidth: at 390×844 (a phone) no page scrolls sideways:
// the document is no wider than the viewport, signed in as an admin (who
// sees every page) and signed out; with CALMDESK_AXE_JS each page is also
// checked by axe-core, so every page has its WCAG 2 A/AA check.
func TestBrowserPhoneWidth(t *testing.T) {
	// Served as serve --demo serves: insights on, the demo sign-ins on the
	// sign-in page.
	base, d, _ := deskWithDemoConfig(t, func(db *store.DB, res demo.Result) web.Config {
		cfg := web.Config{Insights: insights.New(db, insights.Options{})}
		for _, a := range res.Accounts {
			cfg.DemoAccounts = append(cfg.DemoAccounts, web.DemoAccount{Email: a.Email, Name: a.Name, Role: a.Role, Password: a.Password})
		}
		return cfg
	})
	if _, _, err := d.AddUser(context.Background(), desk.SystemActor, desk.NewUser{Email: "ada@demo.calmdesk", Name: "Ada Admin", Role: desk.RoleAdmin, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	check := func(path string) {
		t.Helper()
		b.do("open "+path+" at 390×844", chromedp.Navigate(base+path), waitJS(`!!document.querySelector("main")`))
		got := eval[[]int](b, `[document.documentElement.scrollWidth, innerWidth]`)
		if got[0] > got[1] {
			wide := eval[string](b, `[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest(".sr, [hidden]") && !(e.parentElement.getBoundingClientRect().right > innerWidth + 1)).slice(0, 4).map(e => e.tagName + "." + e.className + "#" + e.id + "(" + Math.round(e.getBoundingClientRect().right) + ")").join(", ")`)
			t.Errorf("%s at 390 px: document %d px wide, viewport %d (too wide: %s)", path, got[0], got[1], wide)
		}
		// Every page is checked by axe-core too (with CALMDESK_AXE_JS).
		axeCheck(b, path+" at 390 px")
	}
	b.do("phone viewport", chromedp.EmulateViewport(390, 844))
	for _, path := range []string{"/login", "/contact", "/contact/embed", "/no/such/page"} {
		check(path)
	}
	b.do("the demo sign-in page", chromedp.Navigate(base+"/login"), chromedp.WaitVisible(chromedp.CSS(".demo-accounts")))
	if txt := b.text(".demo-accounts"); !strings.Contains(txt, "sam@demo.calmdesk") {
		t.Errorf("the demo sign-ins on the sign-in page: %q", txt)
	}
	b.do("sign in",
		chromedp.Navigate(base+"/login"),
		retry(chromedp.SendKeys(chromedp.ID("email"), "ada@demo.calmdesk")),
		retry(chromedp.SendKeys(chromedp.ID("password"), "correct horse battery")),
		chromedp.Submit(chromedp.ID("password")),
		waitJS(`location.pathname === "/"`),
	)
	for _, path := range []string{"/", "/?view=needs-owner", "/cases/1", "/cases/2", "/supervisor", "/coaching", "/insights", "/insights/cases",
		"/insights/lessons", "/insights/digest", "/settings", "/notifications", "/account", "/saved-replies", "/training", "/no/such/page"} {
		check(path)
	}
	sam, err := d.UserByEmail(context.Background(), "sam@demo.calmdesk")
	if err != nil {
		t.Fatal(err)
	}
	check(fmt.Sprintf("/training/people/%d", sam.ID))
	b.do("a phone-width inbox", viewShot("inbox-390"))
}

// TestBrowserPeople: an admin's refused edit comes back in the person's
// row, focused, the typed skills kept; deactivating Sam from the settings
// page ends the session Sam has open in his own browser, and his case
// shows as needing a new owner.
func TestBrowserPeople(t *testing.T) {
	base, d, pw := deskWithDemo(t)
	ctx := context.Background()
	if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "ada@demo.calmdesk", Name: "Ada Admin", Role: desk.RoleAdmin, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	sam, err := d.UserByEmail(ctx, "sam@demo.calmdesk")
	if err != nil {
		t.Fatal(err)
	}
	ada, _ := d.UserByEmail(ctx, "ada@demo.calmdesk")
	if _, err := d.Assign(ctx, desk.SystemActor, 1, sam.ID); err != nil {
		t.Fatal(err)
	}
	samB := newBrowser(t)
	samB.signIn(base, "sam@demo.calmdesk", pw["sam@demo.calmdesk"])
	b := newBrowser(t)
	b.signIn(base, "ada@demo.calmdesk", "correct horse battery")
	b.do("demote the last admin",
		chromedp.Navigate(base+"/settings"),
		waitJS(fmt.Sprintf(`!!document.getElementById("role-%d")`, ada.ID)),
		chromedp.SetValue(chromedp.ID(fmt.Sprintf("role-%d", ada.ID)), "agent"),
		js(fmt.Sprintf(`document.getElementById("skills-%d").value = "billing, typed"`, ada.ID)),
		chromedp.Click(chromedp.ID(fmt.Sprintf("save-%d", ada.ID))),
		waitJS(fmt.Sprintf(`document.activeElement && document.activeElement.id === "role-%d"`, ada.ID)),
	)
	if got := b.text(fmt.Sprintf("#person-%d", ada.ID)); !strings.Contains(got, "last admin") {
		t.Errorf("the refused row says %q", got)
	}
	if got := eval[string](b, fmt.Sprintf(`document.getElementById("skills-%d").value`, ada.ID)); got != "billing, typed" {
		t.Errorf("typed skills after the refusal = %q", got)
	}
	axeCheck(b, "settings with a refused edit of a person")
	b.mu.Lock()
	b.console = nil // the refused form came back 422, which the console reports
	b.mu.Unlock()
	b.do("deactivate Sam",
		chromedp.Navigate(base+"/settings"),
		waitJS(fmt.Sprintf(`!!document.getElementById("deactivate-%d")`, sam.ID)),
		js(fmt.Sprintf(`document.getElementById("deactivate-%d").closest("details").open = true`, sam.ID)),
		chromedp.Click(chromedp.ID(fmt.Sprintf("deactivate-%d", sam.ID))),
		flashSays("is deactivated"),
	)
	if got := b.text(fmt.Sprintf("#person-%d", sam.ID)); !strings.Contains(got, "open cases need a new owner") {
		t.Errorf("Sam's row says %q", got)
	}
	samB.do("Sam's open session has ended", chromedp.Navigate(base+"/"), waitJS(`location.pathname === "/login"`))
	b.do("the case needs a new owner",
		chromedp.Navigate(base+"/?view=needs-owner"),
		waitJS(`!!document.querySelector("#case-1 .needs-owner")`),
	)
	b.noConsoleErrors()
}
