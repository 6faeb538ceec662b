package jobs_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestKillNineDuringSweep is the sweep's promise under a crash: a desk
// whose clock-driven work piled up (promises past due, SLA targets missed
// on hundreds of cases) is swept by the calmdesk binary, which is killed
// with SIGKILL half-way through. Each thing the sweep does is one
// transaction with its audit event and notifications, so what the crash
// leaves is whole; after a restart the next sweep resumes at once (the
// killed job does not hold the queue's one-sweep-at-a-time slot) and does
// the rest, and in the end each promise was reminded and broken once and
// each SLA breach recorded once, with one audit event and the right
// notifications each. It runs on both engines.
func TestKillNineDuringSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and crashes the calmdesk binary; runs in the full suite")
	}
	bin := filepath.Join(t.TempDir(), "calmdesk")
	build := exec.Command("go", "build", "-o", bin, "github.com/calmdesk/calmdesk/cmd/calmdesk")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			db, dbURL := storetest.OpenURL(t, engine)
			killNineDuringSweep(t, bin, db, dbURL)
		})
	}
}

// sweepBacklog is how many cases the sweep finds overdue; every other one
// has a promise past its due time.
const sweepBacklog = 200

// pileUpWork fills the desk as it would be after ten days without a sweep.
func pileUpWork(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	tenDaysAgo := time.Now().Add(-10 * 24 * time.Hour)
	d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: func() time.Time { return tenDaysAgo }})
	agent, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "ana@calmdesk.test", Name: "Ana", Role: desk.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range sweepBacklog {
		res, err := d.Ingest(ctx, desk.InboundMessage{
			CustomerEmail: fmt.Sprintf("customer%d@example.com", i), CustomerName: "Dana Reyes", Channel: "email",
			Subject: fmt.Sprintf("Order %d", 4000+i), ExternalID: fmt.Sprintf("<sweep-%d@example.com>", i),
			Text: fmt.Sprintf("You charged me twice for order %d and nobody answers. I want my money back.", 4000+i),
		})
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			reply, err := d.Reply(ctx, agent, desk.ReplyInput{CaseID: res.CaseID,
				Text: "I'm sorry about the double charge. I will refund the second payment by tomorrow."})
			if err != nil {
				t.Fatal(err)
			}
			if len(reply.Promises) == 0 {
				t.Fatalf("the reply made no promise: %+v", reply)
			}
		}
	}
}

