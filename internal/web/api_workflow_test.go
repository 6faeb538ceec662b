package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

func TestGoodwillPromisesAndPolicyThroughAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		admin, d := newServer(t, db, desk.RoleAdmin)
		sam := addAgent(t, d, admin.base)
		_, body := sam.do("POST", "/api/v1/messages", danaMessage)
		caseID := int(body["case_id"].(float64))
		path := fmt.Sprintf("/api/v1/cases/%d", caseID)

		status, g := sam.do("POST", path+"/goodwill", map[string]any{"kind": "credit", "amount_cents": 3000, "reason": "double charge"})
		if status != 201 || g["status"] != "pending" {
			t.Fatalf("agent offers $30: %d %v", status, g)
		}
		if status, _ := sam.do("POST", fmt.Sprintf("/api/v1/goodwill/%d/approve", int(g["id"].(float64))), nil); status != 403 {
			t.Errorf("agent approving goodwill: %d, want 403", status)
		}
		if status, pending := admin.do("GET", "/api/v1/goodwill?status=pending", nil); status != 200 || len(pending["goodwill"].([]any)) != 1 {
			t.Errorf("pending goodwill: %d %v", status, pending)
		}
		if status, ok := admin.do("POST", fmt.Sprintf("/api/v1/goodwill/%d/approve", int(g["id"].(float64))), map[string]any{"note": "ok"}); status != 200 || ok["status"] != "approved" {
			t.Errorf("approve: %d %v", status, ok)
		}
		if status, b := admin.do("GET", "/api/v1/goodwill/budget", nil); status != 200 || b["approved_total"].(float64) != 3000 {
			t.Errorf("budget: %d %v", status, b)
		}

		status, reply := sam.do("POST", path+"/replies", map[string]any{"text": "Hi Dana, I'm sorry about the double charge on order 4471. I will refund the duplicate $59.90 within 3 business days."})
		if status != 201 {
			t.Fatalf("reply: %d %v", status, reply)
		}
		promises := reply["commitments"].([]any)
		if len(promises) == 0 || reply["review"] == nil {
			t.Fatalf("reply without review or promise: %v", reply)
		}
		pid := int(promises[0].(map[string]any)["id"].(float64))
		if status, p := sam.do("POST", fmt.Sprintf("/api/v1/commitments/%d/kept", pid), map[string]any{"note": "RF-1"}); status != 200 || p["status"] != "kept" {
			t.Errorf("kept: %d %v", status, p)
		}
		if status, _ := sam.do("POST", fmt.Sprintf("/api/v1/commitments/%d/kept", pid), nil); status != 409 {
			t.Errorf("kept twice: %d, want 409", status)
		}
		if status, st := sam.do("GET", "/api/v1/commitments/stats", nil); status != 200 || st["kept"].(float64) != 1 {
			t.Errorf("stats: %d %v", status, st)
		}
		if status, a := sam.do("GET", path+"/audit", nil); status != 200 || len(a["events"].([]any)) < 4 {
			t.Errorf("audit: %d %v", status, a)
		}

		if status, _ := sam.do("GET", "/api/v1/settings/policy", nil); status != 403 {
			t.Errorf("agent reading the policy: %d, want 403", status)
		}
		status, p := admin.do("GET", "/api/v1/settings/policy", nil)
		if status != 200 {
			t.Fatalf("policy: %d %v", status, p)
		}
		p["business_hours"].(map[string]any)["time_zone"] = "Europe/Lisbon"
		if status, got := admin.do("PUT", "/api/v1/settings/policy", p); status != 200 || got["business_hours"].(map[string]any)["time_zone"] != "Europe/Lisbon" {
			t.Errorf("put policy: %d %v", status, got)
		}
		p["business_hours"].(map[string]any)["time_zone"] = "Nowhere/Atlantis"
		if status, _ := admin.do("PUT", "/api/v1/settings/policy", p); status != 422 {
			t.Errorf("bad policy: %d, want 422", status)
		}
		if status, n := admin.do("GET", "/api/v1/notifications", nil); status != 200 || len(n["notifications"].([]any)) == 0 {
			t.Errorf("admin notifications: %d %v", status, n)
		}
	})
}

type steppedClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *steppedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *steppedClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func TestSurveyPage(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	clock := &steppedClock{now: time.Date(2026, 12, 3, 11, 0, 0, 0, time.UTC)}
	var srvURL string
	d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: clock.Now, PublicURL: "http://survey.test"})
	srv := httptest.NewServer(web.New(d, web.Config{}, nil))
	defer srv.Close()
	srvURL = srv.URL
	res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana@example.com", CustomerName: "Dana Reyes", Subject: "Refund", Text: "Thanks, I see the refund."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Resolve(ctx, desk.SystemActor, res.CaseID); err != nil {
		t.Fatal(err)
	}
	clock.Set(clock.Now().Add(7 * 24 * time.Hour))
	if _, err := d.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	c, _ := d.Case(ctx, res.CaseID)
	text := c.Messages[len(c.Messages)-1].CleanText
	i := strings.Index(text, "http://survey.test/survey/")
	if i < 0 {
		t.Fatalf("no survey link in %q", text)
	}
	path := strings.Fields(text[i+len("http://survey.test"):])[0]
	path = path[:strings.Index(path, "?")] // the email links carry ?score=N
	resp0, err := http.Get(srvURL + path + "?score=4")
	if err != nil {
		t.Fatal(err)
	}
	preselected, _ := io.ReadAll(resp0.Body)
	resp0.Body.Close()
	if !strings.Contains(string(preselected), `value="4" required checked`) {
		t.Errorf("the clicked score is not preselected")
	}

	get := func() (int, string) {
		resp, err := http.Get(srvURL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	post := func(v url.Values) (int, string) {
		resp, err := http.PostForm(srvURL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if status, page := get(); status != 200 || !strings.Contains(page, "How did we do, Dana?") || !strings.Contains(page, `name="score"`) {
		t.Fatalf("survey page: %d\n%s", status, page)
	}
	if status, _ := post(url.Values{"score": {"9"}}); status != 422 {
		t.Errorf("score 9: %d, want 422", status)
	}
	if status, page := post(url.Values{"score": {"5"}, "comment": {"thank you for owning it"}}); status != 200 || !strings.Contains(page, "Thank you") {
		t.Errorf("answer: %d\n%s", status, page)
	}
	if status, _ := post(url.Values{"score": {"1"}}); status != 410 {
		t.Errorf("second answer: %d, want 410", status)
	}
	if status, _ := get(); status != 410 {
		t.Errorf("used link: %d, want 410", status)
	}
	resp, err := http.Get(srvURL + "/survey/forged-token")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 410 {
		t.Errorf("forged link: %d, want 410", resp.StatusCode)
	}
}
