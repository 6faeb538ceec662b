package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// millbrook is a town whose residents threaten to shame the council on
// "Millbrook Matters", the town's community page, which the engine does
// not know as going public.
func millbrook(i int) string {
	return fmt.Sprintf("Bins missed again on Orchard Close, week %d. This goes on Millbrook Matters tonight.", i)
}

func ingestText(t *testing.T, api apiClient, email, text string) map[string]any {
	t.Helper()
	status, body := api.do("POST", "/api/v1/messages", map[string]any{"customer": map[string]any{"email": email}, "text": text})
	if status != http.StatusCreated {
		t.Fatalf("ingest %q: %d %v", text, status, body)
	}
	return body
}

// TestCorrectionsThroughAPI: agents and a supervisor correct readings,
// a trainee may not, the list filters by kind, an admin has the desk
// learn, and a new message reads as corrected.
func TestCorrectionsThroughAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin, d := newServer(t, db, desk.RoleAdmin)
		sam := addAgent(t, d, admin.base)
		sup := addUserClient(t, d, admin.base, desk.RoleSupervisor)
		trainee := addUserClient(t, d, admin.base, desk.RoleTrainee)
		for i := range 12 {
			ingestText(t, admin, fmt.Sprintf("p%d@example.com", i), fmt.Sprintf("Parcel %d has not arrived and the tracking has not moved for days.", 3000+i))
		}
		var first string
		for i := range 6 {
			msg := ingestText(t, admin, fmt.Sprintf("m%d@example.com", i), millbrook(i+1))
			path := fmt.Sprintf("/api/v1/messages/%d/corrections", int(msg["message_id"].(float64)))
			who := sam
			if i%2 == 1 {
				who = sup
			}
			body := map[string]any{"kind": "missed_signal", "signal": "public_exposure", "note": "the town's community page"}
			status, c := who.do("POST", path, body)
			if status != http.StatusCreated || c["kind"] != "missed_signal" || c["signal"] != "public_exposure" || c["id"] == nil {
				t.Fatalf("correct: %d %v", status, c)
			}
			if i == 0 {
				first = path
				if status, again := who.do("POST", path, body); status != http.StatusOK || again["id"] != c["id"] {
					t.Errorf("the same correction again: %d %v", status, again)
				}
			}
		}
		if status, e := trainee.do("POST", first, map[string]any{"kind": "angrier"}); status != http.StatusForbidden {
			t.Errorf("trainee: %d %v", status, e)
		}
		if status, _ := trainee.do("GET", "/api/v1/corrections", nil); status != http.StatusForbidden {
			t.Errorf("trainee listing: %d", status)
		}
		if status, e := sam.do("POST", first, map[string]any{"kind": "snarky"}); status != http.StatusUnprocessableEntity {
			t.Errorf("unknown kind: %d %v", status, e)
		}
		if status, e := sam.do("POST", "/api/v1/messages/99999/corrections", map[string]any{"kind": "angrier"}); status != http.StatusNotFound {
			t.Errorf("no such message: %d %v", status, e)
		}
		if status, e := sam.do("POST", first, map[string]any{"kind": "wrong_signal", "signal": "public_exposure"}); status != http.StatusUnprocessableEntity {
			t.Errorf("a wrong signal the reading did not find: %d %v", status, e)
		}
		status, list := sam.do("GET", "/api/v1/corrections?kind=missed_signal&limit=4", nil)
		if items, _ := list["corrections"].([]any); status != http.StatusOK || len(items) != 4 {
			t.Errorf("list: %d %v", status, list)
		}
		if _, none := sam.do("GET", "/api/v1/corrections?kind=angrier", nil); len(none["corrections"].([]any)) != 0 {
			t.Errorf("list of angrier: %v", none)
		}
		if status, e := sam.do("GET", "/api/v1/corrections?case_id=x", nil); status != http.StatusUnprocessableEntity {
			t.Errorf("bad case_id: %d %v", status, e)
		}

		if status, _ := sam.do("POST", "/api/v1/corrections/learn", nil); status != http.StatusForbidden {
			t.Errorf("agent asking to learn: %d", status)
		}
		status, res := admin.do("POST", "/api/v1/corrections/learn", nil)
		if status != http.StatusOK || res["trained"] != true {
			t.Fatalf("learn: %d %v", status, res)
		}
		status, st := sam.do("GET", "/api/v1/corrections/learning", nil)
		model, _ := st["model"].(map[string]any)
		if status != http.StatusOK || model == nil || st["since"] != 0.0 {
			t.Fatalf("learning: %d %v", status, st)
		}
		adj := model["adjusters"].([]any)[0].(map[string]any)
		if adj["correction"] != "missed_signal" || adj["signal"] != "public_exposure" || adj["messages"] != 6.0 || adj["people"] != 2.0 || adj["applies"] != true {
			t.Fatalf("adjuster: %v", adj)
		}

		msg := ingestText(t, admin, "new@example.com", "Bins missed again on Orchard Close. Millbrook Matters gets the photos tonight.")
		reading := msg["reading"].(map[string]any)
		if !strings.Contains(fmt.Sprint(reading["signals"]), "public_exposure") || !strings.Contains(fmt.Sprint(reading["reasons"]), "agents corrected 6 similar messages") {
			t.Errorf("new message read as %v", reading)
		}
	})
}

