// Command gencases fills an empty desk database with synthetic cases,
// straight into the database (SQLite or PostgreSQL), for measuring the
// desk at scale:
//
//	go run ./tools/gencases -db sqlite:/tmp/million/desk.db -cases 1000000 -messages 5000000
//
// The cases are spread over -days ending 2026-12-01, with customers (one
// for every three cases), categories, channels, SLA targets, customer
// messages with the analyzer's stored readings, replies with the coach's
// reviews, promises, surveys, escalations, reopens and goodwill
// (tools/internal/gendesk). It prints its speed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/tools/internal/gendesk"
)

func main() {
	dbURL := flag.String("db", "sqlite:/tmp/million/desk.db", "database URL (an empty database)")
	cases := flag.Int("cases", 100000, "cases to generate")
	messages := flag.Int("messages", 0, "messages in all (default 5 per case); customer messages and replies alternate")
	days := flag.Int("days", 365, "days the cases are spread over")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile here")
	flag.Parse()
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
	if have > 0 {
		fail(fmt.Errorf("the database already holds %d cases; give an empty one", have))
	}
	per := 5
	if *messages > 0 {
		per = max(1, (*messages+*cases-1) / *cases)
	}
	t0 := time.Now()
	last := t0
	msgs, err := gendesk.Generate(ctx, db, gendesk.Options{Cases: *cases, Messages: per, Days: *days,
		Progress: func(n int) {
			if time.Since(last) > 10*time.Second {
				last = time.Now()
				el := time.Since(t0)
				fmt.Printf("%d cases in %s (%.0f cases/s)\n", n, el.Round(time.Second), float64(n)/el.Seconds())
			}
		}})
	if err != nil {
		fail(err)
	}
	el := time.Since(t0)
	fmt.Printf("generated %d cases, %d messages in %s: %.0f cases/s, %.0f messages/s (%s)\n",
		*cases, msgs, el.Round(time.Second), float64(*cases)/el.Seconds(), float64(msgs)/el.Seconds(), db.Engine)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gencases:", err)
	os.Exit(1)
}
