package web_test

import (
	"fmt"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Statuses through the API: set pending and on hold (the SLA shown as
// paused), bad statuses refused by name, and a reply that sets the status
// with it.
func TestCaseStatusThroughAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin, d := newServer(t, db, desk.RoleAdmin)
		sam := addAgent(t, d, admin.base)
		_, body := sam.do("POST", "/api/v1/messages", danaMessage)
		path := fmt.Sprintf("/api/v1/cases/%d", int(body["case_id"].(float64)))

		status, c := sam.do("POST", path+"/status", map[string]any{"status": "on_hold"})
		if status != 200 || c["status"] != "on_hold" || c["sla_paused_at"] == nil {
			t.Fatalf("on hold: %d %v", status, c)
		}
		for _, bad := range []string{"resolved", "closed", "paused"} {
			status, e := sam.do("POST", path+"/status", map[string]any{"status": bad})
			fields, _ := e["error"].(map[string]any)["fields"].(map[string]any)
			if status != 422 || fields["status"] == nil {
				t.Errorf("status %q: %d %v, want 422 naming status", bad, status, e)
			}
		}
		status, c = sam.do("POST", path+"/status", map[string]any{"status": "open"})
		if status != 200 || c["status"] != "open" || c["sla_paused_at"] != nil {
			t.Fatalf("open again: %d %v", status, c)
		}
		text := "Hi Dana, I'm sorry you were charged twice for order 4471. I have refunded the duplicate $59.90 today."
		if status, r := sam.do("POST", path+"/replies", map[string]any{"text": text, "status": "pending"}); status != 201 {
			t.Fatalf("reply and set pending: %d %v", status, r)
		}
		if _, c = sam.do("GET", path, nil); c["status"] != "pending" {
			t.Errorf("after reply and set pending the case is %v", c["status"])
		}
		if status, r := sam.do("POST", path+"/replies", map[string]any{"text": text, "status": "closed"}); status != 422 {
			t.Errorf("reply with status closed: %d %v, want 422", status, r)
		}
		if status, r := sam.do("POST", path+"/replies", map[string]any{"text": text, "status": "resolved"}); status != 201 {
			t.Fatalf("reply and resolve: %d %v", status, r)
		}
		if _, c = sam.do("GET", path, nil); c["status"] != "resolved" {
			t.Errorf("after reply and resolve the case is %v", c["status"])
		}
		if status, list := sam.do("GET", "/api/v1/cases?status=on_hold", nil); status != 200 {
			t.Errorf("listing on_hold cases: %d %v", status, list)
		}
	})
}
