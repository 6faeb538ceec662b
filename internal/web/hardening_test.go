package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestTraineeCannotReadCasesThroughTheCoach: trainees lack cases:read, so a
// case id in a coach request is refused, with the same answer whether the
// case exists or not (no ids to enumerate); their own text still works.
func TestTraineeCannotReadCasesThroughTheCoach(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		trainee, d := newServer(t, db, desk.RoleTrainee)
		ctx := context.Background()
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CustomerName: "Dana Reyes",
			Subject: "Order 4471", Text: "You charged me $59.90 twice for order 4471.", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/coach/draft", "/api/v1/coach/review"} {
			for _, id := range []int64{res.CaseID, res.CaseID + 1000} {
				status, body := trainee.do("POST", path, map[string]any{"case_id": id, "reply": "Sorry, I will refund it today."})
				if status != http.StatusForbidden {
					t.Errorf("trainee %s case %d = %d %v, want 403", path, id, status, body)
				}
				if strings.Contains(strings.ToLower(toJSON(t, body)), "dana") || strings.Contains(toJSON(t, body), "4471") {
					t.Errorf("trainee %s leaked case data: %v", path, body)
				}
			}
		}
		status, body := trainee.do("POST", "/api/v1/coach/review", map[string]any{"customer_text": "My parcel is late.", "reply": "Sorry, I will chase it today."})
		if status != http.StatusOK {
			t.Errorf("trainee review of own text = %d %v", status, body)
		}
	})
}

