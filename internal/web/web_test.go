package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// apiClient calls the API with a bearer token.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

// addAgent adds Sam, an agent (password "correct horse battery"), and
// returns an API client with his token.
func addAgent(t *testing.T, d *desk.Desk, base string) apiClient {
	t.Helper()
	ctx := context.Background()
	if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam Okafor", Role: desk.RoleAgent, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	token, err := d.CreateToken(ctx, desk.SystemActor, "sam@calmdesk.test", "")
	if err != nil {
		t.Fatal(err)
	}
	return apiClient{t: t, base: base, token: token}
}

func (c apiClient) do(method, path string, body any) (int, map[string]any) {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: response is not JSON: %v\n%s", method, path, err, raw)
		}
	}
	return resp.StatusCode, out
}

// newServer starts calmdesk's HTTP server on db and returns an API client
// for a user of the given role.
func newServer(t *testing.T, db *store.DB, role desk.Role) (apiClient, *desk.Desk) {
	t.Helper()
	d := testDesk(db)
	srv := httptest.NewServer(web.New(d, web.Config{}, nil))
	t.Cleanup(srv.Close)
	return addUserClient(t, d, srv.URL, role), d
}

var danaMessage = map[string]any{
	"customer":    map[string]any{"email": "dana.reyes@example.com", "name": "Dana Reyes"},
	"subject":     "Charged twice for order 4471",
	"text":        "This is the third time I write. You charged me twice for order 4471 and nobody answers. Fix it NOW!!!",
	"channel":     "email",
	"external_id": "<dana-1@mail.example.com>",
}

func TestMessageBecomesCaseOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, _ := newServer(t, db, desk.RoleAgent)
		status, body := api.do("POST", "/api/v1/messages", danaMessage)
		if status != http.StatusCreated {
			t.Fatalf("ingest: %d %v", status, body)
		}
		caseID := body["case_id"].(float64)
		reading, _ := body["reading"].(map[string]any)
		for _, key := range []string{"anger", "level", "angry", "sentiment", "complaint", "emotions", "labels", "reasons", "concerns", "signals"} {
			if _, ok := reading[key]; !ok {
				t.Errorf("reading lacks %q: %v", key, reading)
			}
		}
		status, again := api.do("POST", "/api/v1/messages", danaMessage)
		if status != http.StatusOK || again["duplicate"] != true || again["case_id"] != caseID || again["message_id"] != body["message_id"] {
			t.Fatalf("re-ingest: %d %v", status, again)
		}
		status, list := api.do("GET", "/api/v1/cases", nil)
		if status != http.StatusOK {
			t.Fatalf("list: %d %v", status, list)
		}
		cases := list["cases"].([]any)
		if len(cases) != 1 || cases[0].(map[string]any)["id"] != caseID {
			t.Fatalf("list = %v", list)
		}
		if _, found := api.do("GET", "/api/v1/cases?q=REYES", nil); len(found["cases"].([]any)) != 1 {
			t.Errorf("search by name: %v", found)
		}
		if _, none := api.do("GET", "/api/v1/cases?q=nobody&breaching=true", nil); len(none["cases"].([]any)) != 0 {
			t.Errorf("search for nobody: %v", none)
		}
		status, got := api.do("GET", fmt.Sprintf("/api/v1/cases/%d", int(caseID)), nil)
		if status != http.StatusOK {
			t.Fatalf("get: %d %v", status, got)
		}
		msgs := got["messages"].([]any)
		if len(msgs) != 1 || msgs[0].(map[string]any)["reading"] == nil {
			t.Fatalf("case messages = %v", msgs)
		}
		for _, key := range []string{"concerns", "signals", "escalations", "commitments", "anger", "customer"} {
			if _, ok := got[key]; !ok {
				t.Errorf("case lacks %q", key)
			}
		}
		customerID := int(got["customer"].(map[string]any)["id"].(float64))
		status, hist := api.do("GET", fmt.Sprintf("/api/v1/customers/%d", customerID), nil)
		if status != http.StatusOK || len(hist["cases"].([]any)) != 1 {
			t.Errorf("customer history: %d %v", status, hist)
		}
		if status, _ := api.do("GET", "/api/v1/customers/999999", nil); status != http.StatusNotFound {
			t.Errorf("unknown customer: %d", status)
		}
	})
}

func TestCaseLifecycleThroughAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, _ := newServer(t, db, desk.RoleSupervisor)
		_, body := api.do("POST", "/api/v1/messages", danaMessage)
		path := fmt.Sprintf("/api/v1/cases/%d", int(body["case_id"].(float64)))
		if status, r := api.do("POST", path+"/replies", map[string]any{"text": "Dana, I'm sorry. I will refund the duplicate $59.90 within 3 business days."}); status != http.StatusCreated {
			t.Fatalf("reply: %d %v", status, r)
		}
		if status, r := api.do("POST", path+"/escalate", map[string]any{"reason": "asked for a manager"}); status != http.StatusOK || r["status"] != "escalated" {
			t.Fatalf("escalate: %d %v", status, r)
		}
		if status, r := api.do("POST", path+"/escalate", nil); status != http.StatusOK {
			t.Fatalf("escalate without body: %d %v", status, r)
		}
		if status, r := api.do("POST", path+"/resolve", nil); status != http.StatusOK || r["status"] != "resolved" {
			t.Fatalf("resolve: %d %v", status, r)
		}
		if status, r := api.do("GET", "/api/v1/commitments?status=open", nil); status != http.StatusOK {
			t.Fatalf("commitments: %d %v", status, r)
		}
		if status, r := api.do("GET", "/api/v1/commitments?status=forgotten", nil); status != http.StatusUnprocessableEntity {
			t.Fatalf("commitments with a bad status: %d %v", status, r)
		}
	})
}

