package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
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

// signedInBrowser logs a cookie-keeping client in as email on base.
func signedInBrowser(t *testing.T, base, email string) *http.Client {
	t.Helper()
	b := browser(t)
	resp, err := b.PostForm(base+"/login", url.Values{"email": {email}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login as %s = %d", email, resp.StatusCode)
	}
	return b
}

func fetch(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string) {
	t.Helper()
	var resp *http.Response
	var err error
	if method == "POST" {
		resp, err = c.PostForm(u, form)
	} else {
		resp, err = c.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var rowRE = regexp.MustCompile(`<tr id="case-(\d+)"`)

func TestInboxViewsAndPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAgent)
		ctx := context.Background()
		var first int64
		for i := range 60 {
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("c%d@example.com", i), Subject: fmt.Sprintf("Case %d", i), Text: "It broke.", Channel: "email"})
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = res.CaseID
			}
		}
		b := signedInBrowser(t, api.base, "agent@calmdesk.test")
		status, page := fetch(t, b, "GET", api.base+"/", nil)
		if status != 200 || len(rowRE.FindAllString(page, -1)) != 50 {
			t.Fatalf("first page: %d with %d rows", status, len(rowRE.FindAllString(page, -1)))
		}
		next := regexp.MustCompile(`href="(/\?cursor=[^"]+)" rel="next"`).FindStringSubmatch(page)
		if next == nil {
			t.Fatal("no link to the next page")
		}
		status, page = fetch(t, b, "GET", api.base+strings.ReplaceAll(next[1], "&amp;", "&"), nil)
		if status != 200 || len(rowRE.FindAllString(page, -1)) != 10 || strings.Contains(page, `rel="next"`) {
			t.Fatalf("second page: %d with %d rows", status, len(rowRE.FindAllString(page, -1)))
		}
		if _, err := d.Escalate(ctx, desk.SystemActor, first, "manual", "test"); err != nil {
			t.Fatal(err)
		}
		_, page = fetch(t, b, "GET", api.base+"/?view=escalated", nil)
		if rows := rowRE.FindAllStringSubmatch(page, -1); len(rows) != 1 || rows[0][1] != fmt.Sprint(first) {
			t.Errorf("escalated view rows = %v", rows)
		}
		me, err := d.UserByEmail(ctx, "agent@calmdesk.test")
		if err != nil {
			t.Fatal(err)
		}
		mine, err := d.Cases(ctx, desk.CaseQuery{AssigneeID: me.ID, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if _, page = fetch(t, b, "GET", api.base+"/?view=mine", nil); len(rowRE.FindAllString(page, -1)) != len(mine.Cases) {
			t.Errorf("mine view shows %d rows, want the %d cases assigned to me", len(rowRE.FindAllString(page, -1)), len(mine.Cases))
		}
		if status, _ := fetch(t, b, "GET", api.base+"/?cursor=%21%21", nil); status != http.StatusUnprocessableEntity {
			t.Errorf("bad cursor = %d, want 422", status)
		}
	})
}

// hotReader marks its whole text as one hot sentence with one reason, so
// the page has something to highlight.
type hotReader struct{}

func (hotReader) Read(text string) (analyze.Reading, error) {
	return analyze.Reading{Language: "en", Supported: true, Anger: 85, Level: analyze.Furious, Angry: true,
		Emotions: map[string]float64{}, Labels: []string{}, Concerns: []analyze.Concern{},
		Signals:   []analyze.Signal{{Kind: "manager_request", Text: text, Start: 0, End: len(text)}},
		Reasons:   []analyze.Reason{{Kind: "caps", Text: text[:5], Start: 0, End: 5}},
		Sentences: []analyze.Sentence{{Start: 0, End: len(text), Anger: 85}, {Start: 2, End: 999, Anger: 99}}}, nil
}

