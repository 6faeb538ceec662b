// Command insightsbench measures the insights queries on a large desk.
// It fills a fresh SQLite (or PostgreSQL) database with synthetic cases —
// the generator of tools/gencases (tools/internal/gendesk): customer
// messages read by the real analyzer, replies reviewed by the real coach,
// promises, surveys, escalations, reopens and goodwill, spread over a
// year — then times the summary, the problems list and a 90-day
// trend, and prints the first run, p50/p95, CPU per run, the heap they
// used and the process's peak resident memory. With -cold every run is
// on a new Insights, nothing in memory: the first request after a start;
// -warm first fills the stored days as the periodic insights job does.
//
//	go run ./tools/insightsbench -db sqlite:/tmp/insights/bench.db -cases 100000
//
// A database that already holds cases is measured as it is (-cases is
// ignored), so a generated desk can be measured again after a change.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/tools/internal/gendesk"
)

// end is the desk's "now": the generated year ends here.
var end = gendesk.End

func main() {
	dbURL := flag.String("db", "sqlite:/tmp/insights/bench.db", "database URL")
	nCases := flag.Int("cases", 100000, "cases to generate (each with 3 customer messages and 2 replies)")
	days := flag.Int("days", 365, "days the cases are spread over, ending "+end.Format(time.DateOnly))
	runs := flag.Int("runs", 20, "timed runs of each query")
	explain := flag.Bool("explain", false, "print the SQLite query plan of the case query")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed runs here")
	only := flag.String("only", "", "time only the queries whose name holds this (e.g. problems)")
	cold := flag.Bool("cold", false, "run every query on a new Insights, with nothing in memory: the first request after a start")
	warmFirst := flag.Bool("warm", false, "first run Insights.Warm, as the periodic insights job does after a start, and print its time")
	flag.Parse()
	ctx := context.Background()
	db, err := store.Open(ctx, *dbURL)
	if err != nil {
		fail(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		fail(err)
	}
	var have int
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM cases`).Scan(&have); err != nil {
		fail(err)
	}
	if have == 0 {
		t0 := time.Now()
		msgs, err := gendesk.Generate(ctx, db, gendesk.Options{Cases: *nCases, Days: *days})
		if err != nil {
			fail(err)
		}
		fmt.Printf("generated %d cases, %d messages in %s\n", *nCases, msgs, time.Since(t0).Round(time.Second))
	} else {
		fmt.Printf("measuring the %d cases already in the database\n", have)
	}
	var msgs int
	_ = db.Read().QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&msgs)
	warm := insights.New(db, insights.Options{Now: func() time.Time { return end }})
	ins := func() *insights.Insights {
		if *cold {
			return insights.New(db, insights.Options{Now: func() time.Time { return end }})
		}
		return warm
	}
	week := insights.Period{From: end.AddDate(0, 0, -7), To: end.AddDate(0, 0, -1)}
	quarter := insights.Period{From: end.AddDate(0, 0, -90), To: end.AddDate(0, 0, -1)}
	if *explain && db.Engine == store.SQLite {
		plan(ctx, db, `SELECT c.id FROM cases c JOIN customers cu ON cu.id = c.customer_id LEFT JOIN users u ON u.id = c.assignee_id
		  WHERE c.created_at >= ? AND c.created_at < ?`, week.Start(), week.End())
		plan(ctx, db, `SELECT m.case_id, m.created_at, m.reading FROM messages m JOIN cases c ON c.id = m.case_id JOIN customers cu ON cu.id = c.customer_id
		  LEFT JOIN users u ON u.id = c.assignee_id WHERE c.created_at >= ? AND c.created_at < ? AND m.direction = 'inbound'`, week.Start(), week.End())
	}
	if have == 0 {
		have = *nCases
	}
	fmt.Printf("desk: %d cases, %d messages (%s)\n", have, msgs, db.Engine)
	if *warmFirst {
		t0, cpu0 := time.Now(), cpuTime()
		if err := insights.New(db, insights.Options{Now: func() time.Time { return end }}).Warm(ctx); err != nil {
			fail(err)
		}
		fmt.Printf("warm (%d days) %s, cpu %s\n", insights.WarmDays, time.Since(t0).Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond))
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fail(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fail(err)
		}
		defer pprof.StopCPUProfile()
	}
	for _, q := range []struct {
		name string
		run  func() (int, error)
	}{
		{"summary, 7 days", func() (int, error) { s, err := ins().Summary(ctx, week, insights.Filter{}); return s.Cases, err }},
		{"problems, 7 days", func() (int, error) { p, err := ins().Problems(ctx, week, insights.Filter{}); return len(p), err }},
		{"trend, 90 days", func() (int, error) {
			t, err := ins().Trend(ctx, quarter, insights.Filter{})
			n := 0
			for _, b := range t {
				n += b.Cases
			}
			return n, err
		}},
		{"summary, 90 days", func() (int, error) { s, err := ins().Summary(ctx, quarter, insights.Filter{}); return s.Cases, err }},
		{"similar, one case", func() (int, error) {
			var id int64
			if err := db.Read().QueryRowContext(ctx, `SELECT max(id) FROM cases WHERE status = 'open'`).Scan(&id); err != nil {
				return 0, err
			}
			s, err := ins().Similar(ctx, desk.User{ID: 1, Role: desk.RoleAgent}, id, 3)
			return s.Resolved, err
		}},
	} {
		if !strings.Contains(q.name, *only) {
			continue
		}
		measure(q.name, *runs, q.run)
	}
	fmt.Printf("peak resident (VmHWM) %s\n", peakRSS())
}

// peakRSS is the process's peak resident memory, from /proc (Linux).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

func measure(name string, runs int, run func() (int, error)) {
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() { // sample the heap while the queries run
		var ms runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()
	var times []time.Duration
	n := 0
	cpu0 := cpuTime()
	for range runs {
		t0 := time.Now()
		got, err := run()
		if err != nil {
			fail(err)
		}
		times = append(times, time.Since(t0))
		n = got
	}
	cpu := (cpuTime() - cpu0) / time.Duration(runs)
	close(stop)
	first := times[0]
	slices.Sort(times)
	q := func(p float64) time.Duration {
		return times[min(len(times)-1, int(p*float64(len(times))))].Round(time.Millisecond)
	}
	fmt.Printf("%-18s n=%-7d 1st %-8s p50 %-8s p95 %-8s max %-8s cpu/run %-8s heap peak %d MB\n", name, n, first.Round(time.Millisecond),
		q(0.5), q(0.95), times[len(times)-1].Round(time.Millisecond), cpu.Round(time.Millisecond), peak.Load()>>20)
}

// cpuTime is the CPU time this process has used (user and system): on a
// machine shared with other work it shows what the queries cost when
// their wall time includes waiting for a core.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func plan(ctx context.Context, db *store.DB, q string, args ...any) {
	rows, err := db.Read().QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		fail(err)
	}
	defer rows.Close()
	fmt.Println("plan:", strings.Join(strings.Fields(q), " ")[:80], "…")
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			fail(err)
		}
		fmt.Println("   ", detail)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "insightsbench:", err)
	os.Exit(1)
}
