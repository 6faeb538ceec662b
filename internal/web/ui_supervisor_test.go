package web_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// TestSupervisorSeesBreachesAndExposure: a case past its SLA targets and
// the agents' hostile cases today show on the supervisor page.
func TestSupervisorSeesBreachesAndExposure(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	// The case arrives a week ago by the desk's clock; the page is read now,
	// long past its targets.
	clock := &steppedClock{now: time.Now().Add(-7 * 24 * time.Hour)}
	d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: clock.Now})
	srv := httptest.NewServer(web.New(d, web.Config{}, nil))
	defer srv.Close()
	for _, u := range []desk.NewUser{
		{Email: "supervisor@calmdesk.test", Name: "Ana", Role: desk.RoleSupervisor, Password: "correct horse battery"},
		{Email: "sam@calmdesk.test", Name: "Sam Okafor", Role: desk.RoleAgent, Password: "correct horse battery"},
	} {
		if _, _, err := d.AddUser(ctx, desk.SystemActor, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana@example.com", CustomerName: "Dana Reyes", Subject: "Charged twice",
		Text: "You charged me twice and nobody answers. Fix it NOW!!!"}); err != nil {
		t.Fatal(err)
	}
	clock.Set(time.Now())
	b := signedInBrowser(t, srv.URL, "supervisor@calmdesk.test")
	status, page := fetch(t, b, "GET", srv.URL+"/supervisor", nil)
	if status != 200 {
		t.Fatalf("supervisor page: %d\n%s", status, page)
	}
	for _, want := range []string{"SLA breaches", "Charged twice", "Agent exposure today", "Sam Okafor"} {
		if !strings.Contains(page, want) {
			t.Errorf("supervisor page lacks %q", want)
		}
	}
}

// TestEmailHTMLIsSandboxed: the original HTML of an email is shown in a
// sandboxed frame, never inline in the agent's page.
func TestEmailHTMLIsSandboxed(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	api, d := newServer(t, db, desk.RoleAgent)
	res, err := d.Ingest(context.Background(), desk.InboundMessage{CustomerEmail: "dana@example.com", Text: "My invoice is wrong.",
		HTML: "<p>My invoice is <b>wrong</b>.</p>", Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	b := signedInBrowser(t, api.base, "agent@calmdesk.test")
	_, page := fetch(t, b, "GET", api.base+"/cases/"+strconv.FormatInt(res.CaseID, 10), nil)
	if !strings.Contains(page, `<iframe sandbox src="/messages/`+strconv.FormatInt(res.MessageID, 10)+`/html"`) {
		t.Fatalf("the case page has no sandboxed frame for the email")
	}
	resp, err := b.Get(api.base + "/messages/" + strconv.FormatInt(res.MessageID, 10) + "/html")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<b>wrong</b>") {
		t.Fatalf("email frame: %d %s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("email frame CSP = %q", csp)
	}
}
