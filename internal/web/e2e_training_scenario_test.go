package web_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// TestBrowserPublishScenarioFromCase: a supervisor opens a resolved case,
// clicks "Make a training scenario", reviews the scrubbed draft, is stopped
// when an edit puts the customer's name back (the input kept, the error in
// place), fixes it and publishes; a trainee then finds it in the library.
func TestBrowserPublishScenarioFromCase(t *testing.T) {
	base, d, pw := deskWithDemo(t)
	ctx := context.Background()
	list, err := d.Cases(ctx, desk.CaseQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var c desk.Case
	for _, x := range list.Cases {
		if x.Customer.Name != "" {
			c = x
			break
		}
	}
	if c.ID == 0 {
		t.Fatal("no demo case with a customer name")
	}
	if _, err := d.Resolve(ctx, desk.SystemActor, c.ID); err != nil {
		t.Fatal(err)
	}
	first := strings.Fields(c.Customer.Name)[0]

	b := newBrowser(t)
	b.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])
	b.do("open the resolved case and make a scenario",
		chromedp.Navigate(fmt.Sprintf("%s/cases/%d", base, c.ID)),
		retry(chromedp.Click(chromedp.ID("make-scenario"))),
		waitJS(`location.pathname.startsWith("/training/scenarios/") && !!document.querySelector("#scenario-form")`),
		screenshot("training-scenario-draft"),
	)
	if st := b.text("#scenario-status"); st != "draft" {
		t.Errorf("the new scenario is %q, want draft", st)
	}
	if opening := eval[string](b, `document.querySelector("#opening").value`); opening == "" || strings.Contains(opening, first) {
		t.Errorf("the draft's opening holds the customer's name %q or is empty: %q", first, opening)
	}
	b.do("an edit that names the customer is refused",
		js(`document.querySelector("#opening").value = "`+first+` here. " + document.querySelector("#opening").value`),
		js(`document.querySelector("#title").value = "Reviewed title"`),
		retry(chromedp.Click(chromedp.ID("publish-scenario"))),
		waitJS(`!!document.querySelector("p.error[role=alert]")`),
	)
	if msg := b.text("p.error[role=alert]"); !strings.Contains(msg, first) {
		t.Errorf("the refusal says %q", msg)
	}
	if title := eval[string](b, `document.querySelector("#title").value`); title != "Reviewed title" {
		t.Errorf("the typed title was lost: %q", title)
	}
	b.do("fix it and publish",
		js(`document.querySelector("#opening").value = document.querySelector("#opening").value.replace("`+first+` here. ", "")`),
		retry(chromedp.Click(chromedp.ID("publish-scenario"))),
		waitJS(`document.querySelector("#scenario-status") && document.querySelector("#scenario-status").textContent === "published"`),
		flashSays("Published"),
	)
	id := eval[string](b, `document.querySelector("main").dataset.scenario`)
	// The refused form answered 422, which the console reports; nothing else.
	b.mu.Lock()
	b.console = slices.DeleteFunc(b.console, func(m string) bool { return strings.Contains(m, "status of 422") })
	b.mu.Unlock()
	b.noConsoleErrors()

	// A trainee finds it in the library.
	if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "tia@demo.calmdesk", Name: "Tia Trainee", Role: desk.RoleTrainee, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	t2 := newBrowser(t)
	t2.do("a trainee sees the published scenario",
		chromedp.Navigate(base+"/login"),
		retry(chromedp.SendKeys(chromedp.ID("email"), "tia@demo.calmdesk")),
		retry(chromedp.SendKeys(chromedp.ID("password"), "correct horse battery")),
		chromedp.Submit(chromedp.ID("password")),
		waitJS(`location.pathname === "/training" && !!document.querySelector(".scenarios")`),
	)
	if row := t2.text("#scenario-" + id); !strings.Contains(row, "Reviewed title") {
		t.Errorf("the trainee's library row for %s: %q", id, row)
	}
}