func TestCasePageHighlightsAndEscapes(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := desk.New(db, desk.Options{Analyzer: hotReader{}})
	srv := httptest.NewServer(web.New(d, web.Config{}, nil))
	defer srv.Close()
	if _, _, err := d.AddUser(context.Background(), desk.SystemActor, desk.NewUser{Email: "agent@calmdesk.test", Name: "Sam", Role: desk.RoleAgent, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	res, err := d.Ingest(context.Background(), desk.InboundMessage{CustomerEmail: "m@example.com", CustomerName: `<img src=x onerror=alert(1)>`,
		Subject: `<script>alert(1)</script>`, Text: `<script>alert("x")</script> MANAGER NOW`, Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	b := signedInBrowser(t, srv.URL, "agent@calmdesk.test")
	status, page := fetch(t, b, "GET", fmt.Sprintf("%s/cases/%d", srv.URL, res.CaseID), nil)
	if status != 200 {
		t.Fatalf("case page = %d", status)
	}
	for _, bad := range []string{"<script>alert", "<img src=x"} {
		if strings.Contains(page, bad) {
			t.Errorf("case page carries %q unescaped", bad)
		}
	}
	if !strings.Contains(page, `<mark class="hot level-furious" tabindex="0"`) || !strings.Contains(page, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; MANAGER NOW</mark>") {
		t.Errorf("the hot sentence is not highlighted (escaped):\n%s", page)
	}
	if !strings.Contains(page, "caps: “&lt;scri”") || !strings.Contains(page, "asks for a manager") || !strings.Contains(page, `<svg class="chart"`) {
		t.Errorf("reasons, signals or the chart are missing")
	}
	if status, _ := fetch(t, b, "GET", srv.URL+"/cases/999999", nil); status != 404 {
		t.Errorf("unknown case = %d", status)
	}
}

func TestCoachPanelAndConfirmedSend(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, _ := newServer(t, db, desk.RoleAgent)
		_, body := api.do("POST", "/api/v1/messages", danaMessage)
		id := int(body["case_id"].(float64))
		b := signedInBrowser(t, api.base, "agent@calmdesk.test")
		base := fmt.Sprintf("%s/cases/%d", api.base, id)
		bad := "calm down, as I already said\r\nwe will fix it soon"
		status, panel := fetch(t, b, "POST", base+"/coach", url.Values{"text": {bad}, "kind": {"reply"}})
		if status != 200 || !strings.Contains(panel, "Not ready") || !strings.Contains(panel, `class="apply"`) || !strings.Contains(panel, `hx-swap-oob="true"`) {
			t.Fatalf("coach panel = %d:\n%s", status, panel)
		}
		// Offsets are in UTF-16 units of the LF text the textarea holds.
		// The rewrite ends the clause it replaces and starts the next one.
		if !strings.Contains(panel, `data-start="0" data-end="13" data-text="calm down, as" data-rewrite="I can see why this has upset you. As"`) {
			t.Errorf("apply button lacks the span of “calm down”:\n%s", panel)
		}
		// Only words for the customer are offered to insert; advice is shown.
		for _, rw := range regexp.MustCompile(`data-rewrite="([^"]*)"`).FindAllStringSubmatch(panel, -1) {
			if strings.Contains(rw[1], "…") || strings.Contains(rw[1], "Give a date") || strings.Contains(rw[1], "&lt;") {
				t.Errorf("a rewrite is not customer text: %q", rw[1])
			}
		}
		if !strings.Contains(panel, "Try: Give a date or a duration") {
			t.Errorf("the vague-timing hint is not shown:\n%s", panel)
		}
		if _, panel = fetch(t, b, "POST", base+"/coach", url.Values{"text": {bad}, "kind": {"note"}}); !strings.Contains(panel, "Internal note") {
			t.Errorf("a note got reviewed")
		}
		if _, panel = fetch(t, b, "POST", base+"/coach", url.Values{"text": {"  "}}); !strings.Contains(panel, "Start typing") {
			t.Errorf("empty draft: %s", panel)
		}
		status, page := fetch(t, b, "POST", base+"/reply", url.Values{"text": {bad}, "kind": {"reply"}})
		if status != 200 || !strings.Contains(page, "Send anyway") || !strings.Contains(page, "as I already said") {
			t.Fatalf("a reply with errors was not held for confirmation: %d", status)
		}
		status, _ = fetch(t, b, "POST", base+"/reply", url.Values{"text": {bad}, "kind": {"reply"}, "confirm": {"1"}})
		if status != http.StatusSeeOther {
			t.Fatalf("confirmed send = %d", status)
		}
		_, page = fetch(t, b, "GET", base, nil)
		if !strings.Contains(page, "Reply sent") || strings.Contains(page, "No promises yet") {
			t.Errorf("after sending: no flash or no promise")
		}
		if status, _ = fetch(t, b, "POST", base+"/escalate", url.Values{"reason": {"asked for a manager"}}); status != http.StatusSeeOther {
			t.Errorf("escalate = %d", status)
		}
		if status, _ = fetch(t, b, "POST", base+"/resolve", nil); status != http.StatusSeeOther {
			t.Errorf("resolve = %d", status)
		}
		if _, page = fetch(t, b, "GET", base, nil); !strings.Contains(page, `class="status status-resolved"`) {
			t.Errorf("case is not resolved")
		}
	})
}

func TestTraineeSeesNoCases(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	api, _ := newServer(t, db, desk.RoleTrainee)
	b := signedInBrowser(t, api.base, "trainee@calmdesk.test")
	for _, tc := range []struct{ method, path string }{{"GET", "/cases/1"}, {"POST", "/cases/1/coach"}, {"POST", "/cases/1/reply"}, {"GET", "/events"}} {
		if status, _ := fetch(t, b, tc.method, api.base+tc.path, url.Values{"text": {"hi"}}); status != http.StatusForbidden {
			t.Errorf("trainee %s %s = %d, want 403", tc.method, tc.path, status)
		}
	}
}

// TestLiveUpdatesCrossInstances opens the event stream on one instance and
// changes a case through another: the row arrives, because the stream reads
// the shared database's audit log, not one process's memory.
func TestLiveUpdatesCrossInstances(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAgent)
		other := httptest.NewServer(web.New(d, web.Config{}, nil))
		defer other.Close()
		b := signedInBrowser(t, api.base, "agent@calmdesk.test")
		u, _ := url.Parse(api.base)
		o, _ := url.Parse(other.URL)
		b.Jar.SetCookies(o, b.Jar.Cookies(u))
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", other.URL+"/events", nil)
		resp, err := b.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("events = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		_, body := api.do("POST", "/api/v1/messages", danaMessage)
		want := fmt.Sprintf(`"id":%d,`, int(body["case_id"].(float64)))
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			if name, ok := strings.CutPrefix(line, "event: "); ok {
				event = name
			}
			if data, ok := strings.CutPrefix(line, "data: "); ok && event == "case" && strings.Contains(data, want) {
				if !strings.Contains(data, `\u003ctr id=\"case-`) {
					t.Errorf("case event without its row: %s", data)
				}
				return
			}
		}
		t.Fatalf("no case event for the new case: %v", sc.Err())
	})
}