// TestCorrectionsOnTheCasePage: one click under a customer message and
// under a sent reply, with and without htmx; the settings page shows what
// was learned.
func TestCorrectionsOnTheCasePage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAdmin)
		b := signedInBrowser(t, api.base, "admin@calmdesk.test")
		msg := ingestText(t, api, "dana@example.com", "This is the third time I write about my broken router and nobody has answered. Please sort it out.")
		caseID, msgID := int(msg["case_id"].(float64)), int(msg["message_id"].(float64))
		casePage := fmt.Sprintf("%s/cases/%d", api.base, caseID)
		status, page := fetch(t, b, "GET", casePage, nil)
		if status != 200 || !strings.Contains(page, fmt.Sprintf(`action="/messages/%d/corrections"`, msgID)) ||
			!strings.Contains(page, `value="angrier"`) || !strings.Contains(page, `value="wrong_signal:repeat_contact"`) ||
			!strings.Contains(page, `value="missed_signal:legal_threat"`) {
			t.Fatalf("case page without the corrections row: %d", status)
		}
		form := fmt.Sprintf("%s/messages/%d/corrections", api.base, msgID)
		if status, _ := fetch(t, b, "POST", form, url.Values{"correction": {"angrier"}}); status != http.StatusSeeOther {
			t.Fatalf("correcting from the page: %d, want a redirect", status)
		}
		if _, page = fetch(t, b, "GET", casePage, nil); !strings.Contains(page, `value="angrier" class="chip" disabled aria-pressed="true"`) ||
			!strings.Contains(page, "Thanks: noted.") {
			t.Errorf("the page does not show what was said")
		}
		if status, _ := fetch(t, b, "POST", form, url.Values{"correction": {"not_angry"}}); status != http.StatusConflict {
			t.Errorf("saying the opposite: %d, want 409", status)
		}
		status, _, frag := browse(t, b, "POST", form, url.Values{"correction": {"wrong_signal:repeat_contact"}}, true)
		if status != 200 || !strings.HasPrefix(frag, "<form") || !strings.Contains(frag, `value="wrong_signal:repeat_contact" class="chip" disabled`) ||
			strings.Contains(frag, "<html") {
			t.Errorf("htmx correction: %d %s", status, frag)
		}
		if status, _, _ := browse(t, b, "POST", form, url.Values{"correction": {"not_promise:x"}}, true); status != http.StatusUnprocessableEntity {
			t.Errorf("a promise that is not a number: %d", status)
		}

		// Under a sent reply: the coach's findings and the promise it tracked.
		if status, _ := fetch(t, b, "POST", casePage+"/reply", url.Values{"kind": {"reply"}, "confirm": {"1"},
			"text": {"Hi Dana, sorry for the trouble. That's our policy, I'm afraid. I will send you a new router by Friday."}}); status != http.StatusSeeOther {
			t.Fatalf("reply: %d", status)
		}
		c, err := d.Case(t.Context(), int64(caseID))
		if err != nil || len(c.Promises) != 1 {
			t.Fatalf("case after the reply: %+v %v", c.Promises, err)
		}
		reply := c.Messages[len(c.Messages)-1].ID
		_, page = fetch(t, b, "GET", casePage, nil)
		promise := fmt.Sprintf("not_promise:%d", c.Promises[0].ID)
		if !strings.Contains(page, `value="not_finding:deflection"`) || !strings.Contains(page, `value="`+promise+`"`) || !strings.Contains(page, "Coach wrong?") {
			t.Fatalf("no coach corrections under the reply")
		}
		if status, _ := fetch(t, b, "POST", fmt.Sprintf("%s/messages/%d/corrections", api.base, reply), url.Values{"correction": {promise}}); status != http.StatusSeeOther {
			t.Fatalf("not a promise: %d", status)
		}
		if c, _ = d.Case(t.Context(), int64(caseID)); c.Promises[0].Status != "cancelled" {
			t.Errorf("promise after 'not a promise': %+v", c.Promises[0])
		}

		status, page = fetch(t, b, "GET", api.base+"/settings", nil)
		if status != 200 || !strings.Contains(page, "Learned from corrections") || !strings.Contains(page, "angrier than shown 1 messages from 1 person") {
			t.Errorf("settings page: %d", status)
		}
		if status, _ := fetch(t, b, "POST", api.base+"/settings/corrections/learn", url.Values{}); status != http.StatusSeeOther {
			t.Errorf("learn now: %d, want a redirect", status)
		}
		if _, page = fetch(t, b, "GET", api.base+"/settings", nil); !strings.Contains(page, "Nothing new learned") {
			t.Errorf("settings after learning with too little")
		}
	})
}
