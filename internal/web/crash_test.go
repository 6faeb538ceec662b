package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestKillNineWhileIngesting is the API's promise under a crash: the
// calmdesk binary takes 1,000 messages (each with an external_id) from 16
// concurrent API clients and is killed with SIGKILL half-way. What the
// crash leaves must be whole: every message acknowledged with 201 is
// stored, once, every case has a message, every message its case and every
// customer message its reading. After a restart the clients resend what
// got no 201, and some that did (a 201 lost on the way): nothing is stored
// twice, and in the end every message is stored exactly once. It runs on
// both engines.
func TestKillNineWhileIngesting(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and crashes the calmdesk binary; runs in the full suite")
	}
	bin := buildCalmdesk(t)
	t.Run("sqlite", func(t *testing.T) {
		_, dbURL := storetest.OpenURL(t, store.SQLite)
		killNineWhileIngesting(t, bin, dbURL)
	})
	t.Run("postgres", func(t *testing.T) {
		_, dbURL := storetest.OpenURL(t, store.Postgres)
		killNineWhileIngesting(t, bin, dbURL)
	})
}

func buildCalmdesk(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "calmdesk")
	build := exec.Command("go", "build", "-o", bin, "github.com/calmdesk/calmdesk/cmd/calmdesk")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serveProcess is a `calmdesk serve` child process.
type serveProcess struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
}

func startServe(t *testing.T, bin, dbURL, addr string) *serveProcess {
	t.Helper()
	s := &serveProcess{url: "http://" + addr, stderr: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "--database-url", dbURL, "--log-level", "warn", "serve", "--addr", addr)
	s.cmd.Stdout, s.cmd.Stderr = s.stderr, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			s.cmd.Process.Kill()
			s.cmd.Wait()
			t.Fatalf("calmdesk serve was not ready on %s in 30 s:\n%s", addr, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// crashMessage is message n of the test: one of a few customers' stories,
// and every third one answers the message before it, so threads form
// (on the case of n-1 when it is stored, else on a case of its own).
func crashMessage(n int) map[string]any {
	stories := []string{
		"This is the third time I write. You charged me twice for order %d and nobody answers. Fix it NOW or I dispute it with my bank.",
		"Hello, my order %d was due on Monday and the tracking has not moved for a week. Could you check what happened?",
		"The blender from order %d arrived with a cracked jar. I am really disappointed, it was a birthday present.",
		"I want to speak to a manager about order %d. Your agent promised a refund two weeks ago. Nothing.",
	}
	customer := n % 97
	if n%3 == 1 {
		customer = (n - 1) % 97 // the same customer writes again
	}
	msg := map[string]any{
		"customer":    map[string]any{"email": fmt.Sprintf("customer%d@example.com", customer), "name": fmt.Sprintf("Customer %d", customer)},
		"subject":     fmt.Sprintf("Order %d", 4000+n),
		"text":        fmt.Sprintf(stories[n%len(stories)], 4000+n),
		"channel":     "email",
		"external_id": fmt.Sprintf("<api-crash-%d@mail.example.com>", n),
	}
	if n%3 == 1 {
		msg["in_reply_to"] = []string{fmt.Sprintf("<api-crash-%d@mail.example.com>", n-1)}
	}
	return msg
}

// postAll posts the messages numbered in todo from conns concurrent
// clients and records in acked which got a 201 (or, resent, a 200
// duplicate). A failed request is retried until the server is gone for
// good (stop is closed) or, without a stop, three times.
func postAll(t *testing.T, url, token string, todo []int, conns int, acked []atomic.Bool, sent *atomic.Int64, stop <-chan struct{}) {
	queue := make(chan int, len(todo))
	for _, n := range todo {
		queue <- n
	}
	close(queue)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conns}}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			for n := range queue {
				body, _ := json.Marshal(crashMessage(n))
				for attempt := 0; attempt < 3; attempt++ {
					select {
					case <-stop:
						return
					default:
					}
					req, _ := http.NewRequest("POST", url+"/api/v1/messages", bytes.NewReader(body))
					req.Header.Set("Authorization", "Bearer "+token)
					req.Header.Set("Content-Type", "application/json")
					resp, err := client.Do(req)
					if err != nil {
						time.Sleep(20 * time.Millisecond)
						continue
					}
					var out struct {
						CaseID    int64 `json:"case_id"`
						Duplicate bool  `json:"duplicate"`
					}
					err = json.NewDecoder(resp.Body).Decode(&out)
					resp.Body.Close()
					if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK && out.Duplicate {
						if err != nil || out.CaseID == 0 {
							t.Errorf("message %d: %d without a case id", n, resp.StatusCode)
						}
						acked[n].Store(true)
						sent.Add(1)
						break
					}
				}
			}
		})
	}
	wg.Wait()
}