func TestNotificationsCountUntilSeen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleSupervisor)
		ctx := context.Background()
		agent, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		_, body := api.do("POST", "/api/v1/messages", danaMessage)
		caseID := int64(body["case_id"].(float64))
		b := signedInBrowser(t, api.base, "supervisor@calmdesk.test")
		_, before := fetch(t, b, "GET", api.base+"/", nil)
		if _, err := d.OfferGoodwill(ctx, agent, desk.GoodwillInput{CaseID: caseID, Kind: "credit", AmountCents: 3000, Reason: "double charge"}); err != nil {
			t.Fatal(err)
		}
		badge := regexp.MustCompile(`Notifications <span class="badge">(\d+)`)
		_, page := fetch(t, b, "GET", api.base+"/", nil)
		m, old := badge.FindStringSubmatch(page), badge.FindStringSubmatch(before)
		if m == nil || (old != nil && count(m[1]) <= count(old[1])) {
			t.Fatalf("no new notification counted after a goodwill request (before %v, after %v)", old, m)
		}
		status, list := fetch(t, b, "GET", api.base+"/notifications", nil)
		if status != 200 || !strings.Contains(list, `class="new"`) || !strings.Contains(list, fmt.Sprintf("/cases/%d", caseID)) {
			t.Fatalf("notifications page = %d:\n%s", status, list)
		}
		if _, page = fetch(t, b, "GET", api.base+"/", nil); badge.MatchString(page) {
			t.Errorf("the count stays after the notifications were seen")
		}
		status, page = fetch(t, b, "GET", api.base+"/supervisor", nil)
		if status != 200 || !strings.Contains(page, "double charge") || !strings.Contains(page, "/goodwill/") {
			t.Errorf("supervisor page lacks the pending gesture: %d", status)
		}
	})
}

