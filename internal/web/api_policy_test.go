package web_test

import (
	"net/http"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Issue 14, defect 4: PUT /api/v1/settings/policy is strict (an unknown
// field or null is a 422 naming it, and the policy stays as it was), what
// GET returns can be PUT back, and PATCH merges (RFC 7396).
func TestPolicyPutIsStrictAndPatchMerges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin, d := newServer(t, db, desk.RoleAdmin)
		sam := addAgent(t, d, admin.base)
		if status, _ := admin.do("PATCH", "/api/v1/settings/policy", map[string]any{"goodwill": map[string]any{"currency": "EUR"}}); status != http.StatusOK {
			t.Fatalf("patch the currency: %d", status)
		}
		for _, tc := range []struct {
			body  any
			field string
		}{
			{"null", "policy"},
			{map[string]any{"goodwil": map[string]any{"limits": map[string]any{"agent": 100}}}, "goodwil"},
			{map[string]any{"goodwill": nil}, "goodwill"},
			{map[string]any{"escalation": map[string]any{"signals": []string{"manager_requets"}}}, "escalation.signals"},
			{map[string]any{"webhooks": []any{map[string]any{"url": "https://hooks.example.com/x", "events": []string{"case.escalatd"}}}}, "webhooks[0].events"},
			{map[string]any{"webhooks": []any{map[string]any{"url": "http://169.254.169.254/latest/meta-data/"}}}, "webhooks[0].url"}, // defect 6
		} {
			status, body := admin.do("PUT", "/api/v1/settings/policy", tc.body)
			errBody, _ := body["error"].(map[string]any)
			fields, _ := errBody["fields"].(map[string]any)
			if status != http.StatusUnprocessableEntity || fields[tc.field] == nil {
				t.Errorf("PUT %v: %d %v, want 422 naming %s", tc.body, status, body, tc.field)
			}
		}
		status, p := admin.do("GET", "/api/v1/settings/policy", nil)
		if status != http.StatusOK || p["goodwill"].(map[string]any)["currency"] != "EUR" {
			t.Fatalf("the refused PUTs changed the policy: %d %v", status, p)
		}
		if status, again := admin.do("PUT", "/api/v1/settings/policy", p); status != http.StatusOK {
			t.Fatalf("PUT of what GET returned: %d %v", status, again)
		}

		status, patched := admin.do("PATCH", "/api/v1/settings/policy", map[string]any{
			"goodwill": map[string]any{"limits": map[string]any{"agent": 2000}},
			"webhooks": []any{map[string]any{"url": "https://hooks.example.com/calmdesk", "events": []string{"case.escalated"}}}})
		goodwill, _ := patched["goodwill"].(map[string]any)
		if status != http.StatusOK || goodwill["currency"] != "EUR" || goodwill["limits"].(map[string]any)["agent"] != float64(2000) ||
			goodwill["limits"].(map[string]any)["supervisor"] != float64(5000) || len(patched["webhooks"].([]any)) != 1 {
			t.Errorf("PATCH: %d %v", status, patched)
		}
		status, patched = admin.do("PATCH", "/api/v1/settings/policy", map[string]any{"webhooks": nil})
		if status != http.StatusOK || len(patched["webhooks"].([]any)) != 0 {
			t.Errorf("PATCH webhooks null: %d %v", status, patched)
		}
		if status, body := admin.do("PATCH", "/api/v1/settings/policy", map[string]any{"goodwil": map[string]any{}}); status != http.StatusUnprocessableEntity {
			t.Errorf("PATCH with an unknown field: %d %v", status, body)
		}
		if status, _ := sam.do("PATCH", "/api/v1/settings/policy", map[string]any{"goodwill": map[string]any{"currency": "GBP"}}); status != http.StatusForbidden {
			t.Errorf("an agent patching the policy: %d, want 403", status)
		}
	})
}
