package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// seedCases writes n cases (and a customer each) straight into the
// database: going through Ingest would measure the analysis engine, not
// the inbox. Priorities, anger, statuses, categories and assignees vary.
func seedCases(tb testing.TB, db *store.DB, n int, assignee int64) {
	tb.Helper()
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		if _, err := tx.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
			INSERT INTO customers (email, name, first_contact_at, last_contact_at)
			SELECT 'c' || i || '@example.com', 'Customer ' || i, $2, $2 FROM seq`, n, now); err != nil {
			return err
		}
		_, err := tx.Exec(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
			INSERT INTO cases (customer_id, subject, status, priority, assignee_id, category, channel,
			                   anger_first, anger_latest, anger_peak, signals, inbound_count,
			                   created_at, updated_at, last_inbound_at, first_response_due_at)
			SELECT i, 'Case number ' || i,
			       CASE i % 10 WHEN 0 THEN 'closed' WHEN 1 THEN 'escalated' WHEN 2 THEN 'resolved' ELSE 'new' END,
			       (i * 7919) % 101, CASE WHEN i % 3 = 0 THEN $3 END,
			       CASE i % 4 WHEN 0 THEN 'billing' WHEN 1 THEN 'delivery' WHEN 2 THEN 'account' ELSE 'product' END,
			       'email', (i * 31) % 101, (i * 7919) % 101, (i * 7919) % 101,
			       CASE i % 5 WHEN 0 THEN '["manager_request","repeat_contact"]' ELSE '[]' END, 1 + i % 3,
			       $2, $2, $2, $4 FROM seq`, n, now, assignee, now.Add(4*time.Hour))
		return err
	})
	if err != nil {
		tb.Fatalf("seed %d cases: %v", n, err)
	}
}

// signedIn starts a server on d and returns a client signed in as a new agent.
func signedIn(tb testing.TB, d *desk.Desk) (string, *http.Client, desk.User) {
	tb.Helper()
	srv := httptest.NewServer(web.New(d, web.Config{}, nil))
	tb.Cleanup(srv.Close)
	u, _, err := d.AddUser(context.Background(), desk.SystemActor, desk.NewUser{Email: "bench@calmdesk.test", Name: "Bench Agent", Role: desk.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		tb.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	resp, err := c.PostForm(srv.URL+"/login", url.Values{"email": {u.Email}, "password": {"correct horse battery"}})
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	return srv.URL, c, u
}

func getPage(tb testing.TB, c *http.Client, u string) string {
	tb.Helper()
	resp, err := c.Get(u)
	if err != nil {
		tb.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		tb.Fatalf("GET %s = %d", u, resp.StatusCode)
	}
	return string(body)
}

// BenchmarkInbox renders the inbox (50 rows) of a desk with 100,000 cases on
// SQLite, through HTTP on loopback, for the main views. The target is under
// 200 ms per page; keyset paging keeps it flat however many cases exist.
//
//	go test ./internal/web -run '^$' -bench Inbox -benchtime 50x
func BenchmarkInbox(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	d := testDesk(db)
	base, c, u := signedIn(b, d)
	seedCases(b, db, 100_000, u.ID)
	for _, view := range []string{"/", "/?view=mine", "/?view=unassigned", "/?view=escalated", "/?category=billing", "/?status=resolved"} {
		b.Run(view, func(b *testing.B) {
			getPage(b, c, base+view) // warm the page cache
			start := time.Now()
			for b.Loop() {
				getPage(b, c, base+view)
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/page")
		})
	}
}

// BenchmarkCoachPanel is one keystroke burst: the reply box posts the draft
// and gets the coach panel back. The target is under 100 ms.
//
//	go test ./internal/web -run '^$' -bench CoachPanel -benchtime 200x
func BenchmarkCoachPanel(b *testing.B) {
	db := storetest.Open(b, store.SQLite)
	d := testDesk(db)
	base, c, _ := signedIn(b, d)
	res, err := d.Ingest(context.Background(), desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CustomerName: "Dana Reyes",
		Subject: "Charged twice", Text: "This is the third time I write. You charged me twice for order 4471 and nobody answers. Fix it NOW!!!", Channel: "email"})
	if err != nil {
		b.Fatal(err)
	}
	u := fmt.Sprintf("%s/cases/%d/coach", base, res.CaseID)
	form := url.Values{"kind": {"reply"}, "text": {"Hi Dana,\n\nI'm sorry we charged you twice for order 4471, and that you had to write three times. " +
		"I will refund the duplicate $59.90 within 3 business days and email you the refund reference.\n\nSam"}}
	start := time.Now()
	for b.Loop() {
		resp, err := c.PostForm(u, form)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("coach panel = %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/review")
}