func killNineDuringSweep(t *testing.T, bin string, db *store.DB, dbURL string) {
	ctx := context.Background()
	pileUpWork(t, db)
	count := func(query string) int {
		t.Helper()
		var n int
		if err := db.Read().QueryRowContext(ctx, query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	promises := count(`SELECT count(*) FROM commitments WHERE status = 'open'`)
	const slaDone = `SELECT count(*) FROM audit_events WHERE action = 'sla.breach'`
	const brokenDone = `SELECT count(*) FROM audit_events WHERE action = 'promise.broken'`

	// Start sweeping and kill the binary when a fifth of the promises are
	// broken: in the middle of the sweep's second step.
	addr := freeAddr(t)
	srv := startServe(t, bin, dbURL, addr)
	deadline := time.Now().Add(60 * time.Second)
	for count(brokenDone) < promises/5 {
		if time.Now().After(deadline) {
			srv.kill()
			t.Fatalf("the sweep broke %d of %d promises in 60 s:\n%s", count(brokenDone), promises, srv.stderr)
		}
		time.Sleep(2 * time.Millisecond)
	}
	srv.kill()
	broken, breaches := count(brokenDone), count(slaDone)
	t.Logf("killed -9 after %d of %d promises broken and %d SLA breaches recorded", broken, promises, breaches)
	if broken == promises {
		t.Fatal("the sweep finished before the kill: the test proves nothing")
	}
	checkSweepEffects(t, db)

	// After a restart the sweep resumes and finishes.
	start := time.Now()
	srv = startServe(t, bin, dbURL, addr)
	defer srv.stop(t)
	deadline = time.Now().Add(90 * time.Second)
	for count(`SELECT count(*) FROM commitments WHERE status = 'open'`) > 0 || count(slaDone) < 2*sweepBacklog-sweepBacklog/2 {
		if time.Now().After(deadline) {
			t.Fatalf("90 s after the restart, %d promises are still open and %d SLA breaches recorded (want %d): the sweep did not resume\n%s",
				count(`SELECT count(*) FROM commitments WHERE status = 'open'`), count(slaDone), 2*sweepBacklog-sweepBacklog/2, srv.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("after the restart the sweep finished the rest in %v", time.Since(start).Round(time.Millisecond))
	// Let one more sweep run over the finished work: it must change nothing.
	before := count(`SELECT count(*) FROM audit_events`)
	sweeps := count(`SELECT count(*) FROM river_job WHERE kind = 'calmdesk.sweep' AND state = 'completed'`)
	for count(`SELECT count(*) FROM river_job WHERE kind = 'calmdesk.sweep' AND state = 'completed'`) < sweeps+2 {
		if time.Now().After(deadline) {
			t.Fatal("no further sweep completed")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if after := count(`SELECT count(*) FROM audit_events`); after != before {
		t.Errorf("a sweep over finished work wrote %d audit events", after-before)
	}
	checkSweepEffects(t, db)
	if n := count(`SELECT count(*) FROM river_job WHERE kind = 'calmdesk.sweep' AND attempt > 1`); n != 0 {
		t.Errorf("%d sweep jobs ran more than once", n)
	}
	if t.Failed() {
		os.Stderr.Write(srv.stderr.Bytes())
	}
}

// checkSweepEffects checks that every effect of the sweep happened at most
// once and whole: each broken promise with its one audit event and its two
// notifications (owner, supervisors), each reminder with its audit event
// and its notification, each SLA breach with its one audit event, the
// supervisors' notification and at most one to the assignee.
func checkSweepEffects(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	for _, c := range []struct{ what, query string }{
		{"promises broken without exactly one audit event",
			`SELECT count(*) FROM commitments c WHERE c.status = 'broken' AND (SELECT count(*) FROM audit_events a
			  WHERE a.action = 'promise.broken' AND a.case_id = c.case_id) <> (SELECT count(*) FROM commitments c2 WHERE c2.case_id = c.case_id AND c2.status = 'broken')`},
		{"promise.broken audit events for promises not broken",
			`SELECT count(*) FROM audit_events a WHERE a.action = 'promise.broken' AND NOT EXISTS
			  (SELECT 1 FROM commitments c WHERE c.case_id = a.case_id AND c.status = 'broken')`},
		{"cases whose promise_broken notifications are not two per broken promise",
			`SELECT count(*) FROM cases k WHERE (SELECT count(*) FROM notifications n WHERE n.case_id = k.id AND n.kind = 'promise_broken')
			  <> 2 * (SELECT count(*) FROM commitments c WHERE c.case_id = k.id AND c.status = 'broken')`},
		{"cases whose reminders are not one per reminded promise",
			`SELECT count(*) FROM cases k WHERE (SELECT count(*) FROM audit_events a WHERE a.case_id = k.id AND a.action = 'promise.due')
			  <> (SELECT count(*) FROM commitments c WHERE c.case_id = k.id AND c.reminded_at IS NOT NULL)
			  OR (SELECT count(*) FROM notifications n WHERE n.case_id = k.id AND n.kind = 'promise_due')
			  <> (SELECT count(*) FROM commitments c WHERE c.case_id = k.id AND c.reminded_at IS NOT NULL)`},
		{"cases whose SLA breaches, audit events and supervisors' notifications differ",
			`SELECT count(*) FROM cases k WHERE (SELECT count(*) FROM sla_events s WHERE s.case_id = k.id AND s.stage = 'breach')
			  <> (SELECT count(*) FROM audit_events a WHERE a.case_id = k.id AND a.action = 'sla.breach')
			  OR (SELECT count(*) FROM sla_events s WHERE s.case_id = k.id AND s.stage = 'breach')
			  <> (SELECT count(*) FROM notifications n WHERE n.case_id = k.id AND n.kind = 'sla_breach' AND n.role = 'supervisor')
			  OR (SELECT count(*) FROM sla_events s WHERE s.case_id = k.id AND s.stage = 'breach')
			  < (SELECT count(*) FROM notifications n WHERE n.case_id = k.id AND n.kind = 'sla_breach' AND n.user_id IS NOT NULL)`},
		{"cases with more than one breach of a target",
			`SELECT count(*) FROM (SELECT case_id, target FROM sla_events WHERE stage = 'breach' GROUP BY case_id, target HAVING count(*) > 1) x`},
	} {
		var n int
		if err := db.Read().QueryRowContext(ctx, c.query).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}
}

// serveProcess is a `calmdesk serve` child process sweeping every second.
type serveProcess struct {
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func startServe(t *testing.T, bin, dbURL, addr string) *serveProcess {
	t.Helper()
	s := &serveProcess{stderr: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "--database-url", dbURL, "--log-level", "warn", "--public-url", "http://"+addr,
		"serve", "--addr", addr, "--sweep-every", "1s", "--learn-every", "0")
	s.cmd.Stdout, s.cmd.Stderr = s.stderr, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			s.kill()
			t.Fatalf("calmdesk serve was not ready on %s in 30 s:\n%s", addr, s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *serveProcess) kill() {
	_ = s.cmd.Process.Signal(syscall.SIGKILL)
	_ = s.cmd.Wait()
}

func (s *serveProcess) stop(t *testing.T) {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	if err := s.cmd.Wait(); err != nil {
		t.Errorf("calmdesk serve after SIGTERM: %v\n%s", err, s.stderr)
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