func killNineWhileIngesting(t *testing.T, bin, dbURL string) {
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	d := testDesk(db)
	if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "mail@calmdesk.test", Name: "Mail gateway", Role: desk.RoleAgent}); err != nil {
		t.Fatal(err)
	}
	token, err := d.CreateToken(ctx, desk.SystemActor, "mail@calmdesk.test", "gateway")
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	const total, conns = 1000, 16
	acked := make([]atomic.Bool, total)
	all := make([]int, total)
	for i := range all {
		all[i] = i
	}
	addr := freeAddr(t)
	srv := startServe(t, bin, dbURL, addr)
	start := time.Now()
	var sent atomic.Int64
	stop := make(chan struct{})
	killed := make(chan int64, 1)
	var finished atomic.Bool
	go func() {
		for sent.Load() < total/2 {
			if finished.Load() {
				killed <- -1
				return
			}
			time.Sleep(2 * time.Millisecond)
		}
		srv.cmd.Process.Signal(syscall.SIGKILL)
		at := sent.Load()
		srv.cmd.Wait()
		close(stop)
		killed <- at
	}()
	postAll(t, srv.url, token, all, conns, acked, &sent, stop)
	finished.Store(true)
	atKill := <-killed
	if atKill < 0 {
		srv.cmd.Process.Kill()
		srv.cmd.Wait()
		t.Fatalf("only %d of %d messages were acknowledged before the clients gave up:\n%s", sent.Load(), total, srv.stderr)
	}
	firstRun := sent.Load()
	elapsed := time.Since(start)
	t.Logf("killed -9 after %d acknowledged messages (%d in all before the crash) in %v: %.0f msgs/s through the API",
		atKill, firstRun, elapsed.Round(time.Millisecond), float64(firstRun)/elapsed.Seconds())
	if firstRun >= total {
		t.Fatal("every message was acknowledged before the kill: the test proves nothing")
	}

	// What the crash left, read as the next start of calmdesk would.
	stored := storedAPIMessages(t, dbURL)
	inFlight := 0
	for n := range total {
		c := stored[n]
		switch {
		case c > 1:
			t.Errorf("after the crash, message %d is stored %d times", n, c)
		case c == 0 && acked[n].Load():
			t.Errorf("message %d was acknowledged but is not in the database after the crash", n)
		case c == 1 && !acked[n].Load():
			inFlight++
		}
	}
	t.Logf("after the crash: %d messages stored, %d of them never acknowledged", len(stored), inFlight)
	checkWholeCases(t, dbURL)

	// Resend what got no 201, and one in ten of the acknowledged too, as if
	// their answer had been lost on the way.
	var resend []int
	for n := range total {
		if !acked[n].Load() || n%10 == 0 {
			resend = append(resend, n)
		}
	}
	srv = startServe(t, bin, dbURL, addr)
	postAll(t, srv.url, token, resend, conns, acked, &sent, nil)
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.cmd.Wait(); err != nil {
		t.Errorf("calmdesk serve after SIGTERM: %v\n%s", err, srv.stderr)
	}
	t.Logf("resent %d messages after the restart; %v in all", len(resend), time.Since(start).Round(time.Millisecond))

	stored = storedAPIMessages(t, dbURL)
	for n := range total {
		if stored[n] != 1 || !acked[n].Load() {
			t.Errorf("message %d: stored %d times, acknowledged %v; want once, acknowledged", n, stored[n], acked[n].Load())
		}
	}
	checkWholeCases(t, dbURL)
	if t.Failed() {
		os.Stderr.Write(srv.stderr.Bytes())
	}
}

// storedAPIMessages counts the stored messages of the test by number.
func storedAPIMessages(t *testing.T, dbURL string) map[int]int {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Read().QueryContext(ctx, `SELECT external_id FROM messages WHERE external_id LIKE '<api-crash-%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts := map[int]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		var n int
		if _, err := fmt.Sscanf(id, "<api-crash-%d@", &n); err != nil {
			t.Fatalf("external id %q: %v", id, err)
		}
		counts[n]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return counts
}

// checkWholeCases checks that nothing is half-written: every case has a
// message and its customer, every message its case, every customer
// message its reading, every case its audit trail from the start; and on
// SQLite that the file passes PRAGMA integrity_check.
func checkWholeCases(t *testing.T, dbURL string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, c := range []struct{ what, query string }{
		{"cases without a message", `SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id)`},
		{"cases without their customer", `SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM customers cu WHERE cu.id = c.customer_id)`},
		{"messages without their case", `SELECT count(*) FROM messages m WHERE NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = m.case_id)`},
		{"customer messages without a reading", `SELECT count(*) FROM messages WHERE direction = 'inbound' AND (reading IS NULL OR CAST(reading AS TEXT) IN ('', 'null'))`},
		{"cases whose count of customer messages is wrong", `SELECT count(*) FROM cases c WHERE c.inbound_count <> (SELECT count(*) FROM messages m WHERE m.case_id = c.id AND m.direction = 'inbound')`},
		{"cases without an audit event", `SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM audit_events a WHERE a.case_id = c.id)`},
	} {
		var n int
		if err := db.Read().QueryRowContext(ctx, c.query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}
	if db.Engine == store.SQLite {
		var result string
		if err := db.Read().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil || result != "ok" {
			t.Errorf("PRAGMA integrity_check: %q %v", result, err)
		}
	}
}
