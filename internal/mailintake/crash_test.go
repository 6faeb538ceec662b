package mailintake_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/smtp"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// customerMail is a realistic customer email, unique by n: Message-ID
// <crash-n@mail.example.com> and one of a few stories, calm to furious.
func customerMail(n int) []byte {
	stories := []struct{ subject, text string }{
		{"Charged twice for order %d", "This is the third time I write. You charged me twice for order %d and nobody answers. Fix it NOW or I dispute it with my bank."},
		{"Where is my parcel (order %d)?", "Hello, my order %d was due on Monday and the tracking has not moved for a week. Could you check what happened?"},
		{"Broken on arrival: order %d", "The blender from order %d arrived with a cracked jar. I am really disappointed, it was a birthday present."},
		{"Thanks! (order %d)", "Just wanted to say thank you, the replacement for order %d arrived today and works perfectly."},
		{"I want to speak to a manager about order %d", "Your agent promised a refund for order %d two weeks ago. Nothing. I want a manager to call me today."},
	}
	s := stories[n%len(stories)]
	return fmt.Appendf(nil, "From: Customer %d <customer%d@example.com>\r\n"+
		"To: support@shop.example\r\n"+
		"Subject: "+s.subject+"\r\n"+
		"Message-ID: <crash-%d@mail.example.com>\r\n"+
		"Date: Thu, 26 Nov 2026 10:00:00 +0000\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"+
		s.text+"\r\n\r\nSent from my phone\r\n",
		n%97, n%97, 4000+n, n, 4000+n)
}

// sendMail sends one message on an open SMTP connection; nil means the
// server answered 250 to the end of DATA.
func sendMail(c *smtp.Client, from string, raw []byte) error {
	if err := c.Mail(from); err != nil {
		return err
	}
	if err := c.Rcpt("support@shop.example"); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}

// deliverAll sends the messages numbered in todo over conns concurrent SMTP
// connections, several messages per connection as MTAs do, and records in
// acked which of them got a 250. A failed connection is redialled until the
// server is gone for good (stop is closed) or, without a stop, a message
// has failed three times.
func deliverAll(addr string, todo []int, conns int, acked []atomic.Bool, sent *atomic.Int64, stop <-chan struct{}) {
	queue := make(chan int, len(todo))
	for _, n := range todo {
		queue <- n
	}
	close(queue)
	var wg sync.WaitGroup
	for range conns {
		wg.Go(func() {
			var c *smtp.Client
			defer func() {
				if c != nil {
					c.Close()
				}
			}()
			for n := range queue {
				for attempt := 0; attempt < 3; attempt++ {
					select {
					case <-stop:
						return
					default:
					}
					if c == nil {
						conn, err := net.DialTimeout("tcp", addr, time.Second)
						if err != nil {
							time.Sleep(20 * time.Millisecond)
							continue
						}
						if c, err = smtp.NewClient(conn, "127.0.0.1"); err != nil {
							conn.Close()
							c = nil
							continue
						}
					}
					if err := sendMail(c, fmt.Sprintf("customer%d@example.com", n%97), customerMail(n)); err != nil {
						c.Close()
						c = nil
						continue
					}
					acked[n].Store(true)
					sent.Add(1)
					break
				}
			}
		})
	}
	wg.Wait()
}

