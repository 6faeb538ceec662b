package web_test

import (
	"fmt"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Saved inbox views through the API: a person saves, lists and deletes
// their own; another person neither sees nor deletes them; bad input is
// refused naming the field; the query is kept as the inbox reads it.
func TestInboxViewsThroughAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin, d := newServer(t, db, desk.RoleAdmin)
		sam := addAgent(t, d, admin.base)
		status, e := sam.do("POST", "/api/v1/inbox-views", map[string]any{"name": "  ", "query": "view=mine"})
		if fields, _ := e["error"].(map[string]any)["fields"].(map[string]any); status != 422 || fields["name"] == nil {
			t.Errorf("blank name: %d %v", status, e)
		}
		if status, e := sam.do("POST", "/api/v1/inbox-views", map[string]any{"name": 7}); status != 400 {
			t.Errorf("a number for a name: %d %v", status, e)
		}
		status, v := sam.do("POST", "/api/v1/inbox-views", map[string]any{"name": "My billing", "query": "?view=mine&status=pending&category=billing&bogus=1"})
		if status != 201 || v["name"] != "My billing" || v["query"] != "category=billing&status=pending&view=mine" {
			t.Fatalf("save: %d %v", status, v)
		}
		// The same name again replaces the view.
		status, v2 := sam.do("POST", "/api/v1/inbox-views", map[string]any{"name": "My billing", "query": "view=breaching"})
		if status != 201 || v2["query"] != "view=breaching" {
			t.Fatalf("save again: %d %v", status, v2)
		}
		if status, list := sam.do("GET", "/api/v1/inbox-views", nil); status != 200 || len(list["inbox_views"].([]any)) != 1 {
			t.Errorf("Sam's views: %d %v", status, list)
		}
		if status, list := admin.do("GET", "/api/v1/inbox-views", nil); status != 200 || len(list["inbox_views"].([]any)) != 0 {
			t.Errorf("the admin sees Sam's views: %d %v", status, list)
		}
		newID := int(v2["id"].(float64))
		if status, _ := admin.do("DELETE", fmt.Sprintf("/api/v1/inbox-views/%d", newID), nil); status != 404 {
			t.Errorf("the admin deleted Sam's view: %d", status)
		}
		if status, _ := sam.do("DELETE", fmt.Sprintf("/api/v1/inbox-views/%d", newID), nil); status != 204 {
			t.Errorf("delete: %d", status)
		}
		if status, list := sam.do("GET", "/api/v1/inbox-views", nil); status != 200 || len(list["inbox_views"].([]any)) != 0 {
			t.Errorf("after delete: %d %v", status, list)
		}
		// The page lists what the API saved.
		if status, _ := sam.do("POST", "/api/v1/inbox-views", map[string]any{"name": "Escalated ones", "query": "view=escalated"}); status != 201 {
			t.Fatalf("save: %d", status)
		}
		samUser, err := d.UserByEmail(t.Context(), "sam@calmdesk.test")
		if err != nil {
			t.Fatal(err)
		}
		views, err := d.InboxViews(t.Context(), samUser)
		if err != nil || len(views) != 1 || views[0].Query != "view=escalated" {
			t.Errorf("the desk holds %v (%v)", views, err)
		}
	})
}
