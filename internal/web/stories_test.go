package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// storyDesk serves a desk whose clock the test moves, with an agent's API
// client. The sweep — what the job queue runs every minute — is called
// directly after the clock moves.
func storyDesk(t *testing.T, db *store.DB, start time.Time) (apiClient, *desk.Desk, *steppedClock) {
	t.Helper()
	clock := &steppedClock{now: start}
	d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: clock.Now, PublicURL: "http://desk.test"})
	srv := httptest.NewServer(web.New(d, web.Config{}, nil))
	t.Cleanup(srv.Close)
	return addAgent(t, d, srv.URL), d, clock
}

func sweep(t *testing.T, d *desk.Desk) desk.SweepResult {
	t.Helper()
	r, err := d.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Story 2: an angry message asking for a manager escalates at once, and the
// supervisor reads the handoff summary through the API.
func TestStoryManagerRequestHandoff(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, _, _ := storyDesk(t, db, time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC))
		status, res := api.do("POST", "/api/v1/messages", map[string]any{
			"customer": map[string]any{"email": "mo.haddad@example.com", "name": "Mo Haddad"},
			"subject":  "Cancelled without notice",
			"text":     "You cancelled my subscription without notice and charged me anyway! I want to speak to your manager today or I will dispute the charge with my bank.",
		})
		if status != 201 {
			t.Fatalf("ingest: %d %v", status, res)
		}
		_, c := api.do("GET", fmt.Sprintf("/api/v1/cases/%d", int(res["case_id"].(float64))), nil)
		if c["status"] != "escalated" {
			t.Fatalf("status %v, want escalated", c["status"])
		}
		esc := c["escalations"].([]any)[0].(map[string]any)
		summary := esc["summary"].(string)
		for _, want := range []string{"asked for a manager", "Mo Haddad", "Concerns", "nothing yet"} {
			if !strings.Contains(summary, want) {
				t.Errorf("handoff summary lacks %q:\n%s", want, summary)
			}
		}
		_, list := api.do("GET", "/api/v1/cases?status=escalated", nil)
		if len(list["cases"].([]any)) != 1 {
			t.Errorf("supervisors' queue = %v", list)
		}
	})
}

// Story 1: "within 3 business days" on a Monday is due Thursday; not kept,
// it breaks at its due time and the case escalates.
func TestStoryPromiseDueAndBroken(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d, clock := storyDesk(t, db, time.Date(2026, 11, 27, 23, 10, 0, 0, time.UTC))
		_, res := api.do("POST", "/api/v1/messages", map[string]any{
			"customer": map[string]any{"email": "dana.reyes@example.com", "name": "Dana Reyes"},
			"subject":  "Charged twice for order 4471",
			"text":     "This is the third time I write. You charged me twice for order 4471 and nobody answers. Fix it NOW.",
			"channel":  "email", "external_id": "dana-1@mail.example.com",
		})
		path := fmt.Sprintf("/api/v1/cases/%d", int(res["case_id"].(float64)))
		clock.Set(time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)) // Monday
		status, reply := api.do("POST", path+"/replies", map[string]any{
			"text": "Hi Dana,\n\nI'm sorry you were charged twice for order 4471, and that your earlier emails went unanswered. I will refund the duplicate $59.90 within 3 business days.\n\nSam"})
		if status != 201 {
			t.Fatalf("reply: %d %v", status, reply)
		}
		_, open := api.do("GET", "/api/v1/commitments?status=open", nil)
		promises := open["commitments"].([]any)
		if len(promises) != 1 {
			t.Fatalf("open promises = %v", open)
		}
		due, _ := time.Parse(time.RFC3339, promises[0].(map[string]any)["due_at"].(string))
		if due.Weekday() != time.Thursday || due.Day() != 3 {
			t.Fatalf("due %v, want Thursday 3 December", due)
		}
		clock.Set(due.Add(-time.Hour))
		if r := sweep(t, d); r.Broken != 0 || r.Reminded != 1 {
			t.Errorf("sweep before due = %+v", r)
		}
		clock.Set(due.Add(time.Minute))
		if r := sweep(t, d); r.Broken != 1 {
			t.Errorf("sweep after due = %+v", r)
		}
		_, broken := api.do("GET", "/api/v1/commitments?status=broken", nil)
		if len(broken["commitments"].([]any)) != 1 {
			t.Errorf("broken promises = %v", broken)
		}
		_, c := api.do("GET", path, nil)
		if c["status"] != "escalated" {
			t.Errorf("case status %v after the broken promise, want escalated", c["status"])
		}
	})
}

// Resolve → follow-up → survey answered 1 → case reopened.
func TestStorySurveyLowScoreReopens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, d, clock := storyDesk(t, db, time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC))
		_, res := api.do("POST", "/api/v1/messages", map[string]any{
			"customer": map[string]any{"email": "rui@example.com", "name": "Rui Costa"}, "text": "Thanks, the app works again."})
		path := fmt.Sprintf("/api/v1/cases/%d", int(res["case_id"].(float64)))
		if status, r := api.do("POST", path+"/resolve", nil); status != 200 {
			t.Fatalf("resolve: %d %v", status, r)
		}
		clock.Set(clock.Now().Add(7 * 24 * time.Hour))
		if r := sweep(t, d); r.SurveysSent != 1 {
			t.Fatalf("sweep = %+v, want the survey sent", r)
		}
		_, c := api.do("GET", path, nil)
		msgs := c["messages"].([]any)
		text := msgs[len(msgs)-1].(map[string]any)["text"].(string)
		i := strings.Index(text, "http://desk.test/survey/")
		if i < 0 {
			t.Fatalf("no survey link in the check-in: %q", text)
		}
		link := api.base + strings.Fields(text[i+len("http://desk.test"):])[0]
		resp, err := http.PostForm(link, url.Values{"score": {"1"}, "comment": {"It stopped working again."}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("survey answer: %d", resp.StatusCode)
		}
		_, c = api.do("GET", path, nil)
		if c["status"] != "open" {
			t.Errorf("status after a 1/5 = %v, want open", c["status"])
		}
	})
}
