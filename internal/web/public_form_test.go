package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// formSite is a fresh server (with fresh rate limits) for the contact form.
type formSite struct {
	t    *testing.T
	base string
}

func newFormSite(t *testing.T, d *desk.Desk) formSite {
	srv := httptest.NewServer(web.New(d, web.Config{}, nil))
	t.Cleanup(srv.Close)
	return formSite{t, srv.URL}
}

func (s formSite) get(path string) (*http.Response, string) {
	s.t.Helper()
	resp, err := http.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func (s formSite) post(path string, v url.Values) (int, string) {
	s.t.Helper()
	resp, err := http.PostForm(s.base+path, v)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var tokenField = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)
var caseNumber = regexp.MustCompile(`case <strong>#(\d+)</strong>`)

func TestContactFormOpensACaseOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := testDesk(db)
		site := newFormSite(t, d)
		resp, page := site.get("/contact")
		if resp.StatusCode != 200 || !strings.Contains(page, `class="hp"`) || !strings.Contains(page, `action="/contact"`) {
			t.Fatalf("GET /contact: %d\n%s", resp.StatusCode, page)
		}
		if strings.Contains(page, "style=") || strings.Contains(page, "<script") {
			t.Error("the form page has inline style or script; the CSP forbids them")
		}
		if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || resp.Header.Get("X-Frame-Options") != "DENY" {
			t.Errorf("standalone form may be framed: %q", csp)
		}
		token := tokenField.FindStringSubmatch(page)[1]
		form := url.Values{"name": {"Dana Reyes"}, "email": {"dana.reyes@example.com"}, "subject": {"Charged twice"},
			"message": {"You charged me twice for order 4471. Please fix it."}, "token": {token}, "website": {""}}
		status, page := site.post("/contact", form)
		m := caseNumber.FindStringSubmatch(page)
		if status != 200 || m == nil || !strings.Contains(page, "dana.reyes@example.com") {
			t.Fatalf("POST /contact: %d\n%s", status, page)
		}
		caseID, _ := strconv.ParseInt(m[1], 10, 64)
		// A double click or a reload resends the same form: still one case.
		if status, again := site.post("/contact", form); status != 200 || caseNumber.FindStringSubmatch(again)[1] != m[1] {
			t.Errorf("resubmission: %d\n%s", status, again)
		}
		c, err := d.Case(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Messages) != 1 || c.Channel != "web" || c.Customer.Name != "Dana Reyes" || c.Subject != "Charged twice" {
			t.Errorf("case = %+v, %d messages", c.Case, len(c.Messages))
		}
	})
}

func TestContactFormValidationHoneypotAndLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := testDesk(db)
		site := newFormSite(t, d)
		status, page := site.post("/contact", url.Values{"name": {`<script>alert(1)</script>`}, "email": {"dana at example"}, "message": {"  "}})
		if status != 422 || !strings.Contains(page, "does not look like an email address") || !strings.Contains(page, "Please tell us what happened") {
			t.Errorf("invalid form: %d\n%s", status, page)
		}
		if strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;") || !strings.Contains(page, `value="dana at example"`) {
			t.Errorf("what the visitor typed is not echoed back escaped:\n%s", page)
		}
		status, page = site.post("/contact", url.Values{"name": {"Bot"}, "email": {"bot@example.com"}, "message": {"Cheap pills"}, "website": {"http://spam.example"}})
		if status != 200 || !strings.Contains(page, "Thank you") || caseNumber.MatchString(page) {
			t.Errorf("honeypot: %d\n%s", status, page)
		}
		if page, err := d.Cases(ctx, desk.CaseQuery{}); err != nil || len(page.Cases) != 0 {
			t.Errorf("cases after an invalid form and a bot: %d %v", len(page.Cases), err)
		}
		// The burst is spent (3 sends); the next is refused until the rate refills.
		status, _ = site.post("/contact", url.Values{"name": {"Lee"}, "email": {"lee@example.com"}, "message": {"Hello"}})
		if status != 200 {
			t.Errorf("third send: %d", status)
		}
		if status, page = site.post("/contact", url.Values{"name": {"Lee"}, "email": {"lee@example.com"}, "message": {"Hello again"}}); status != http.StatusTooManyRequests ||
			!strings.Contains(page, "Hello again</textarea>") || !strings.Contains(page, "wait a minute") {
			t.Errorf("fourth send in a row: %d, want 429 with the text kept\n%s", status, page)
		}
		if resp, _ := site.get("/contact"); resp.StatusCode != 200 {
			t.Errorf("reading the form is limited with the sending: %d", resp.StatusCode)
		}
	})
}

func TestContactEmbed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		site := newFormSite(t, testDesk(db))
		resp, page := site.get("/contact/embed")
		csp := resp.Header.Get("Content-Security-Policy")
		if resp.StatusCode != 200 || !strings.Contains(csp, "frame-ancestors 'self' https:") || resp.Header.Get("X-Frame-Options") != "" {
			t.Fatalf("embed: %d, CSP %q, X-Frame-Options %q", resp.StatusCode, csp, resp.Header.Get("X-Frame-Options"))
		}
		if !strings.Contains(page, `class="embed"`) || !strings.Contains(page, `action="/contact/embed"`) || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("embed page:\n%s", page)
		}
		status, page := site.post("/contact/embed", url.Values{"name": {"Kim"}, "email": {"kim@example.com"}, "message": {"Where is my order 7781?"}})
		if status != 200 || !caseNumber.MatchString(page) || !strings.Contains(page, `class="embed"`) {
			t.Errorf("embed submit: %d\n%s", status, page)
		}
		// A page on another site cannot post into the desk directly: only the
		// framed form (same origin as the desk) can.
		req, _ := http.NewRequest("POST", site.base+"/contact/embed", strings.NewReader("name=X&email=x%40example.com&message=hi"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site post: %d, want 403", resp.StatusCode)
		}
	})
}
