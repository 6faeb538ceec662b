package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// TestBrowserTraineePlaysAScenario: a trainee signs in, lands on the
// training page, plays a scenario with the live coach beside the composer
// and reads the scorecard with the anger curve.
func TestBrowserTraineePlaysAScenario(t *testing.T) {
	base, d, _ := deskWithDemo(t)
	if _, _, err := d.AddUser(context.Background(), desk.SystemActor, desk.NewUser{Email: "tess@demo.calmdesk", Name: "Tess Trainee", Role: desk.RoleTrainee, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t)
	b.do("sign in as a trainee",
		chromedp.Navigate(base+"/login"),
		retry(chromedp.SendKeys(chromedp.ID("email"), "tess@demo.calmdesk")),
		retry(chromedp.SendKeys(chromedp.ID("password"), "correct horse battery")),
		chromedp.Submit(chromedp.ID("password")),
		waitJS(`location.pathname === "/training" && !!document.querySelector(".scenarios")`),
		screenshot("training-list"),
	)
	b.do("start a scenario",
		retry(chromedp.Click(`button[data-scenario="retail-late-parcel"]`)),
		waitJS(`location.pathname.startsWith("/training/sessions/") && !!document.querySelector("#reply-text")`),
	)
	if opening := b.text("ol.timeline"); !strings.Contains(opening, "express delivery") {
		t.Errorf("the practice page opens with %q", opening)
	}
	b.do("the live coach reads a bad reply",
		retry(chromedp.SendKeys(chromedp.ID("reply-text"), "Calm down, we will look into it soon.")),
		chromedp.Poll[chromedp.Void](`!!document.querySelector("#coach .verdict")`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	if coach := b.text("#coach"); !strings.Contains(coach, "Minimizing") {
		t.Errorf("the live coach says %q", coach)
	}
	good := "Hi Dana, I'm so sorry your parcel is late; I can see how frustrating that is after paying for express. " +
		"I've refunded the express fee today and I've asked the courier to trace it; I'll email you the tracking by 5pm tomorrow."
	b.do("send a good reply",
		js(`document.querySelector("#reply-text").value = ""`),
		retry(chromedp.SendKeys(chromedp.ID("reply-text"), good)),
		retry(chromedp.Click(chromedp.ID("send"))),
		waitJS(`!!document.querySelector("#scorecard")`),
		screenshot("training-scorecard"),
	)
	card := b.text("#scorecard")
	for _, want := range []string{"Resolved", "Steps of the method", "Pitfalls"} {
		if !strings.Contains(card, want) {
			t.Errorf("the scorecard lacks %q: %q", want, card)
		}
	}
	if n := eval[int](b, `document.querySelectorAll("#scorecard svg.chart circle").length`); n != 2 {
		t.Errorf("the anger curve has %d points, want 2", n)
	}
	b.noConsoleErrors()
}