// TestNULRefusedEverywhere: PostgreSQL cannot store NUL in text; both
// engines refuse it at the edge with 422 naming the field, and nothing is
// written.
func TestNULRefusedEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAdmin)
		status, body := api.do("POST", "/api/v1/messages", danaMessage)
		if status != http.StatusCreated {
			t.Fatalf("ingest: %d %v", status, body)
		}
		caseID := int64(body["case_id"].(float64))
		cases := func() int {
			page, err := d.Cases(context.Background(), desk.CaseQuery{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			return len(page.Cases)
		}
		before := cases()
		for _, tc := range []struct {
			method, path string
			body         any
			field        string
		}{
			{"POST", "/api/v1/messages", map[string]any{"customer": map[string]any{"email": "a@example.com", "name": "A\x00B"}, "text": "hello", "channel": "email"}, "customer.name"},
			{"POST", "/api/v1/messages", map[string]any{"customer": map[string]any{"email": "a@example.com"}, "text": "he\x00llo", "channel": "email"}, "text"},
			{"POST", "/api/v1/cases/{id}/replies", map[string]any{"text": "Sorry\x00, I will refund it today."}, "text"},
			{"POST", "/api/v1/cases/{id}/escalate", map[string]any{"reason": "bad\x00reason"}, "reason"},
			{"POST", "/api/v1/cases/{id}/goodwill", map[string]any{"kind": "refund", "amount_cents": 500, "currency": "USD", "reason": "sorry\x00"}, "reason"},
			{"GET", "/api/v1/cases?q=a%00b", nil, ""},
		} {
			path := strings.ReplaceAll(tc.path, "{id}", itoa(caseID))
			status, body := api.do(tc.method, path, tc.body)
			if status != http.StatusUnprocessableEntity {
				t.Errorf("%s %s = %d %v, want 422", tc.method, tc.path, status, body)
				continue
			}
			if tc.field != "" {
				fields, _ := body["error"].(map[string]any)["fields"].(map[string]any)
				if _, ok := fields[tc.field]; !ok {
					t.Errorf("%s %s: error does not name %s: %v", tc.method, tc.path, tc.field, body)
				}
			}
		}
		if n := cases(); n != before {
			t.Errorf("cases = %d after refused requests, want %d", n, before)
		}
		detail, err := d.Case(context.Background(), caseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(detail.Messages) != 1 {
			t.Errorf("case has %d messages after refused replies, want 1", len(detail.Messages))
		}

		// Forms: the agent's pages and the public contact form.
		b := signedInBrowser(t, api.base, "admin@calmdesk.test")
		if status, _ := fetch(t, b, "POST", api.base+"/cases/"+itoa(caseID)+"/reply", url.Values{"text": {"Sorry\x00"}}); status != http.StatusUnprocessableEntity {
			t.Errorf("reply form with NUL = %d, want 422", status)
		}
		site := newFormSite(t, d)
		status, page := site.post("/contact", url.Values{"name": {"Dana"}, "email": {"dana@example.com"}, "subject": {"Hi"}, "message": {"My order\x00 is late and I need it by Friday."}, "token": {site.token()}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "My order is late and I need it by Friday.") {
			t.Errorf("contact form with NUL = %d; want 422 with the words kept:\n%s", status, page)
		}
		if n := cases(); n != before {
			t.Errorf("cases = %d after refused forms, want %d", n, before)
		}
	})
}

// TestAPIRequestProblemsInPlainWords: wrong methods get 405 with Allow,
// bodies that are not JSON 415, wrong types a message naming the field in
// JSON's words, and a refused cross-origin write the JSON envelope.
func TestAPIRequestProblemsInPlainWords(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	api, _ := newServer(t, db, desk.RoleAdmin)

	status, body, hdr := rawDo(t, api, "DELETE", "/api/v1/cases", "", nil)
	if status != http.StatusMethodNotAllowed || hdr.Get("Allow") != "GET, HEAD" || !strings.Contains(body, `"method_not_allowed"`) {
		t.Errorf("DELETE /api/v1/cases = %d Allow=%q %s", status, hdr.Get("Allow"), body)
	}
	status, _, _ = rawDo(t, api, "GET", "/api/v1/settings/policy", "", nil)
	if status != http.StatusOK {
		t.Errorf("GET policy = %d", status)
	}
	status, _, hdr = rawDo(t, api, "POST", "/api/v1/settings/policy", "{}", map[string]string{"Content-Type": "application/json"})
	if status != http.StatusMethodNotAllowed || !strings.Contains(hdr.Get("Allow"), "PUT") {
		t.Errorf("POST policy = %d Allow=%q", status, hdr.Get("Allow"))
	}
	if status, body, _ := rawDo(t, api, "GET", "/api/v1/nothing-here", "", nil); status != http.StatusNotFound || !strings.Contains(body, `"not_found"`) {
		t.Errorf("unknown route = %d %s", status, body)
	}

	status, body, _ = rawDo(t, api, "POST", "/api/v1/messages", `{"text":"hi"}`, map[string]string{"Content-Type": "text/plain"})
	if status != http.StatusUnsupportedMediaType || !strings.Contains(body, "application/json") {
		t.Errorf("text/plain body = %d %s", status, body)
	}

	for _, tc := range []struct{ body, want string }{
		{`{"text": 5}`, "Field text must be a string."},
		{`[1,2]`, "The request body must be a JSON object."},
		{`{"text": "a"`, "not valid JSON"},
	} {
		status, got, _ := rawDo(t, api, "POST", "/api/v1/messages", tc.body, map[string]string{"Content-Type": "application/json"})
		if status != http.StatusBadRequest || !strings.Contains(got, tc.want) || strings.Contains(got, "desk.") || strings.Contains(got, "struct") {
			t.Errorf("%s = %d %s, want 400 saying %q", tc.body, status, got, tc.want)
		}
	}
	if status, body := api.do("POST", "/api/v1/messages", danaMessage); status != http.StatusCreated {
		t.Fatalf("ingest: %d %v", status, body)
	}
	status, got, _ := rawDo(t, api, "POST", "/api/v1/cases/1/deescalate", `{"note": 5}`, map[string]string{"Content-Type": "application/json"})
	if status != http.StatusBadRequest || strings.Contains(got, "struct") || !strings.Contains(got, "note") {
		t.Errorf("note of the wrong type = %d %s", status, got)
	}

	status, body, hdr = rawDo(t, api, "POST", "/api/v1/messages", `{}`, map[string]string{"Content-Type": "application/json", "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	if status != http.StatusForbidden || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") || !strings.Contains(body, `"cross_origin"`) {
		t.Errorf("cross-origin API write = %d %s %s", status, hdr.Get("Content-Type"), body)
	}
}

func (s formSite) token() string {
	s.t.Helper()
	_, page := s.get("/contact")
	return tokenField.FindStringSubmatch(page)[1]
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func toJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rawDo sends a request with the client's token and exactly the headers
// given, and returns the status, the body and the response headers.
func rawDo(t *testing.T, c apiClient, method, path, body string, headers map[string]string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, c.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

// addUserClient adds ROLE@calmdesk.test (password "correct horse battery")
// to the desk behind base and returns an API client with their token.
func addUserClient(t *testing.T, d *desk.Desk, base string, role desk.Role) apiClient {
	t.Helper()
	ctx := context.Background()
	email := string(role) + "@calmdesk.test"
	if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: email, Name: string(role), Role: role, Password: "correct horse battery"}); err != nil {
		t.Fatal(err)
	}
	token, err := d.CreateToken(ctx, desk.SystemActor, email, "test")
	if err != nil {
		t.Fatal(err)
	}
	return apiClient{t: t, base: base, token: token}
}
