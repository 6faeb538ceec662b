package web_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// TestBrowserPhoneWidth: at 390×844 (a phone) no page scrolls sideways:
// the document is no wider than the viewport, signed in as an admin (who
// sees every page) and signed out.
func TestBrowserPhoneWidth(t *testing.T) {
	base, d, _ := deskWithDemo(t)
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
	}
	b.do("phone viewport", chromedp.EmulateViewport(390, 844))
	for _, path := range []string{"/login", "/contact", "/no/such/page"} {
		check(path)
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
	b.do("a phone-width inbox", viewShot("inbox-390"))
}
