package web_test

import (
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// insightsServer serves a desk with insights on a fixed clock and returns
// a supervisor's client and an agent's.
func insightsServer(t *testing.T, db *store.DB, now time.Time) (sup, agent apiClient, d *desk.Desk) {
	t.Helper()
	clock := func() time.Time { return now }
	d = desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: clock})
	srv := httptest.NewServer(web.New(d, web.Config{Insights: insights.New(db, insights.Options{Now: clock})}, nil))
	t.Cleanup(srv.Close)
	return addUserClient(t, d, srv.URL, desk.RoleSupervisor), addUserClient(t, d, srv.URL, desk.RoleAgent), d
}

func TestInsightsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC)
		sup, agent, _ := insightsServer(t, db, now)
		for _, text := range []string{
			"This is the third time I write. You charged me twice for order 4471 and nobody answers. Fix it NOW!!!",
			"Where is my parcel? The tracking page has not moved since Friday.",
		} {
			msg := map[string]any{"customer": map[string]any{"email": "c" + text[:4] + "@example.com"}, "text": text, "channel": "chat"}
			if status, body := sup.do("POST", "/api/v1/messages", msg); status != http.StatusCreated {
				t.Fatalf("ingest: %d %v", status, body)
			}
		}

		status, sum := sup.do("GET", "/api/v1/insights/summary?from=2026-11-16&to=2026-11-22", nil)
		if status != http.StatusOK {
			t.Fatalf("summary: %d %v", status, sum)
		}
		for _, key := range []string{"cases", "angry_cases", "deescalated_cases", "deescalation_rate", "median_time_to_calm_minutes",
			"escalation_rate", "promise_kept_rate", "csat_average", "csat_responses", "repeat_contact_rate", "previous"} {
			if _, ok := sum[key]; !ok {
				t.Errorf("summary lacks %q: %v", key, sum)
			}
		}
		if sum["cases"] != 2.0 || sum["angry_cases"] != 1.0 || sum["previous"].(map[string]any)["from"] != "2026-11-09" {
			t.Errorf("summary = %v", sum)
		}
		if status, only := sup.do("GET", "/api/v1/insights/summary?from=2026-11-16&to=2026-11-22&channel=email", nil); status != http.StatusOK || only["cases"] != 0.0 {
			t.Errorf("summary of the email channel: %d %v", status, only)
		}
		if status, _ := agent.do("GET", "/api/v1/insights/summary", nil); status != http.StatusForbidden {
			t.Errorf("an agent's summary = %d, want 403", status)
		}
		for _, bad := range []string{"from=16-11-2026", "from=2026-11-20&to=2026-11-16", "from=2024-01-01&to=2026-01-01"} {
			if status, body := sup.do("GET", "/api/v1/insights/summary?"+bad, nil); status != http.StatusUnprocessableEntity {
				t.Errorf("summary?%s = %d %v, want 422", bad, status, body)
			}
		}
		if status, body := sup.do("GET", "/api/v1/insights/cases.csv?figure=nonsense", nil); status != http.StatusUnprocessableEntity {
			t.Errorf("cases.csv?figure=nonsense = %d %v, want 422", status, body)
		}

		status, problems := sup.do("GET", "/api/v1/insights/problems?from=2026-11-16&to=2026-11-22", nil)
		if _, ok := problems["problems"].([]any); status != http.StatusOK || !ok {
			t.Errorf("problems: %d %v", status, problems)
		}

		status, works := sup.do("GET", "/api/v1/insights/what-works?from=2026-11-16&to=2026-11-22", nil)
		if _, ok := works["categories"].([]any); status != http.StatusOK || !ok {
			t.Errorf("what-works: %d %v", status, works)
		}

		status, own := agent.do("GET", "/api/v1/insights/coaching?from=2026-11-16&to=2026-11-22", nil)
		if status != http.StatusOK || own["figures"] == nil {
			t.Errorf("an agent's own coaching: %d %v", status, own)
		}
		if status, _ := agent.do("GET", "/api/v1/insights/coaching?agent=supervisor@calmdesk.test", nil); status != http.StatusForbidden {
			t.Errorf("an agent reading another's coaching = %d, want 403", status)
		}
		if status, theirs := sup.do("GET", "/api/v1/insights/coaching?agent=agent@calmdesk.test", nil); status != http.StatusOK || theirs["agent_id"] != own["agent_id"] {
			t.Errorf("a supervisor reading the agent's coaching: %d %v", status, theirs)
		}

		req, _ := http.NewRequestWithContext(context.Background(), "GET", sup.base+"/api/v1/insights/cases.csv?from=2026-11-16&to=2026-11-22&figure=angry", nil)
		req.Header.Set("Authorization", "Bearer "+sup.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("cases.csv: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
		}
		records, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(records) != 2 || strings.Join(records[0], ",") != strings.Join(insights.CSVColumns, ",") || records[1][7] != "true" {
			t.Errorf("cases.csv of the angry cases = %v", records)
		}
	})
}
