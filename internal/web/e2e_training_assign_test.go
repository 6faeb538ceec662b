package web_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserAssignmentTakenByTrainee: a supervisor assigns a scenario to
// be taken as an exam (a form without a trainee comes back with the error
// in place), the trainee finds it on the training page, takes the exam
// without the live coach, and comes back to it passed and certified in the
// scenario's set.
func TestBrowserAssignmentTakenByTrainee(t *testing.T) {
	base, _, pw := deskWithDemo(t)
	sup := newBrowser(t)
	sup.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])
	sup.do("a form without a trainee is refused in place",
		chromedp.Navigate(base+"/training"),
		retry(chromedp.SetValue(chromedp.ID("assign-scenario"), "banking-fraud-refund")),
		retry(chromedp.Click(chromedp.ID("assign-exam"))),
		retry(chromedp.Click(chromedp.ID("assign"))),
		waitJS(`!!document.querySelector("#assign-user-err")`),
	)
	if eval[string](sup, `document.querySelector("#assign-scenario").value`) != "banking-fraud-refund" || !eval[bool](sup, `document.querySelector("#assign-exam").checked`) {
		t.Error("the refused form lost what was chosen")
	}
	jo := eval[string](sup, `[...document.querySelectorAll("#assign-user option")].find(o => o.textContent.startsWith("Jo Park")).value`)
	sup.do("assign the exam to Jo",
		retry(chromedp.SetValue(chromedp.ID("assign-user"), jo)),
		retry(chromedp.Click(chromedp.ID("assign"))),
		flashSays("Assigned."),
	)
	if row := sup.text("table.assignments.team tbody"); !strings.Contains(row, "Jo Park") || !strings.Contains(row, "open") {
		t.Errorf("the supervisor's assignments: %q", row)
	}
	sup.mu.Lock()
	sup.console = slices.DeleteFunc(sup.console, func(m string) bool { return strings.Contains(m, "status of 422") })
	sup.mu.Unlock()
	sup.noConsoleErrors()

	tr := newBrowser(t)
	tr.do("the trainee signs in and finds the assignment",
		chromedp.Navigate(base+"/login"),
		retry(chromedp.SendKeys(chromedp.ID("email"), "jo@demo.calmdesk")),
		retry(chromedp.SendKeys(chromedp.ID("password"), pw["jo@demo.calmdesk"])),
		chromedp.Submit(chromedp.ID("password")),
		waitJS(`location.pathname === "/training" && !!document.querySelector("#assignments")`),
		screenshot("training-assignment"),
	)
	if row := tr.text("#assignments"); !strings.Contains(row, "exam") || !strings.Contains(row, "open") {
		t.Errorf("the trainee's assignment: %q", row)
	}
	good := goodTranscript(t, "banking-fraud-refund")
	tr.do("take the exam",
		retry(chromedp.Click(`button[data-assignment]`)),
		waitJS(`location.pathname.startsWith("/training/sessions/") && !!document.querySelector("#reply-text")`),
	)
	if eval[bool](tr, `!!document.querySelector("#coach .verdict")`) {
		t.Error("the live coach shows in an exam")
	}
	for _, reply := range good {
		tr.do("reply",
			js(`document.querySelector("#reply-text").value = ""`),
			retry(chromedp.SendKeys(chromedp.ID("reply-text"), reply)),
			retry(chromedp.Click(chromedp.ID("send"))),
			waitJS(`!!document.querySelector("#scorecard") || document.querySelectorAll("ol.timeline .msg-outbound").length > 0`),
		)
	}
	tr.do("the scorecard, with the time per reply",
		waitJS(`!!document.querySelector("#scorecard") && !!document.querySelector("#reply-times")`),
	)
	if card := tr.text("#scorecard"); !strings.Contains(card, "Resolved") || !strings.Contains(card, "Time per reply") {
		t.Errorf("the scorecard: %q", card)
	}
	tr.do("back on the training page: passed and certified",
		chromedp.Navigate(base+"/training"),
		waitJS(`!!document.querySelector("#certified")`),
		screenshot("training-certified"),
	)
	if got := tr.text("#assignments"); !strings.Contains(got, "passed") {
		t.Errorf("the assignment after the exam: %q", got)
	}
	if got := tr.text("#certified"); !strings.Contains(got, "Certified in fraud") {
		t.Errorf("the certificate: %q", got)
	}
	tr.noConsoleErrors()

	sup.do("the supervisor reads Jo's progress over time",
		chromedp.Navigate(base+"/training"),
		retry(chromedp.Click(`table.assignments.team a[href^="/training/people/"]`)),
		waitJS(`location.pathname.startsWith("/training/people/") && !!document.querySelector("#history")`),
	)
	if got := sup.text("main"); !strings.Contains(got, "Certified in fraud") || !strings.Contains(got, "exam") || !strings.Contains(got, "passed") {
		t.Errorf("Jo's progress page: %q", got)
	}
	sup.noConsoleErrors()
}
