// Command scalebench times the desk's hot read paths in process on a
// large generated desk (tools/gencases): every inbox view and filter of
// the case list (first page and a deep page), search, one case with its
// messages, the sweep, and prints p50/p99 and the CPU per call, and with
// -explain the SQLite query plans of the list queries.
//
//	go run ./tools/gencases -db sqlite:/tmp/million/desk.db -cases 1000000
//	go run ./tools/scalebench -db sqlite:/tmp/million/desk.db -runs 50
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/tools/internal/gendesk"
)

func main() {
	dbURL := flag.String("db", "sqlite:/tmp/million/desk.db", "database URL of a generated desk")
	runs := flag.Int("runs", 50, "timed runs of each operation")
	sweep := flag.Bool("sweep", true, "time the sweep too (it writes: promises, SLA escalations)")
	skip := flag.String("skip", "", "skip the operations whose name holds this (e.g. email)")
	migrate := flag.Bool("migrate", true, "migrate the database first (false: measure it as it is)")
	flag.Parse()
	ctx := context.Background()
	db, err := store.Open(ctx, *dbURL)
	if err != nil {
		fail(err)
	}
	defer db.Close()
	if *migrate {
		if _, err := db.Migrate(ctx); err != nil {
			fail(err)
		}
	}
	var n, maxID int64
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*), max(id) FROM cases`).Scan(&n, &maxID); err != nil {
		fail(err)
	}
	now := func() time.Time { return gendesk.End }
	d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: now})
	fmt.Printf("desk: %d cases (%s)\n", n, db.Engine)
	cursor := func(q desk.CaseQuery) string { // the cursor of page 40
		for range 39 {
			p, err := d.Cases(ctx, q)
			if err != nil || p.NextCursor == "" {
				return ""
			}
			q.Cursor = p.NextCursor
		}
		return q.Cursor
	}
	lists := []struct {
		name string
		q    desk.CaseQuery
	}{
		{"list: all open (default view)", desk.CaseQuery{}},
		{"list: status open", desk.CaseQuery{Status: desk.StatusOpen}},
		{"list: status resolved", desk.CaseQuery{Status: desk.StatusResolved}},
		{"list: mine (agent 7)", desk.CaseQuery{AssigneeID: 7}},
		{"list: mine, status open", desk.CaseQuery{AssigneeID: 7, Status: desk.StatusOpen}},
		{"list: unassigned", desk.CaseQuery{Unassigned: true}},
		{"list: category billing", desk.CaseQuery{Category: "billing"}},
		{"list: breaching", desk.CaseQuery{Breaching: true}},
		{"search: word", desk.CaseQuery{Search: "kettle"}},
		{"search: customer email", desk.CaseQuery{Search: "c4711@bench.test"}},
		{"search: part of an email", desk.CaseQuery{Search: "4711@bench"}},
		{"search: no match", desk.CaseQuery{Search: "zebra crossing"}},
		{"search: email, status resolved", desk.CaseQuery{Search: "c4711@bench.test", Status: desk.StatusResolved}},
		{"search: word, breaching", desk.CaseQuery{Search: "kettle", Breaching: true}},
		{"search: case number", desk.CaseQuery{Search: fmt.Sprintf("#%d", maxID/2)}},
	}
	for _, l := range lists {
		if *skip != "" && strings.Contains(l.name, *skip) {
			continue
		}
		q := l.q
		measure(l.name, *runs, func() error { _, err := d.Cases(ctx, q); return err })
		if q.Search == "" {
			q.Cursor = cursor(q)
			if q.Cursor != "" {
				measure(l.name+", page 40", *runs, func() error { _, err := d.Cases(ctx, q); return err })
			}
		}
	}
	i := int64(0)
	measure("case page data (one case)", *runs, func() error {
		i++
		_, err := d.Case(ctx, 1+(i*7919)%maxID)
		return err
	})
	if *sweep {
		measure("sweep", min(*runs, 5), func() error { _, err := d.Sweep(ctx); return err })
	}
}

func measure(name string, runs int, run func() error) {
	var times []time.Duration
	cpu0 := cpuTime()
	for range runs {
		t0 := time.Now()
		if err := run(); err != nil {
			fail(fmt.Errorf("%s: %w", name, err))
		}
		times = append(times, time.Since(t0))
	}
	cpu := (cpuTime() - cpu0) / time.Duration(runs)
	slices.Sort(times)
	q := func(p float64) time.Duration {
		return times[min(len(times)-1, int(p*float64(len(times))))].Round(10 * time.Microsecond)
	}
	fmt.Printf("%-42s p50 %-9s p99 %-9s cpu/call %s\n", name, q(0.5), q(0.99), cpu.Round(10*time.Microsecond))
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "scalebench:", err)
	os.Exit(1)
}
