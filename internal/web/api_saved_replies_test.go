package web_test

import (
	"fmt"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Saved replies through the API: create (checked, reviewed), list, change,
// delete; someone else's own reply is not found, a shared one not theirs
// to change.
func TestSavedRepliesThroughAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin, d := newServer(t, db, desk.RoleAdmin)
		sam := addAgent(t, d, admin.base)
		status, e := sam.do("POST", "/api/v1/saved-replies", map[string]any{"title": "x", "body": "Hi {{nme}}"})
		if fields, _ := e["error"].(map[string]any)["fields"].(map[string]any); status != 422 || fields["body"] == nil {
			t.Errorf("unknown placeholder: %d %v", status, e)
		}
		status, sr := sam.do("POST", "/api/v1/saved-replies", map[string]any{"title": "Team", "body": "Calm down, we will fix it soon.", "shared": true})
		if status != 201 || sr["flagged"] != true || len(sr["coach_problems"].([]any)) == 0 {
			t.Fatalf("create a failing shared reply: %d %v", status, sr)
		}
		id := int(sr["id"].(float64))
		status, own := sam.do("POST", "/api/v1/saved-replies", map[string]any{"title": "Mine", "body": "Hi {{first_name}}, thanks for waiting."})
		if status != 201 || own["shared"] != false {
			t.Fatalf("create an own reply: %d %v", status, own)
		}
		if status, list := sam.do("GET", "/api/v1/saved-replies", nil); status != 200 || len(list["saved_replies"].([]any)) != 2 {
			t.Errorf("Sam's list: %d %v", status, list)
		}
		if status, list := admin.do("GET", "/api/v1/saved-replies", nil); status != 200 || len(list["saved_replies"].([]any)) != 1 {
			t.Errorf("the admin's list (the shared one only): %d %v", status, list)
		}
		if status, _ := admin.do("PUT", fmt.Sprintf("/api/v1/saved-replies/%d", int(own["id"].(float64))), map[string]any{"title": "x", "body": "y"}); status != 404 {
			t.Errorf("the admin changed Sam's own reply: %d", status)
		}
		status, fixed := sam.do("PUT", fmt.Sprintf("/api/v1/saved-replies/%d", id), map[string]any{"title": "Team", "body": "I'm sorry for the wait, {{first_name}}. I have refunded the charge today.", "shared": true})
		if status != 200 || fixed["flagged"] != false {
			t.Errorf("fixed: %d %v", status, fixed)
		}
		if status, _ := sam.do("DELETE", fmt.Sprintf("/api/v1/saved-replies/%d", id), nil); status != 204 {
			t.Errorf("delete: %d", status)
		}
		if status, _ := sam.do("DELETE", fmt.Sprintf("/api/v1/saved-replies/%d", id), nil); status != 404 {
			t.Errorf("delete twice: %d", status)
		}
	})
}
