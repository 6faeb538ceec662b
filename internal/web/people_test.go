package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestDeactivationEndsSessionsAndTokensAtOnce: an admin deactivates Sam
// through the API; the browser session Sam had and his API token are
// refused on their very next request, he cannot sign in, his open case is
// listed as needing a new owner, and after reactivation the old cookie and
// token stay dead.
func TestDeactivationEndsSessionsAndTokensAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin, d := newServer(t, db, desk.RoleAdmin)
		sam := addAgent(t, d, admin.base)
		ctx := context.Background()
		samUser, err := d.UserByEmail(ctx, "sam@calmdesk.test")
		if err != nil {
			t.Fatal(err)
		}
		status, body := sam.do("POST", "/api/v1/messages", danaMessage)
		if status != http.StatusCreated {
			t.Fatalf("ingest: %d %v", status, body)
		}
		caseID := int64(body["case_id"].(float64))
		if status, body := sam.do("POST", fmt.Sprintf("/api/v1/cases/%d/assign", caseID), map[string]any{"user_id": samUser.ID}); status != http.StatusOK {
			t.Fatalf("assign: %d %v", status, body)
		}

		b := browser(t)
		login := func() int {
			resp, err := b.PostForm(admin.base+"/login", url.Values{"email": {"sam@calmdesk.test"}, "password": {"correct horse battery"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		inbox := func() int {
			resp, err := b.Get(admin.base + "/")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if login() != http.StatusSeeOther || inbox() != http.StatusOK {
			t.Fatal("Sam cannot sign in before deactivation")
		}
		oldCookies := b.Jar.Cookies(mustURL(t, admin.base))

		// Refusals first: an agent cannot deactivate; an admin not themselves.
		if status, _ := sam.do("POST", fmt.Sprintf("/api/v1/users/%d/deactivate", samUser.ID), nil); status != http.StatusForbidden {
			t.Errorf("agent deactivating = %d, want 403", status)
		}
		adminUser, _ := d.UserByEmail(ctx, "admin@calmdesk.test")
		if status, body := admin.do("POST", fmt.Sprintf("/api/v1/users/%d/deactivate", adminUser.ID), nil); status != http.StatusConflict {
			t.Errorf("admin deactivating themselves = %d %v, want 409", status, body)
		}
		if status, body := admin.do("PATCH", fmt.Sprintf("/api/v1/users/%d", adminUser.ID), map[string]any{"role": "agent"}); status != http.StatusUnprocessableEntity {
			t.Errorf("last admin demoting themselves = %d %v, want 422", status, body)
		}

		status, body = admin.do("POST", fmt.Sprintf("/api/v1/users/%d/deactivate", samUser.ID), nil)
		if status != http.StatusOK || body["tokens_revoked"] != float64(1) || body["open_cases"] != float64(1) {
			t.Fatalf("deactivate: %d %v", status, body)
		}
		if got := inbox(); got != http.StatusSeeOther {
			t.Errorf("Sam's old session after deactivation: / = %d, want a redirect to sign in", got)
		}
		if status, _ := sam.do("GET", "/api/v1/cases", nil); status != http.StatusUnauthorized {
			t.Errorf("Sam's token after deactivation = %d, want 401", status)
		}
		if got := login(); got != http.StatusUnauthorized {
			t.Errorf("Sam signing in while deactivated = %d, want 401", got)
		}
		_, list := admin.do("GET", "/api/v1/cases?assignee=inactive", nil)
		if cs, _ := list["cases"].([]any); len(cs) != 1 {
			t.Errorf("cases needing a new owner = %v", list)
		}
		if status, body := admin.do("POST", fmt.Sprintf("/api/v1/cases/%d/assign", caseID), map[string]any{"user_id": samUser.ID}); status != http.StatusUnprocessableEntity {
			t.Errorf("assigning to a deactivated person = %d %v, want 422", status, body)
		}
		_, people := admin.do("GET", "/api/v1/users", nil)
		found := false
		for _, p := range people["users"].([]any) {
			m := p.(map[string]any)
			if m["email"] == "sam@calmdesk.test" {
				found = m["disabled"] == true && m["open_cases"] == float64(1)
			}
		}
		if !found {
			t.Errorf("people list does not show Sam deactivated with 1 open case: %v", people)
		}

		// Reactivated: the old cookie and token stay refused; a new sign-in works.
		if status, body := admin.do("POST", fmt.Sprintf("/api/v1/users/%d/reactivate", samUser.ID), nil); status != http.StatusOK {
			t.Fatalf("reactivate: %d %v", status, body)
		}
		old := browser(t)
		old.Jar.SetCookies(mustURL(t, admin.base), oldCookies)
		resp, err := old.Get(admin.base + "/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("old cookie after reactivation: / = %d, want a redirect to sign in", resp.StatusCode)
		}
		if status, _ := sam.do("GET", "/api/v1/cases", nil); status != http.StatusUnauthorized {
			t.Errorf("old token after reactivation = %d, want 401", status)
		}
		if login() != http.StatusSeeOther || inbox() != http.StatusOK {
			t.Error("Sam cannot sign in after reactivation")
		}
		// The audit log has both.
		_, audit := admin.do("GET", fmt.Sprintf("/api/v1/cases/%d/audit", caseID), nil)
		_ = audit
		log, _ := d.AuditLog(ctx, 0, 1000)
		var seen []string
		for _, e := range log {
			if strings.HasPrefix(e.Action, "user.") {
				seen = append(seen, e.Action)
			}
		}
		if !strings.Contains(strings.Join(seen, ","), "user.deactivated,user.reactivated") {
			t.Errorf("audit = %v", seen)
		}
	})
}

// TestPeopleOnTheSettingsPage: an admin edits a role and skills, a refused
// edit comes back in its row with the typed input kept, and deactivating
// from the page shows the case as needing a new owner in the inbox.
func TestPeopleOnTheSettingsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin, d := newServer(t, db, desk.RoleAdmin)
		addAgent(t, d, admin.base)
		ctx := context.Background()
		sam, _ := d.UserByEmail(ctx, "sam@calmdesk.test")
		me, _ := d.UserByEmail(ctx, "admin@calmdesk.test")
		b := browser(t)
		resp, err := b.PostForm(admin.base+"/login", url.Values{"email": {"admin@calmdesk.test"}, "password": {"correct horse battery"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		post := func(path string, form url.Values) (int, string) {
			resp, err := b.PostForm(admin.base+path, form)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			page, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(page)
		}
		if status, _ := post(fmt.Sprintf("/settings/users/%d", sam.ID), url.Values{"role": {"supervisor"}, "skills": {"billing, refunds"}}); status != http.StatusSeeOther {
			t.Fatalf("edit = %d", status)
		}
		if got, _ := d.User(ctx, sam.ID); got.Role != desk.RoleSupervisor || strings.Join(got.Skills, ",") != "billing,refunds" {
			t.Errorf("after edit: %+v", got)
		}
		status, page := post(fmt.Sprintf("/settings/users/%d", me.ID), url.Values{"role": {"agent"}, "skills": {"typed, kept"}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "last admin") || !strings.Contains(page, `value="typed, kept"`) || !strings.Contains(page, `aria-invalid="true"`) {
			t.Errorf("refused edit = %d; page shows the error in place with the typed skills? %v %v", status, strings.Contains(page, "last admin"), strings.Contains(page, `value="typed, kept"`))
		}
		status, page = post(fmt.Sprintf("/settings/users/%d/deactivate", me.ID), nil)
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "cannot deactivate yourself") {
			t.Errorf("self-deactivation = %d", status)
		}
		if status, _ := post(fmt.Sprintf("/settings/users/%d/deactivate", sam.ID), nil); status != http.StatusSeeOther {
			t.Fatalf("deactivate = %d", status)
		}
		resp, err = b.Get(admin.base + "/settings")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "is deactivated") || !strings.Contains(string(body), fmt.Sprintf(`id="reactivate-%d"`, sam.ID)) {
			t.Error("settings page does not confirm the deactivation and offer reactivation")
		}
	})
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestBulkThroughTheAPI: one action on several cases answers per case (a
// case that does not exist is one refused row, not a failed request); a
// trainee is refused; an empty list is a clear 422.
func TestBulkThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		agent, d := newServer(t, db, desk.RoleAgent)
		var ids []any
		for i := range 2 {
			msg := map[string]any{"customer": map[string]any{"email": fmt.Sprintf("c%d@example.com", i)}, "text": "Where is my parcel?", "channel": "email"}
			status, body := agent.do("POST", "/api/v1/messages", msg)
			if status != http.StatusCreated {
				t.Fatalf("ingest: %d %v", status, body)
			}
			ids = append(ids, body["case_id"])
		}
		status, body := agent.do("POST", "/api/v1/bulk/cases", map[string]any{"case_ids": append(ids, 424242), "action": "category", "category": "shipping"})
		if status != http.StatusOK {
			t.Fatalf("bulk: %d %v", status, body)
		}
		results := body["results"].([]any)
		if len(results) != 3 || results[0].(map[string]any)["ok"] != true || results[2].(map[string]any)["ok"] != false {
			t.Errorf("results = %v", results)
		}
		c, _ := d.Case(context.Background(), int64(ids[0].(float64)))
		if c.Category != "shipping" {
			t.Errorf("category after bulk = %q", c.Category)
		}
		trainee := addUserClient(t, d, agent.base, desk.RoleTrainee)
		if status, _ := trainee.do("POST", "/api/v1/bulk/cases", map[string]any{"case_ids": ids, "action": "resolve"}); status != http.StatusForbidden {
			t.Errorf("trainee bulk resolve = %d, want 403", status)
		}
		if status, body := agent.do("POST", "/api/v1/bulk/cases", map[string]any{"case_ids": []any{}, "action": "resolve"}); status != http.StatusUnprocessableEntity {
			t.Errorf("bulk of nothing = %d %v, want 422", status, body)
		}
	})
}
