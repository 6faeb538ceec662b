package web_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestCategoriesThroughAPI: agents file cases, an admin has the desk learn
// from them, and new messages are filed by what it learned.
func TestCategoriesThroughAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin, d := newServer(t, db, desk.RoleAdmin)
		sam := addAgent(t, d, admin.base)
		texts := map[string]string{
			"billing":  "Invoice %d charged my card twice, please refund the duplicate payment.",
			"delivery": "My parcel for order %d has not arrived and tracking has not moved.",
		}
		for i := range 11 {
			for cat, text := range texts {
				_, msg := admin.do("POST", "/api/v1/messages", map[string]any{"customer": map[string]any{"email": fmt.Sprintf("c%d-%s@example.com", i, cat)}, "text": fmt.Sprintf(text, 4000+i)})
				path := fmt.Sprintf("/api/v1/cases/%d/category", int(msg["case_id"].(float64)))
				if status, c := sam.do("POST", path, map[string]any{"category": cat}); status != 200 || c["category"] != cat {
					t.Fatalf("file under %s: %d %v", cat, status, c)
				}
			}
		}
		if status, _ := sam.do("POST", "/api/v1/cases/1/category", map[string]any{"category": ""}); status != 422 {
			t.Errorf("blank category: %d, want 422", status)
		}
		if status, _ := sam.do("POST", "/api/v1/categories/learn", nil); status != 403 {
			t.Errorf("agent asking to learn: %d, want 403", status)
		}
		status, res := admin.do("POST", "/api/v1/categories/learn", nil)
		if status != 200 || res["trained"] != true {
			t.Fatalf("learn: %d %v", status, res)
		}
		status, list := sam.do("GET", "/api/v1/categories", nil)
		if status != 200 || fmt.Sprint(list["categories"]) != "[billing delivery]" || list["model"] == nil {
			t.Errorf("categories: %d %v", status, list)
		}
		_, msg := admin.do("POST", "/api/v1/messages", map[string]any{"customer": map[string]any{"email": "new@example.com"}, "text": "I was charged twice on my card for one invoice."})
		if _, c := sam.do("GET", fmt.Sprintf("/api/v1/cases/%d", int(msg["case_id"].(float64))), nil); c["category"] != "billing" {
			t.Errorf("new case filed under %v, want billing", c["category"])
		}
	})
}

// TestCategoriesInTheBrowser files a case from its page and has an admin
// ask the desk to learn from the settings page.
func TestCategoriesInTheBrowser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAdmin)
		ctx := context.Background()
		b := signedInBrowser(t, api.base, "admin@calmdesk.test")
		var first int64
		for i := range 24 {
			cat, text := "billing", "Invoice %d charged my card twice, please refund the duplicate payment."
			if i%2 == 1 {
				cat, text = "delivery", "My parcel for order %d has not arrived and tracking has not moved."
			}
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("c%d@example.com", i), Text: fmt.Sprintf(text, 5000+i)})
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				first = res.CaseID
				status, page := fetch(t, b, "GET", fmt.Sprintf("%s/cases/%d", api.base, res.CaseID), nil)
				if status != 200 || !strings.Contains(page, `action="/cases/`+fmt.Sprint(res.CaseID)+`/category"`) {
					t.Fatalf("case page without the category form: %d", status)
				}
			}
			if status, _ := fetch(t, b, "POST", fmt.Sprintf("%s/cases/%d/category", api.base, res.CaseID), url.Values{"category": {cat}}); status != 303 {
				t.Fatalf("filing case %d: %d, want a redirect", res.CaseID, status)
			}
		}
		if c, err := d.Case(ctx, first); err != nil || c.Category != "billing" {
			t.Errorf("case %d filed under %q, %v", first, c.Category, err)
		}
		if status, _ := fetch(t, b, "POST", api.base+"/settings/categories/learn", url.Values{}); status != 303 {
			t.Fatalf("learn now: %d, want a redirect", status)
		}
		status, page := fetch(t, b, "GET", api.base+"/settings", nil)
		if status != 200 || !strings.Contains(page, "from 24 cases agents filed under 2 categories") {
			t.Errorf("settings page does not describe the learned model: %d", status)
		}
	})
}
