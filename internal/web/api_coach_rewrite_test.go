package web_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestCoachReviewHintsAndRewrites: through the API, every finding has a
// hint (and suggestion, its old name) and a rewrite only of customer words
// — the case's due date, no placeholder — and the review matches the
// documented CoachFinding and CoachPromise schemas; a promise without a
// time asks for one.
func TestCoachReviewHintsAndRewrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, _ := newServer(t, db, desk.RoleAgent)
		_, res := api.do("POST", "/api/v1/messages", danaMessage)
		caseID := int(res["case_id"].(float64))
		reply := "calm down, as I already said we will fix it soon. To recap: …"
		status, rv := api.do("POST", "/api/v1/coach/review", map[string]any{"reply": reply, "case_id": caseID, "sent_at": "2026-11-30T09:30:00Z"})
		if status != http.StatusOK {
			t.Fatalf("review: %d %v", status, rv)
		}
		resp, err := http.Get(api.base + "/api/v1/openapi.json")
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		doc, err := parseAPIDoc(raw)
		if err != nil {
			t.Fatal(err)
		}
		rewrites := map[string]string{}
		for i, f := range rv["findings"].([]any) {
			for _, problem := range validate(doc.Components.Schemas["CoachFinding"], f, fmt.Sprintf("findings[%d]", i)) {
				t.Error(problem)
			}
			fm := f.(map[string]any)
			if fm["hint"] == "" || fm["hint"] != fm["suggestion"] {
				t.Errorf("finding %v: hint %q, suggestion %q", fm["rule"], fm["hint"], fm["suggestion"])
			}
			if rw, ok := fm["rewrite"].(string); ok {
				if strings.ContainsAny(rw, "…<>[]{}") || strings.Contains(rw, "Give a date") {
					t.Errorf("finding %v: rewrite %q is not customer text", fm["rule"], rw)
				}
				s, e := int(fm["rewrite_start"].(float64)), int(fm["rewrite_end"].(float64))
				rewrites[fm["rule"].(string)] = reply[:s] + rw + reply[e:]
			}
		}
		if got := rewrites["vague_timing"]; !strings.Contains(got, "we will fix it by Thursday 3 December.") {
			t.Errorf("vague timing applied = %q", got)
		}
		if _, ok := rewrites["placeholder"]; ok {
			t.Errorf("a placeholder got a rewrite")
		}
		found := false
		for i, p := range rv["commitments"].([]any) {
			for _, problem := range validate(doc.Components.Schemas["CoachPromise"], p, fmt.Sprintf("commitments[%d]", i)) {
				t.Error(problem)
			}
			pm := p.(map[string]any)
			if pm["vague"] == true {
				found = pm["prompt"] != "" && pm["rewrite"] == "we will fix it by Thursday 3 December"
			}
		}
		if !found {
			t.Errorf("no prompt for the promise without a date: %v", rv["commitments"])
		}
	})
}
