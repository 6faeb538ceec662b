package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

func TestInsightsPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		now := time.Date(2026, 11, 18, 12, 0, 0, 0, time.UTC)
		sup, agent, _ := insightsServer(t, db, now)
		msg := map[string]any{"customer": map[string]any{"email": "dana@example.com"}, "channel": "chat",
			"text": "This is the third time I write. You charged me twice for order 4471 and nobody answers. Fix it NOW!!!"}
		status, body := sup.do("POST", "/api/v1/messages", msg)
		if status != http.StatusCreated {
			t.Fatalf("ingest: %d %v", status, body)
		}
		caseID := int64(body["case_id"].(float64))
		get := func(c *http.Client, path string) (int, string) {
			t.Helper()
			resp, err := c.Get(sup.base + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(raw)
		}
		browser := signedInBrowser(t, sup.base, "supervisor@calmdesk.test")
		status, page := get(browser, "/insights?from=2026-11-16&to=2026-11-22")
		if status != http.StatusOK {
			t.Fatalf("/insights: %d\n%s", status, page)
		}
		for _, want := range []string{"De-escalation rate", `href="/insights/cases?figure=angry&amp;from=2026-11-16&amp;to=2026-11-22"`,
			"100%", `<svg class="chart"`, "What works with angry customers", `href="/insights" aria-current="page"`, "/api/v1/insights/cases.csv?"} {
			if !strings.Contains(page, want) {
				t.Errorf("/insights lacks %q", want)
			}
		}
		status, page = get(browser, "/insights/cases?from=2026-11-16&to=2026-11-22&figure=angry")
		if status != http.StatusOK || !strings.Contains(page, "Angry cases") || !strings.Contains(page, `href="/cases/`+itoa(caseID)+`"`) ||
			!strings.Contains(page, `href="/insights?from=2026-11-16&amp;to=2026-11-22"`) {
			t.Errorf("/insights/cases?figure=angry: %d\n%s", status, page)
		}
		status, page = get(browser, "/insights/digest?week=2026-11-18")
		if status != http.StatusOK || !strings.Contains(page, "Week 2026-11-16 to 2026-11-22") || !strings.Contains(page, "Promises that came due unkept") {
			t.Errorf("/insights/digest: %d\n%s", status, page)
		}
		if status, _ := get(browser, "/insights?from=nonsense"); status != http.StatusUnprocessableEntity {
			t.Errorf("/insights?from=nonsense = %d, want 422", status)
		}
		agentBrowser := signedInBrowser(t, agent.base, string(desk.RoleAgent)+"@calmdesk.test")
		if status, page := get(agentBrowser, "/coaching"); status != http.StatusOK || !strings.Contains(page, "Coaching: agent") {
			t.Errorf("an agent's /coaching = %d\n%s", status, page)
		}
		if status, page := get(agentBrowser, "/insights"); status != http.StatusForbidden || strings.Contains(page, `href="/insights"`) {
			t.Errorf("an agent's /insights = %d (or the nav links to it)", status)
		}
	})
}