func TestBadInputGetsClearErrors(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, _ := newServer(t, db, desk.RoleAgent)
		huge := `{"customer":{"email":"a@example.com"},"text":"` + strings.Repeat("x", 1<<20) + `"}`
		cases := []struct {
			name, method, path string
			body               any
			status             int
			code, field        string
		}{
			{"malformed JSON", "POST", "/api/v1/messages", `{"customer": {`, 400, "bad_json", ""},
			{"empty body", "POST", "/api/v1/messages", "", 400, "bad_json", ""},
			{"wrong type", "POST", "/api/v1/messages", `{"customer":{"email":"a@example.com"},"text":42}`, 400, "bad_json", "text"},
			{"invalid UTF-8", "POST", "/api/v1/messages", []byte("{\"customer\":{\"email\":\"a@example.com\"},\"text\":\"bad \xff\"}"), 400, "invalid_utf8", ""},
			{"too large", "POST", "/api/v1/messages", huge, 413, "too_large", ""},
			{"missing text", "POST", "/api/v1/messages", `{"customer":{"email":"a@example.com"}}`, 422, "invalid", "text"},
			{"bad email", "POST", "/api/v1/messages", `{"customer":{"email":"nope"},"text":"hi"}`, 422, "invalid", "customer.email"},
			{"long subject", "POST", "/api/v1/messages", map[string]any{"customer": map[string]any{"email": "a@example.com"}, "text": "hi", "subject": strings.Repeat("s", 600)}, 422, "invalid", "subject"},
			{"unknown case", "GET", "/api/v1/cases/987654", nil, 404, "not_found", ""},
			{"non-numeric case", "GET", "/api/v1/cases/abc", nil, 404, "not_found", ""},
			{"reply to unknown case", "POST", "/api/v1/cases/987654/replies", `{"text":"hello"}`, 404, "not_found", ""},
			{"empty reply", "POST", "/api/v1/cases/987654/replies", `{"text":""}`, 422, "invalid", "text"},
			{"bad limit", "GET", "/api/v1/cases?limit=1000", nil, 422, "invalid", "limit"},
			{"bad cursor", "GET", "/api/v1/cases?cursor=%21%21", nil, 422, "invalid", "cursor"},
			{"unknown route", "GET", "/api/v1/nothing", nil, 404, "not_found", ""},
		}
		for _, tc := range cases {
			status, body := api.do(tc.method, tc.path, tc.body)
			if status != tc.status {
				t.Errorf("%s: status %d, want %d (%v)", tc.name, status, tc.status, body)
				continue
			}
			e, _ := body["error"].(map[string]any)
			if e == nil || e["code"] != tc.code || e["message"] == "" {
				t.Errorf("%s: error body %v, want code %s", tc.name, body, tc.code)
				continue
			}
			if tc.field != "" {
				fields, _ := e["fields"].(map[string]any)
				if _, ok := fields[tc.field]; !ok {
					t.Errorf("%s: fields %v, want %s", tc.name, fields, tc.field)
				}
			}
		}
		if status, list := api.do("GET", "/api/v1/cases", nil); status != 200 || len(list["cases"].([]any)) != 0 {
			t.Errorf("bad input left cases behind: %v", list)
		}
	})
}

