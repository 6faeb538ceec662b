package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Issue 14, defect 1: a far-future received_at is refused with 422 naming
// the field, and a case row that already holds an unreadable time (from
// before the check) takes down no list, page or view.
func TestFarFutureReceivedAtIsRefusedAndAnUnreadableRowBreaksNoPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, _ := newServer(t, db, desk.RoleSupervisor)
		poisoned := map[string]any{"customer": map[string]any{"email": "mallory@example.com"}, "text": "hello",
			"received_at": "9999-12-31T23:59:59Z"}
		status, body := api.do("POST", "/api/v1/messages", poisoned)
		fields, _ := body["error"].(map[string]any)["fields"].(map[string]any)
		if status != http.StatusUnprocessableEntity || fields["received_at"] == nil {
			t.Fatalf("year-9999 message: %d %v, want 422 naming received_at", status, body)
		}
		if _, list := api.do("GET", "/api/v1/cases", nil); len(list["cases"].([]any)) != 0 {
			t.Fatalf("the refused message left cases: %v", list)
		}

		var ids []int
		for _, m := range []map[string]any{danaMessage, {"customer": map[string]any{"email": "kim@example.com"}, "text": "Where is my parcel?"}} {
			status, body := api.do("POST", "/api/v1/messages", m)
			if status != http.StatusCreated {
				t.Fatalf("ingest: %d %v", status, body)
			}
			ids = append(ids, int(body["case_id"].(float64)))
		}
		bad := "10000-01-03 17:00:00+00:00" // what SQLite held after the year-9999 message
		if db.Engine == store.Postgres {
			bad = "infinity"
		}
		if _, err := db.Writer().ExecContext(context.Background(),
			`UPDATE cases SET first_response_due_at = $2, resolution_due_at = $2 WHERE id = $1`, ids[0], bad); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/api/v1/cases", "/api/v1/cases?breaching=true", fmt.Sprintf("/api/v1/cases/%d", ids[0])} {
			if status, body := api.do("GET", path, nil); status != http.StatusOK {
				t.Errorf("GET %s: %d %v", path, status, body)
			}
		}
		b := signedInBrowser(t, api.base, "supervisor@calmdesk.test")
		for _, path := range []string{"/", "/?view=breaching", "/supervisor", fmt.Sprintf("/cases/%d", ids[0]), fmt.Sprintf("/cases/%d", ids[1])} {
			status, page := fetch(t, b, "GET", api.base+path, nil)
			if status != http.StatusOK {
				t.Errorf("GET %s: %d", path, status)
			}
			if path == "/" && !strings.Contains(page, fmt.Sprintf(`id="case-%d"`, ids[1])) {
				t.Errorf("the inbox lost the readable case #%d", ids[1])
			}
		}
	})
}

// Issue 14, defect 8: a customer message an agent enters through the API
// (a phone call) carries entered_by in the API, a message.entered audit
// event by the agent, and "entered by" beside it on the case page.
func TestLoggedPhoneCallShowsWhoEnteredIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d := newServer(t, db, desk.RoleAgent)
		agent, err := d.UserByEmail(context.Background(), "agent@calmdesk.test")
		if err != nil {
			t.Fatal(err)
		}
		status, body := api.do("POST", "/api/v1/messages", map[string]any{"customer": map[string]any{"email": "mo@example.com", "name": "Mo"},
			"text": "Mo called: the parcel is still missing.", "channel": "phone"})
		if status != http.StatusCreated {
			t.Fatalf("log a call: %d %v", status, body)
		}
		caseID := int(body["case_id"].(float64))
		_, c := api.do("GET", fmt.Sprintf("/api/v1/cases/%d", caseID), nil)
		msgs := c["messages"].([]any)
		if got := msgs[0].(map[string]any)["entered_by"]; got != float64(agent.ID) {
			t.Errorf("entered_by = %v, want the agent's id %d", got, agent.ID)
		}
		_, audit := api.do("GET", fmt.Sprintf("/api/v1/cases/%d/audit", caseID), nil)
		entered := false
		for _, e := range audit["events"].([]any) {
			ev := e.(map[string]any)
			entered = entered || (ev["action"] == "message.entered" && ev["actor"] == fmt.Sprintf("user:%d", agent.ID))
		}
		if !entered {
			t.Errorf("no message.entered event by the agent: %v", audit)
		}
		b := signedInBrowser(t, api.base, "agent@calmdesk.test")
		if _, page := fetch(t, b, "GET", fmt.Sprintf("%s/cases/%d", api.base, caseID), nil); !strings.Contains(page, "entered by agent") {
			t.Errorf("the case page does not say who entered the call")
		}
	})
}