func count(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func TestDraftForMe(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	api, _ := newServer(t, db, desk.RoleAgent)
	_, body := api.do("POST", "/api/v1/messages", danaMessage)
	b := signedInBrowser(t, api.base, "agent@calmdesk.test")
	status, box := fetch(t, b, "POST", fmt.Sprintf("%s/cases/%d/draft", api.base, int(body["case_id"].(float64))), url.Values{"text": {""}})
	if status != 200 || !strings.HasPrefix(box, `<textarea id="reply-text"`) || strings.Contains(box, "></textarea>") {
		t.Fatalf("draft = %d:\n%s", status, box)
	}
}

// TestCasePageHearsChanges: the case page's stream says when someone else
// changes the case, so the agent knows before sending a stale answer.
func TestCasePageHearsChanges(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	api, d := newServer(t, db, desk.RoleAgent)
	_, body := api.do("POST", "/api/v1/messages", danaMessage)
	caseID := int64(body["case_id"].(float64))
	b := signedInBrowser(t, api.base, "agent@calmdesk.test")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", fmt.Sprintf("%s/events?case=%d", api.base, caseID), nil)
	resp, err := b.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := d.Ingest(context.Background(), desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CaseID: caseID, Text: "Hello?? Anyone?", Channel: "email"}); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "data: ") && strings.Contains(sc.Text(), "The customer wrote again") {
			return
		}
	}
	t.Fatalf("no change event: %v", sc.Err())
}

func TestTakeAssignAndDeescalate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleSupervisor)
		ctx := context.Background()
		_, body := api.do("POST", "/api/v1/messages", danaMessage)
		caseID := int64(body["case_id"].(float64))
		if _, err := d.Assign(ctx, desk.SystemActor, caseID, 0); err != nil {
			t.Fatal(err)
		}
		b := signedInBrowser(t, api.base, "supervisor@calmdesk.test")
		base := fmt.Sprintf("%s/cases/%d", api.base, caseID)
		if _, page := fetch(t, b, "GET", base, nil); !strings.Contains(page, `id="take"`) {
			t.Fatal("no way to take an unassigned case")
		}
		if status, _ := fetch(t, b, "POST", base+"/assign", nil); status != http.StatusSeeOther {
			t.Fatalf("take = %d", status)
		}
		me, _ := d.UserByEmail(ctx, "supervisor@calmdesk.test")
		c, err := d.Case(ctx, caseID)
		if err != nil || c.AssigneeID == nil || *c.AssigneeID != me.ID {
			t.Fatalf("after taking, assignee = %v (%v)", c.AssigneeID, err)
		}
		if status, _ := fetch(t, b, "POST", base+"/assign", url.Values{"user": {"0"}}); status != http.StatusSeeOther {
			t.Fatalf("unassign = %d", status)
		}
		if c, _ = d.Case(ctx, caseID); c.AssigneeID != nil {
			t.Errorf("still assigned to %d", *c.AssigneeID)
		}
		if _, err := d.Escalate(ctx, desk.SystemActor, caseID, "manual", "test"); err != nil {
			t.Fatal(err)
		}
		if status, _ := fetch(t, b, "POST", base+"/deescalate", url.Values{"note": {"handled"}}); status != http.StatusSeeOther {
			t.Fatalf("deescalate = %d", status)
		}
		if c, _ = d.Case(ctx, caseID); c.Status == desk.StatusEscalated {
			t.Errorf("still escalated")
		}
	})
}

func TestExpiredSessionInLiveRequests(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	api, _ := newServer(t, db, desk.RoleAgent)
	c := browser(t)
	req, _ := http.NewRequest("POST", api.base+"/cases/1/coach", strings.NewReader("text=hi"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Current-URL", api.base+"/cases/1")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("HX-Redirect") != "/login?next=%2Fcases%2F1" {
		t.Errorf("htmx without a session = %d, HX-Redirect %q", resp.StatusCode, resp.Header.Get("HX-Redirect"))
	}
	req, _ = http.NewRequest("GET", api.base+"/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	if resp, err = c.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("event stream without a session = %d, want 401", resp.StatusCode)
	}
}
