package jobs_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestWebhookFiresOnEscalation: story 3's "a webhook fires", signed, with
// a failing first attempt retried.
func TestWebhookFiresOnEscalation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		var got []map[string]any
		attempts := 0
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mac := hmac.New(sha256.New, []byte("s3cret"))
			mac.Write(body)
			if r.Header.Get("X-Calmdesk-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
				http.Error(w, "bad signature", http.StatusUnauthorized)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			attempts++
			if attempts == 1 {
				http.Error(w, "try again", http.StatusServiceUnavailable)
				return
			}
			var p map[string]any
			_ = json.Unmarshal(body, &p)
			got = append(got, p)
		}))
		defer hook.Close()

		d := start(t, db, nil, jobs.Config{WebhookEvery: 100 * time.Millisecond})
		p := desk.DefaultPolicy()
		p.Webhooks = []desk.Webhook{{URL: hook.URL, Secret: "s3cret", Events: []string{"case.escalated"}}}
		p.WebhooksAllowHosts = []string{"127.0.0.1"} // the test's receiver is on loopback
		if err := d.SetPolicy(ctx, desk.SystemActor, p); err != nil {
			t.Fatal(err)
		}
		// Let the new webhook take its starting position, then escalate.
		waitFor(t, "the webhook cursor", func() bool {
			var cur map[string]any
			found, _ := d.LoadSetting(ctx, "webhook_cursor:"+hashURL(hook.URL), &cur)
			return found
		})
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mo@example.com",
			Text: "I want to speak to your manager right now, or I will file a chargeback with my bank."})
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the escalation webhook", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(got) == 1
		})
		mu.Lock()
		first, tries := got[0], attempts
		mu.Unlock()
		if first["event"] != "case.escalated" || first["case_id"] != float64(res.CaseID) || tries != 2 {
			t.Errorf("webhook payload %v after %d attempts", first, tries)
		}
		var log []desk.WebhookDelivery
		waitFor(t, "both attempts in the delivery log", func() bool {
			log, err = d.WebhookDeliveries(ctx, 10)
			return err == nil && len(log) == 2
		})
		if log[0].StatusCode != 200 || log[1].StatusCode != 503 || log[1].Error == "" {
			t.Errorf("delivery log = %+v, %v", log, err)
		}
	})
}

// TestWebhookToAnInternalAddressIsRefusedAtDelivery: a webhook whose name
// resolves to an internal address (DNS rebinding, or a policy stored
// before URLs were checked) is refused when it connects, the refusal is in
// the delivery log, and it goes out once the admin allows the host.
func TestWebhookToAnInternalAddressIsRefusedAtDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		hits := 0
		hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
			mu.Lock()
			hits++
			mu.Unlock()
		}))
		defer hook.Close()
		hookURL := strings.Replace(hook.URL, "127.0.0.1", "localhost", 1) + "/hook"
		p := desk.DefaultPolicy()
		p.Webhooks = []desk.Webhook{{URL: hookURL, Events: []string{"case.escalated"}}}
		stored, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		// Written as an older version would have: SetPolicy refuses localhost.
		if _, err := db.Writer().ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ('policy', $1, $2)`, string(stored), time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		d := start(t, db, nil, jobs.Config{WebhookEvery: 100 * time.Millisecond})
		waitFor(t, "the webhook cursor", func() bool {
			var cur map[string]any
			found, _ := d.LoadSetting(ctx, "webhook_cursor:"+hashURL(hookURL), &cur)
			return found
		})
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mo@example.com",
			Text: "I want to speak to your manager right now, or I will file a chargeback with my bank."}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the refused delivery in the log", func() bool {
			log, err := d.WebhookDeliveries(ctx, 10)
			return err == nil && len(log) > 0 && strings.Contains(log[0].Error, "internal address")
		})
		mu.Lock()
		if hits != 0 {
			t.Errorf("the internal receiver was reached %d times", hits)
		}
		mu.Unlock()

		p.WebhooksAllowHosts = []string{"localhost"}
		if err := d.SetPolicy(ctx, desk.SystemActor, p); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the delivery once localhost is allowed", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return hits == 1
		})
	})
}

func hashURL(u string) string {
	sum := sha256.Sum256([]byte(u))
	return hex.EncodeToString(sum[:8])
}

// TestWebhookGetsAnEventCommittedAfterALaterOne: on PostgreSQL an audit
// event's id is taken when its transaction writes it and seen when it
// commits, so id N+1 can be read before N. The webhook must still get N
// (once) when it turns up, not move its cursor past it for good. The test
// writes the events with their ids in that order.
func TestWebhookGetsAnEventCommittedAfterALaterOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		got := map[int64]int{}
		hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var p struct {
				ID int64 `json:"id"`
			}
			_ = json.NewDecoder(r.Body).Decode(&p)
			mu.Lock()
			got[p.ID]++
			mu.Unlock()
		}))
		defer hook.Close()
		d := start(t, db, nil, jobs.Config{WebhookEvery: 100 * time.Millisecond})
		p := desk.DefaultPolicy()
		p.Webhooks = []desk.Webhook{{URL: hook.URL, Events: []string{"case.escalated"}}}
		p.WebhooksAllowHosts = []string{"127.0.0.1"}
		if err := d.SetPolicy(ctx, desk.SystemActor, p); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the webhook cursor", func() bool {
			var cur map[string]any
			found, _ := d.LoadSetting(ctx, "webhook_cursor:"+hashURL(hook.URL), &cur)
			return found
		})
		base, err := d.LastEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		insert := `INSERT INTO audit_events (id, at, actor, action) VALUES ($1, $2, 'system', 'case.escalated')`
		if db.Engine == store.Postgres {
			insert = `INSERT INTO audit_events (id, at, actor, action) OVERRIDING SYSTEM VALUE VALUES ($1, $2, 'system', 'case.escalated')`
		}
		write := func(id int64) {
			t.Helper()
			if _, err := db.Writer().ExecContext(ctx, insert, id, time.Now().UTC()); err != nil {
				t.Fatal(err)
			}
		}
		count := func(id int64) int {
			mu.Lock()
			defer mu.Unlock()
			return got[id]
		}
		write(base + 1)
		write(base + 3) // base+2 is still "in flight"
		waitFor(t, "the events on either side of the gap", func() bool { return count(base+1) == 1 && count(base+3) == 1 })
		write(base + 2)
		waitFor(t, "the event that came late", func() bool { return count(base+2) == 1 })
		time.Sleep(500 * time.Millisecond) // a few more deliveries: nothing twice
		for id := base + 1; id <= base+3; id++ {
			if n := count(id); n != 1 {
				t.Errorf("event %d posted %d times", id, n)
			}
		}
	})
}
