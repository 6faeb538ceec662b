package web_test

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestOneStatusPerErrorKind feeds each kind of domain error through the API,
// a page and an htmx fragment: all three answer the same status, the page
// in HTML, the fragment as a short text its panel can show, the API in its
// envelope.
func TestOneStatusPerErrorKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAdmin)
		status, body := api.do("POST", "/api/v1/messages", danaMessage)
		if status != http.StatusCreated {
			t.Fatalf("ingest: %d %v", status, body)
		}
		id := itoa(int64(body["case_id"].(float64)))
		trainee := addUserClient(t, d, api.base, desk.RoleTrainee)
		admin := signedInBrowser(t, api.base, "admin@calmdesk.test")
		traineeBrowser := signedInBrowser(t, api.base, "trainee@calmdesk.test")
		tooLong := strings.Repeat("Sorry. ", desk.MaxReplyBytes/7+10)

		for _, tc := range []struct {
			kind    string
			status  int
			api     func() int
			browser *http.Client
			method  string
			path    string
			form    url.Values
		}{
			{"not found", http.StatusNotFound,
				func() int { s, _ := api.do("GET", "/api/v1/cases/9999", nil); return s },
				admin, "GET", "/cases/9999/timeline", nil},
			{"not found (goodwill)", http.StatusNotFound,
				func() int { s, _ := api.do("POST", "/api/v1/goodwill/9999/approve", nil); return s },
				admin, "POST", "/goodwill/9999/approve", url.Values{}},
			{"invalid", http.StatusUnprocessableEntity,
				func() int {
					s, _ := api.do("POST", "/api/v1/coach/review", map[string]any{"case_id": 1, "reply": tooLong})
					return s
				},
				admin, "POST", "/cases/" + id + "/coach", url.Values{"text": {tooLong}}},
			{"conflict", http.StatusConflict,
				func() int { s, _ := api.do("POST", "/api/v1/cases/"+id+"/deescalate", nil); return s },
				admin, "POST", "/cases/" + id + "/deescalate", url.Values{}},
			{"forbidden", http.StatusForbidden,
				func() int {
					s, _ := trainee.do("POST", "/api/v1/coach/draft", map[string]any{"case_id": 1})
					return s
				},
				traineeBrowser, "POST", "/cases/" + id + "/draft", url.Values{}},
		} {
			if got := tc.api(); got != tc.status {
				t.Errorf("%s: API = %d, want %d", tc.kind, got, tc.status)
			}
			for _, fragment := range []bool{false, true} {
				got, ctype, text := browse(t, tc.browser, tc.method, api.base+tc.path, tc.form, fragment)
				wantType := "text/html"
				if fragment {
					wantType = "text/plain"
				}
				if got != tc.status || !strings.HasPrefix(ctype, wantType) {
					t.Errorf("%s: %s %s (fragment %v) = %d %s, want %d %s\n%.300s", tc.kind, tc.method, tc.path, fragment, got, ctype, tc.status, wantType, text)
				}
				if tc.kind == "not found (goodwill)" && !strings.Contains(text, "goodwill") {
					t.Errorf("missing goodwill offer says %q", text)
				}
			}
		}
	})
}

// browse sends a browser request, as htmx does when fragment is set.
func browse(t *testing.T, c *http.Client, method, u string, form url.Values, fragment bool) (int, string, string) {
	t.Helper()
	var req *http.Request
	var err error
	if method == "POST" {
		req, err = http.NewRequest(method, u, strings.NewReader(form.Encode()))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		req, err = http.NewRequest(method, u, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	if fragment {
		req.Header.Set("HX-Request", "true")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b.String()
}
