package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestLessonsAndSimilarWeb: the resolve API and form take a lesson (a bad
// one is refused in place, the typed text kept); lessons are searchable by
// API and page, listed on a problem's page and in the digest; an open case
// shows the resolved cases like it, by page and API.
func TestLessonsAndSimilarWeb(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC)
		sup, agent, _ := insightsServer(t, db, now)
		var ids []int64
		for i, text := range []string{
			"Your promo code WINTER24 doesn't work at checkout.",
			"The promo code WINTER24 is rejected at checkout, what is going on?",
			"I am annoyed: the promo code WINTER24 does not work at checkout.",
			"Where is my parcel? The tracking page has not moved since Friday.",
		} {
			msg := map[string]any{"customer": map[string]any{"email": fmt.Sprintf("c%d@example.com", i)}, "text": text, "channel": "email"}
			status, body := sup.do("POST", "/api/v1/messages", msg)
			if status != http.StatusCreated {
				t.Fatalf("ingest: %d %v", status, body)
			}
			ids = append(ids, int64(body["case_id"].(float64)))
		}
		lesson := "WINTER24 expired a month early in the promo engine; check codes against the campaign calendar."

		// The API: a bad lesson changes nothing; a good one resolves; no body still resolves.
		if status, body := agent.do("POST", "/api/v1/cases/"+itoa(ids[1])+"/resolve", map[string]any{"lesson": strings.Repeat("x", 1001)}); status != http.StatusUnprocessableEntity ||
			!strings.Contains(fmt.Sprint(body), "lesson") {
			t.Errorf("a 1001-character lesson: %d %v", status, body)
		}
		if status, c := agent.do("GET", "/api/v1/cases/"+itoa(ids[1]), nil); status != http.StatusOK || c["status"] == "resolved" {
			t.Errorf("the refused lesson resolved the case: %v", c["status"])
		}
		if status, body := agent.do("POST", "/api/v1/cases/"+itoa(ids[1])+"/resolve", map[string]any{"lesson": lesson}); status != http.StatusOK || body["status"] != "resolved" {
			t.Errorf("resolve with a lesson: %d %v", status, body)
		}
		if status, body := agent.do("POST", "/api/v1/cases/"+itoa(ids[2])+"/resolve", nil); status != http.StatusOK || body["status"] != "resolved" {
			t.Errorf("resolve without a body: %d %v", status, body)
		}
		if status, body := agent.do("POST", "/api/v1/cases/"+itoa(ids[3])+"/resolve", map[string]any{}); status != http.StatusOK || body["status"] != "resolved" {
			t.Errorf("resolve with an empty body: %d %v", status, body)
		}

		// Similar by API, for anyone who reads cases.
		status, sim := agent.do("GET", "/api/v1/cases/"+itoa(ids[0])+"/similar", nil)
		if status != http.StatusOK || sim["resolved"] != 2.0 {
			t.Fatalf("similar: %d %v", status, sim)
		}
		cases := sim["cases"].([]any)
		first := cases[0].(map[string]any)
		if len(cases) != 2 || !strings.Contains(first["why"].(string), "WINTER24") || first["resolution_minutes"] == nil {
			t.Errorf("similar cases: %v", cases)
		}
		for _, bad := range []string{"limit=0", "limit=11", "limit=x"} {
			if status, _ := agent.do("GET", "/api/v1/cases/"+itoa(ids[0])+"/similar?"+bad, nil); status != http.StatusUnprocessableEntity {
				t.Errorf("similar?%s = %d, want 422", bad, status)
			}
		}
		if status, _ := agent.do("GET", "/api/v1/cases/424242/similar", nil); status != http.StatusNotFound {
			t.Errorf("similar of an unknown case = %d", status)
		}

		// Lessons by API: supervisors only.
		status, ls := sup.do("GET", "/api/v1/insights/lessons?q=winter24+CALENDAR", nil)
		if list, _ := ls["lessons"].([]any); status != http.StatusOK || len(list) != 1 || list[0].(map[string]any)["text"] != lesson {
			t.Errorf("lessons?q=: %d %v", status, ls)
		}
		if status, _ := agent.do("GET", "/api/v1/insights/lessons", nil); status != http.StatusForbidden {
			t.Errorf("an agent's lessons = %d, want 403", status)
		}

		// The pages.
		b := signedInBrowser(t, sup.base, "supervisor@calmdesk.test")
		// The case page does not wait for similar cases: it asks for the card.
		status, page := fetch(t, b, "GET", sup.base+"/cases/"+itoa(ids[0]), nil)
		if status != http.StatusOK || !strings.Contains(page, `hx-get="/cases/`+itoa(ids[0])+`/similar"`) || strings.Contains(page, "Resolved 2 like this") ||
			!strings.Contains(page, `name="lesson"`) {
			t.Errorf("case page: %d\n%s", status, page)
		}
		status, card := fetch(t, b, "GET", sup.base+"/cases/"+itoa(ids[0])+"/similar", nil)
		if status != http.StatusOK || !strings.Contains(card, "Resolved 2 like this") || !strings.Contains(card, `href="/cases/`+itoa(ids[1])+`"`) ||
			!strings.Contains(card, "Lesson: “"+lesson+"”") || strings.Contains(card, "<html") {
			t.Errorf("similar card: %d\n%s", status, card)
		}
		if status, _ := fetch(t, b, "GET", sup.base+"/cases/424242/similar", nil); status != http.StatusNotFound {
			t.Errorf("the card of an unknown case = %d, want 404", status)
		}
		typed := strings.Repeat("é", 1001)
		status, page = fetch(t, b, "POST", sup.base+"/cases/"+itoa(ids[0])+"/resolve", url.Values{"lesson": {typed}})
		if status != http.StatusUnprocessableEntity || !strings.Contains(page, "The lesson must be at most 1000 characters.") || !strings.Contains(page, typed+"</textarea>") {
			t.Errorf("a too long lesson in the form: %d\n%s", status, page)
		}
		second := "Customers <b>trust</b> the newsletter: test every code in it."
		if status, _ = fetch(t, b, "POST", sup.base+"/cases/"+itoa(ids[0])+"/resolve", url.Values{"lesson": {second}}); status != http.StatusSeeOther {
			t.Errorf("resolve by form: %d, want 303 to the inbox", status)
		}
		status, page = fetch(t, b, "GET", sup.base+"/insights/lessons?q=newsletter", nil)
		if status != http.StatusOK || !strings.Contains(page, "Customers &lt;b&gt;trust&lt;/b&gt; the newsletter") || strings.Contains(page, lesson) {
			t.Errorf("lessons page: %d\n%s", status, page)
		}
		status, page = fetch(t, b, "GET", sup.base+"/insights/cases?from=2026-11-16&to=2026-11-22&label=WINTER24&ids="+itoa(ids[0])+","+itoa(ids[1])+","+itoa(ids[2]), nil)
		if status != http.StatusOK || !strings.Contains(page, "Lessons learned on these cases") || !strings.Contains(page, lesson) || !strings.Contains(page, "the newsletter") {
			t.Errorf("a problem's page: %d\n%s", status, page)
		}
		status, page = fetch(t, b, "GET", sup.base+"/insights/digest?week=2026-11-18", nil)
		if status != http.StatusOK || !strings.Contains(page, "Lessons learned") || !strings.Contains(page, lesson) {
			t.Errorf("digest: %d\n%s", status, page)
		}
		ab := signedInBrowser(t, agent.base, "agent@calmdesk.test")
		if status, _ := fetch(t, ab, "GET", agent.base+"/insights/lessons", nil); status != http.StatusForbidden {
			t.Errorf("an agent's lessons page = %d", status)
		}
	})
}