func TestEveryRouteChecksPermissions(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	trainee, _ := newServer(t, db, desk.RoleTrainee)
	anonymous := apiClient{t: t, base: trainee.base}
	forged := apiClient{t: t, base: trainee.base, token: "cd_forged"}
	routes := []struct{ method, path string }{
		{"POST", "/api/v1/messages"}, {"GET", "/api/v1/cases"}, {"GET", "/api/v1/cases/1"},
		{"POST", "/api/v1/cases/1/replies"}, {"POST", "/api/v1/cases/1/resolve"}, {"POST", "/api/v1/cases/1/escalate"},
		{"GET", "/api/v1/commitments"}, {"GET", "/api/v1/customers/1"}, {"GET", "/api/v1/attachments/1"}, {"POST", "/api/v1/cases/1/deescalate"}, {"POST", "/api/v1/cases/1/assign"},
		{"POST", "/api/v1/cases/1/goodwill"}, {"GET", "/api/v1/cases/1/audit"}, {"GET", "/api/v1/commitments/stats"},
		{"POST", "/api/v1/commitments/1/kept"}, {"POST", "/api/v1/commitments/1/cancel"}, {"GET", "/api/v1/goodwill"},
		{"GET", "/api/v1/goodwill/budget"}, {"POST", "/api/v1/goodwill/1/approve"}, {"POST", "/api/v1/goodwill/1/decline"},
		{"GET", "/api/v1/settings/policy"}, {"PUT", "/api/v1/settings/policy"}, {"GET", "/api/v1/webhooks/deliveries"},
	}
	for _, rt := range routes {
		if status, _ := anonymous.do(rt.method, rt.path, `{}`); status != http.StatusUnauthorized {
			t.Errorf("%s %s without a token: %d, want 401", rt.method, rt.path, status)
		}
		if status, _ := forged.do(rt.method, rt.path, `{}`); status != http.StatusUnauthorized {
			t.Errorf("%s %s with a forged token: %d, want 401", rt.method, rt.path, status)
		}
		if status, _ := trainee.do(rt.method, rt.path, `{}`); status != http.StatusForbidden {
			t.Errorf("%s %s as a trainee: %d, want 403", rt.method, rt.path, status)
		}
	}
	if status, me := trainee.do("GET", "/api/v1/me", nil); status != 200 || me["user"] == nil {
		t.Errorf("me: %d %v", status, me)
	}
}

func TestHealthReadinessAndMetrics(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	api, _ := newServer(t, db, desk.RoleAgent)
	api.do("POST", "/api/v1/messages", danaMessage)
	for path, want := range map[string]string{
		"/healthz": `"ok"`,
		"/readyz":  `"ready"`,
		"/metrics": `calmdesk_messages_ingested_total{channel="email"} 1`,
	} {
		resp, err := http.Get(api.base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("%s: %d, body lacks %s", path, resp.StatusCode, want)
		}
	}
	resp, err := http.Get(api.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `route="POST /api/v1/messages"`) {
		t.Errorf("metrics lack the route label of the ingest route")
	}
}

// browser is a cookie-keeping client that does not follow redirects.
func browser(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, Timeout: 60 * time.Second, // bcrypt under -race takes seconds
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
}

func TestLoginSessionSharedAcrossInstancesAndRateLimited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAgent)
		// A second instance on the same database, as behind a load balancer.
		other := httptest.NewServer(web.New(d, web.Config{}, nil))
		defer other.Close()

		b := browser(t)
		resp, err := b.Get(api.base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			t.Fatalf("anonymous / = %d %s, want a redirect to /login", resp.StatusCode, resp.Header.Get("Location"))
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Error("no Content-Security-Policy header")
		}
		login := func(base, pw string) *http.Response {
			resp, err := b.PostForm(base+"/login", url.Values{"email": {"agent@calmdesk.test"}, "password": {pw}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp
		}
		if r := login(api.base, "correct horse battery"); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("login = %d, want 303", r.StatusCode)
		} else {
			for _, c := range r.Cookies() {
				if c.Name == "calmdesk_session" && (!c.HttpOnly || c.SameSite != http.SameSiteLaxMode) {
					t.Errorf("session cookie flags: %+v", c)
				}
			}
		}
		// The session cookie works on the other instance.
		u, _ := url.Parse(api.base)
		o, _ := url.Parse(other.URL)
		b.Jar.SetCookies(o, b.Jar.Cookies(u))
		resp, err = b.Get(other.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(page), "Inbox") {
			t.Fatalf("shell on the other instance = %d", resp.StatusCode)
		}
		// A cross-site form post is refused (CSRF).
		req, _ := http.NewRequest("POST", api.base+"/logout", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err = b.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site POST = %d, want 403", resp.StatusCode)
		}
		// Wrong passwords are limited per email.
		codes := []int{}
		for range 7 {
			codes = append(codes, login(api.base, "wrong password!").StatusCode)
		}
		if codes[0] != http.StatusUnauthorized || codes[6] != http.StatusTooManyRequests {
			t.Errorf("failed login statuses = %v, want 401s then 429", codes)
		}
		if r := login(api.base, "correct horse battery"); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("right password during lock-out = %d, want 429", r.StatusCode)
		}
	})
}

func TestCustomerContentIsEscapedInPages(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	api, _ := newServer(t, db, desk.RoleAgent)
	hostile := map[string]any{
		"customer": map[string]any{"email": "mallory@example.com", "name": `<img src=x onerror=alert(1)>`},
		"subject":  `<script>alert("pwned")</script>`,
		"text":     "<b>hi</b> I am angry",
	}
	if status, body := api.do("POST", "/api/v1/messages", hostile); status != 201 {
		t.Fatalf("ingest: %d %v", status, body)
	}
	b := browser(t)
	resp, err := b.PostForm(api.base+"/login", url.Values{"email": {"agent@calmdesk.test"}, "password": {"correct horse battery"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = b.Get(api.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(page), "<script>alert") || strings.Contains(string(page), "<img src=x") {
		t.Fatalf("customer content reached the page unescaped:\n%s", page)
	}
	if !strings.Contains(string(page), "&lt;script&gt;") {
		t.Errorf("escaped subject missing from the inbox")
	}
}