// server is a calmdesk serve subprocess.
type server struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func startServer(t *testing.T, bin, dbURL, httpAddr, smtpAddr string) *server {
	t.Helper()
	s := &server{stderr: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "--database-url", dbURL, "--log-level", "warn",
		"serve", "--addr", httpAddr, "--smtp-addr", smtpAddr, "--sweep-every", "1h")
	s.cmd.Stdout, s.cmd.Stderr = s.stderr, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		conn, err := net.DialTimeout("tcp", smtpAddr, time.Second)
		if err == nil {
			conn.Close()
			return s
		}
		if time.Now().After(deadline) {
			s.cmd.Process.Kill()
			s.cmd.Wait()
			t.Fatalf("calmdesk serve did not open %s in 30 s:\n%s", smtpAddr, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestKillNineWhileReceiving is the receiver's promise under a crash: the
// calmdesk binary receives 1,000 messages from 16 concurrent SMTP clients
// and is killed with SIGKILL half-way; after a restart the clients resend
// what got no 250 (as MTAs do) plus some that did (a 250 lost on the way).
// Every acknowledged message must be in the database exactly once, and in
// the end every message is. It runs on both engines.
func TestKillNineWhileReceiving(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and crashes the calmdesk binary; runs in the full suite")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "calmdesk")
	build := exec.Command("go", "build", "-o", bin, "github.com/calmdesk/calmdesk/cmd/calmdesk")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("sqlite", func(t *testing.T) {
		killNineWhileReceiving(t, bin, "sqlite:"+filepath.Join(t.TempDir(), "calmdesk.db"))
	})
	t.Run("postgres", func(t *testing.T) {
		_, dbURL := storetest.OpenURL(t, store.Postgres) // a schema of its own; skipped without PostgreSQL
		killNineWhileReceiving(t, bin, dbURL)
	})
}

func killNineWhileReceiving(t *testing.T, bin, dbURL string) {
	httpAddr, smtpAddr := freePort(t), freePort(t)

	const total, conns = 1000, 16
	acked := make([]atomic.Bool, total)
	all := make([]int, total)
	for i := range all {
		all[i] = i
	}

	srv := startServer(t, bin, dbURL, httpAddr, smtpAddr)
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
	deliverAll(smtpAddr, all, conns, acked, &sent, stop)
	finished.Store(true)
	atKill := <-killed
	if atKill < 0 {
		srv.cmd.Process.Kill()
		srv.cmd.Wait()
		t.Fatalf("only %d of %d messages were acknowledged before the clients gave up:\n%s", sent.Load(), total, srv.stderr)
	}
	firstRun := sent.Load()
	elapsed := time.Since(start)
	t.Logf("killed -9 after %d acknowledged messages (%d in all before the crash) in %v: %.0f msgs/s through the binary",
		atKill, firstRun, elapsed.Round(time.Millisecond), float64(firstRun)/elapsed.Seconds())
	if firstRun >= total {
		t.Fatal("every message was acknowledged before the kill: the test proves nothing")
	}

	// What the crash left (SQLite recovers its write-ahead log on open).
	// Messages committed whose 250 never reached the client are the
	// interesting ones: they are resent below and must not be stored twice.
	committed := storedIDs(t, dbURL)
	inFlight := 0
	for id := range committed {
		var n int
		fmt.Sscanf(id, "crash-%d@", &n)
		if !acked[n].Load() {
			inFlight++
		}
	}
	t.Logf("after the crash: %d messages in the database, %d of them never acknowledged", len(committed), inFlight)
	for i := range acked {
		if acked[i].Load() && committed[fmt.Sprintf("crash-%d@mail.example.com", i)] == 0 {
			t.Errorf("message %d was acknowledged but is not in the database after the crash", i)
		}
	}

	// Resend what got no 250, as the senders' MTAs would, and one in ten of
	// the acknowledged ones too, as if their 250 had been lost on the way.
	var resend []int
	for i := range acked {
		if !acked[i].Load() || i%10 == 0 {
			resend = append(resend, i)
		}
	}
	srv = startServer(t, bin, dbURL, httpAddr, smtpAddr)
	deliverAll(smtpAddr, resend, conns, acked, &sent, nil)
	srv.cmd.Process.Signal(syscall.SIGTERM)
	if err := srv.cmd.Wait(); err != nil {
		t.Errorf("calmdesk serve after SIGTERM: %v\n%s", err, srv.stderr)
	}
	t.Logf("resent %d messages after the restart; %v in all", len(resend), time.Since(start).Round(time.Millisecond))

	counts := storedIDs(t, dbURL)
	lost, missing := 0, 0
	for i := range total {
		id := fmt.Sprintf("crash-%d@mail.example.com", i)
		switch {
		case counts[id] > 1:
			t.Errorf("%s stored %d times", id, counts[id])
		case counts[id] == 0 && acked[i].Load():
			lost++
		case counts[id] == 0:
			missing++
		}
	}
	if lost > 0 || missing > 0 || len(counts) != total {
		t.Errorf("%d acknowledged messages lost, %d never acknowledged; %d distinct stored, want %d", lost, missing, len(counts), total)
	}
	if t.Failed() {
		os.Stderr.Write(srv.stderr.Bytes())
	}
}

// storedIDs counts the stored messages by external id, opening the
// database as the next start of calmdesk would.
func storedIDs(t *testing.T, dbURL string) map[string]int {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Read().QueryContext(ctx, `SELECT external_id FROM messages WHERE external_id LIKE 'crash-%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts := map[string]int{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		counts[id]++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return counts
}
