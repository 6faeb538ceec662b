package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/demo"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// TestBrowserInsightsDrillDown: a supervisor opens the insights, follows a
// figure to the cases behind it, downloads them as CSV, opens a case and
// comes back to the figures.
func TestBrowserInsightsDrillDown(t *testing.T) {
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
	srv := httptest.NewServer(web.New(d, web.Config{Insights: insights.New(db, insights.Options{})}, nil))
	t.Cleanup(srv.Close)
	base := srv.URL
	b := newBrowser(t)
	b.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])

	b.do("open insights from the nav",
		retry(chromedp.Click(chromedp.CSS(`header nav a[href="/insights"]`))),
		waitJS(`location.pathname === "/insights" && !!document.querySelector("#figure-angry a.figure-link")`),
		screenshot("insights"),
	)
	angry := b.text("#figure-angry a.figure-link")
	if angry == "" || angry == "—" {
		t.Fatalf("the demo desk shows no angry share: %q", angry)
	}
	if n := eval[int](b, `document.querySelectorAll("svg.chart").length`); n < 5 {
		t.Errorf("insights show %d trend charts, want 5", n)
	}
	insightsURL := eval[string](b, `location.href`)

	b.do("drill down to the angry cases",
		retry(chromedp.Click(chromedp.CSS("#figure-angry a.figure-link"))),
		waitJS(`location.pathname === "/insights/cases" && !!document.querySelector("h1")`),
		screenshot("insights-angry-cases"),
	)
	if h1 := b.text("h1"); h1 != "Angry cases" {
		t.Errorf("drill-down heading = %q", h1)
	}
	rows := eval[int](b, `document.querySelectorAll("table.insight-cases tbody tr").length`)
	if rows == 0 {
		t.Fatal("no angry cases listed")
	}
	if !eval[bool](b, `[...document.querySelectorAll("table.insight-cases tbody tr")].every(r => r.cells[5].textContent.startsWith("yes"))`) {
		t.Error("a listed case is not angry")
	}
	b.do("download the CSV",
		js(`fetch(document.querySelector("a.csv-link").href).then(r => r.text()).then(t => { window.csv = t })`),
		waitJS(`typeof window.csv === "string"`),
	)
	csv := eval[string](b, `window.csv`)
	lines := strings.Split(strings.TrimSpace(csv), "\n")
	if len(lines) != rows+1 || !strings.HasPrefix(lines[0], "case_id,created_at,") {
		t.Errorf("CSV has %d lines for %d cases:\n%s", len(lines), rows, csv)
	}

	first := eval[string](b, `document.querySelector("table.insight-cases tbody a").getAttribute("href")`)
	b.do("open a case and come back",
		retry(chromedp.Click(chromedp.CSS("table.insight-cases tbody a"))),
		waitJS(`location.pathname === "`+first+`"`),
		chromedp.NavigateBack(),
		waitJS(`location.pathname === "/insights/cases"`),
		retry(chromedp.Click(chromedp.CSS("a.back"))),
		waitJS(`location.pathname === "/insights" && !!document.querySelector("#figure-angry")`),
	)
	if back := eval[string](b, `location.href`); !sameInsights(back, insightsURL) {
		t.Errorf("back at %s, want the figures of %s", back, insightsURL)
	}
	if again := b.text("#figure-angry a.figure-link"); again != angry {
		t.Errorf("angry share after the round trip = %q, was %q", again, angry)
	}
	b.noConsoleErrors()
}

// sameInsights reports whether two insights URLs show the same period:
// the first visit has no dates, the way back names them.
func sameInsights(back, first string) bool {
	return strings.Contains(back, "/insights?from=") && strings.HasSuffix(strings.SplitN(first, "?", 2)[0], "/insights")
}

// TestBrowserLessonsAndSimilar: on an open case a supervisor sees the
// resolved cases like it, resolves it with a lesson learned, finds the
// lesson by searching, and reads it in the week's digest.
func TestBrowserLessonsAndSimilar(t *testing.T) {
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
	page, err := d.Cases(context.Background(), desk.CaseQuery{Status: desk.StatusOpen, Limit: 1})
	if err != nil || len(page.Cases) == 0 {
		t.Fatalf("no open demo case: %v", err)
	}
	id := page.Cases[0].ID
	// A customer who wrote the same before, whose case was resolved with a lesson.
	open, err := d.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	twin, err := d.Ingest(context.Background(), desk.InboundMessage{CustomerEmail: "twin@example.com", Channel: "email",
		Subject: open.Subject, Text: open.Messages[0].RawText})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.ResolveWithLesson(context.Background(), desk.SystemActor, twin.CaseID, "Packed without the foam insert; the packing checklist now names it."); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(web.New(d, web.Config{Insights: insights.New(db, insights.Options{})}, nil))
	t.Cleanup(srv.Close)
	base := srv.URL
	b := newBrowser(t)
	b.signIn(base, "ana@demo.calmdesk", pw["ana@demo.calmdesk"])

	caseURL := base + "/cases/" + itoa(id)
	b.do("open a case",
		chromedp.Navigate(caseURL),
		waitJS(`!!document.querySelector("#similar-title") && !!document.querySelector("#lesson")`),
		screenshot("case-similar"),
	)
	if h := b.text("#similar-title"); h != "Resolved 1 like this" {
		t.Errorf("similar card heading = %q", h)
	}
	if !eval[bool](b, `!!document.querySelector('ul.similar a[href="/cases/`+itoa(twin.CaseID)+`"]') && document.querySelector("ul.similar .lesson").textContent.includes("foam insert")`) {
		t.Error("the similar card does not show the resolved twin with its lesson")
	}
	lesson := "The courier's tracking feed was stale; a daily check of parcels not scanned for 48 hours would have warned us."
	b.do("resolve it with a lesson",
		retry(chromedp.Click(chromedp.ID("resolve-open"))),
		retry(chromedp.SendKeys(chromedp.ID("lesson"), lesson)),
		retry(chromedp.Click(chromedp.ID("resolve"))),
		waitJS(`location.pathname === "/"`),
	)
	b.do("search the lessons",
		chromedp.Navigate(base+"/insights/lessons?q=courier+STALE"),
		waitJS(`!!document.querySelector("h1")`),
		screenshot("insights-lessons"),
	)
	if n := eval[int](b, `document.querySelectorAll("table.lessons tbody tr").length`); n != 1 {
		t.Fatalf("the search found %d lessons, want 1", n)
	}
	if got := b.text("table.lessons td.lesson-text"); got != lesson {
		t.Errorf("lesson shown as %q", got)
	}
	b.do("follow the lesson to its case and read the digest",
		retry(chromedp.Click(chromedp.CSS(`table.lessons tbody a[href="/cases/`+itoa(id)+`"]`))),
		waitJS(`location.pathname === "/cases/`+itoa(id)+`"`),
		chromedp.Navigate(base+"/insights/digest?week="+d.Now().Format("2006-01-02")),
		waitJS(`!!document.querySelector("#dg-lessons")`),
		screenshot("insights-digest"),
	)
	if !eval[bool](b, `[...document.querySelectorAll("ul.lessons li")].some(li => li.textContent.includes(`+"`"+lesson+"`"+`))`) {
		t.Error("the digest does not list the week's lesson")
	}
	b.noConsoleErrors()
}
