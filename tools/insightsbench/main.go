// Command insightsbench measures the insights queries on a large desk.
// It fills a fresh SQLite (or PostgreSQL) database with synthetic cases —
// customer messages read by the real analyzer, replies reviewed by the
// real coach, promises, surveys, escalations, reopens and goodwill, spread
// over a year — then times the summary, the problems list and a 90-day
// trend, and prints p50/p95 and the heap they used.
//
//	go run ./tools/insightsbench -db sqlite:/tmp/insights/bench.db -cases 100000
//
// A database that already holds cases is measured as it is (-cases is
// ignored), so a generated desk can be measured again after a change.
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
)

// end is the desk's "now": the generated year ends here.
var end = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

func main() {
	dbURL := flag.String("db", "sqlite:/tmp/insights/bench.db", "database URL")
	nCases := flag.Int("cases", 100000, "cases to generate (each with 3 customer messages and 2 replies)")
	days := flag.Int("days", 365, "days the cases are spread over, ending "+end.Format(time.DateOnly))
	runs := flag.Int("runs", 20, "timed runs of each query")
	explain := flag.Bool("explain", false, "print the SQLite query plan of the case query")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed runs here")
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
		if err := generate(ctx, db, *nCases, *days); err != nil {
			fail(err)
		}
		fmt.Printf("generated %d cases, %d messages in %s\n", *nCases, 5**nCases, time.Since(t0).Round(time.Second))
	} else {
		fmt.Printf("measuring the %d cases already in the database\n", have)
	}
	var msgs int
	_ = db.Read().QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&msgs)
	in := insights.New(db, insights.Options{Now: func() time.Time { return end }})
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
		{"summary, 7 days", func() (int, error) { s, err := in.Summary(ctx, week, insights.Filter{}); return s.Cases, err }},
		{"problems, 7 days", func() (int, error) { p, err := in.Problems(ctx, week, insights.Filter{}); return len(p), err }},
		{"trend, 90 days", func() (int, error) {
			t, err := in.Trend(ctx, quarter, insights.Filter{})
			n := 0
			for _, b := range t {
				n += b.Cases
			}
			return n, err
		}},
		{"summary, 90 days", func() (int, error) { s, err := in.Summary(ctx, quarter, insights.Filter{}); return s.Cases, err }},
		{"similar, one case", func() (int, error) {
			var id int64
			if err := db.Read().QueryRowContext(ctx, `SELECT max(id) FROM cases WHERE status = 'open'`).Scan(&id); err != nil {
				return 0, err
			}
			s, err := in.Similar(ctx, desk.User{ID: 1, Role: desk.RoleAgent}, id, 3)
			return s.Resolved, err
		}},
	} {
		measure(q.name, *runs, q.run)
	}
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
	slices.Sort(times)
	q := func(p float64) time.Duration {
		return times[min(len(times)-1, int(p*float64(len(times))))].Round(time.Millisecond)
	}
	fmt.Printf("%-18s n=%-7d p50 %-8s p95 %-8s max %-8s cpu/run %-8s heap peak %d MB\n", name, n, q(0.5), q(0.95),
		times[len(times)-1].Round(time.Millisecond), cpu.Round(time.Millisecond), peak.Load()>>20)
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

// The synthetic desk's words. Problems recur ("promo code %s", the
// courier, the app) with varying details so the clustering has work to do.
var (
	firsts = []string{
		"Your promo code %s doesn't work at checkout. I tried three times.",
		"This is the third time I write. You charged me twice for order %d and nobody answers. Fix it NOW!!!",
		"Where is my parcel? The tracking page for order %d has not moved since Friday.",
		"The courier left the box for order %d in the rain and the lamp is wet.",
		"My refund for the returned kettle (order %d) has not arrived yet.",
		"Your app crashes when I open the wishlist on my tablet, version %d.",
		"I want to speak to your manager. Order %d was cancelled without notice and I was still charged.",
		"The invoice for order %d shows the wrong company name.",
		"The blender from order %d arrived broken and I'm really disappointed. Can you send a replacement?",
		"My loyalty points from order %d are missing from the balance.",
		"I've been waiting three weeks for my refund on order %d. This is unacceptable, I will post a review everywhere.",
		"How do I change the delivery address for order %d?",
	}
	codes     = []string{"WINTER24", "SPRING10", "WELCOME5", "FREESHIP", "BLACKFRIDAY"}
	followups = []string{
		"Still nothing. This is ridiculous, I am done waiting for you people.",
		"Thank you, that helps a lot. Have a nice day.",
		"OK, I will wait for the refund then.",
		"Thanks, everything works now!",
	}
	replies = []string{
		"I'm sorry about this, %s. I have refunded the duplicate charge just now; you will see it within 3 business days.",
		"Thanks for writing. I will check the tracking with the courier and get back to you by tomorrow 5pm.",
		"Hi %s, we received your message.",
		"I understand how frustrating this is. I have sent a replacement today and you'll get the tracking number by email.",
	}
	categories = []string{"billing", "shipping", "refunds", "product", "account", "app", "promotions", ""}
	channels   = []string{"email", "chat", "web"}
)

func read(a *analyze.Analyzer, text string) []byte {
	r, err := a.Read(text)
	if err != nil {
		fail(err)
	}
	b, _ := json.Marshal(r)
	return b
}

func generate(ctx context.Context, db *store.DB, n, days int) error {
	rng := rand.New(rand.NewPCG(12, 5))
	a := analyze.Default()
	// Every first message variant read once: 12 templates × 40 details.
	firstText := map[int][]string{}
	firstRead := map[int][][]byte{}
	for i, f := range firsts {
		for v := range 40 {
			var text string
			if strings.Contains(f, "%s") {
				text = fmt.Sprintf(f, codes[v%len(codes)])
			} else {
				text = fmt.Sprintf(f, 4000+v*37)
			}
			firstText[i] = append(firstText[i], text)
			firstRead[i] = append(firstRead[i], read(a, text))
		}
	}
	var follow [][]byte
	for _, f := range followups {
		follow = append(follow, read(a, f))
	}
	co := coach.New(nil)
	var reviews [][]byte
	for _, r := range replies {
		text := strings.ReplaceAll(r, "%s", "Dana")
		rv, err := co.Review(text, coach.Context{CustomerName: "Dana Reyes"})
		if err != nil {
			return err
		}
		b, _ := json.Marshal(rv)
		reviews = append(reviews, b)
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		for i := 1; i <= 20; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, created_at) VALUES ($1, $2, 'agent', $3)`,
				fmt.Sprintf("agent%d@bench.test", i), fmt.Sprintf("Agent %d", i), end.AddDate(-1, 0, 0)); err != nil {
				return err
			}
		}
		// Rows are written with their ids, so messages and promises can
		// name them; PostgreSQL's identity columns must be told so.
		ov := ""
		if db.Engine == store.Postgres {
			ov = " OVERRIDING SYSTEM VALUE"
		}
		customers := max(1, n/3)
		stmt := func(q string) *sql.Stmt {
			s, err := tx.PrepareContext(ctx, q)
			if err != nil {
				fail(err)
			}
			return s
		}
		cust := stmt(`INSERT INTO customers (id, email, tier, first_contact_at, last_contact_at)` + ov + ` VALUES ($1, $2, $3, $4, $4)`)
		for i := 1; i <= customers; i++ {
			tier := "standard"
			if i%20 == 0 {
				tier = "vip"
			}
			if _, err := cust.ExecContext(ctx, i, fmt.Sprintf("c%d@bench.test", i), tier, end.AddDate(0, 0, -days)); err != nil {
				return err
			}
		}
		caseIns := stmt(`INSERT INTO cases (id, customer_id, subject, status, assignee_id, category, channel, created_at, updated_at,
		  first_response_due_at, first_responded_at, resolution_due_at, resolved_at)` + ov + ` VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11, $12)`)
		msgIns := stmt(`INSERT INTO messages (id, case_id, direction, channel, author_user_id, customer_id, raw_text, clean_text, reading, review, created_at)` + ov + `
		  VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9, $10)`)
		promIns := stmt(`INSERT INTO commitments (case_id, message_id, owner_user_id, action, due_at, status, created_at, closed_at) VALUES ($1, $2, $3, 'refund', $4, $5, $6, $7)`)
		survIns := stmt(`INSERT INTO surveys (case_id, token_hash, status, due_at, sent_at, answered_at, score, created_at) VALUES ($1, $2, $3, $4, $4, $5, $6, $4)`)
		escIns := stmt(`INSERT INTO escalations (case_id, rule, reason, created_at) VALUES ($1, $2, 'bench', $3)`)
		audIns := stmt(`INSERT INTO audit_events (at, actor, case_id, action) VALUES ($1, 'system', $2, 'case.reopened')`)
		gwIns := stmt(`INSERT INTO goodwill (case_id, kind, amount_cents, currency, status, requested_by, created_at) VALUES ($1, 'credit', $2, 'EUR', 'approved', 1, $3)`)
		span := time.Duration(days) * 24 * time.Hour
		mid := int64(0)
		for id := 1; id <= n; id++ {
			at := end.Add(-span + time.Duration(float64(span)*float64(id-1)/float64(n))).Truncate(time.Second)
			t := rng.IntN(len(firsts))
			v := rng.IntN(40)
			agent := 1 + rng.IntN(20)
			status := "resolved"
			var resolved any = at.Add(6 * time.Hour)
			if rng.IntN(10) >= 8 {
				status, resolved = "open", nil
			}
			firstReply := at.Add(time.Duration(10+rng.IntN(120)) * time.Minute)
			if _, err := caseIns.ExecContext(ctx, id, 1+rng.IntN(customers), firstText[t][v][:min(60, len(firstText[t][v]))], status, agent,
				categories[t%len(categories)], channels[rng.IntN(3)], at, at.Add(time.Hour), firstReply, at.Add(24*time.Hour), resolved); err != nil {
				return err
			}
			f := rng.IntN(len(follow))
			r1, r2 := rng.IntN(len(reviews)), rng.IntN(len(reviews))
			for k, m := range []struct {
				dir     string
				text    string
				reading []byte
				review  []byte
				at      time.Time
			}{
				{"inbound", firstText[t][v], firstRead[t][v], nil, at},
				{"outbound", replies[r1], nil, reviews[r1], firstReply},
				{"inbound", followups[f], follow[f], nil, at.Add(3 * time.Hour)},
				{"outbound", replies[r2], nil, reviews[r2], at.Add(4 * time.Hour)},
				{"inbound", followups[1], follow[1], nil, at.Add(5 * time.Hour)},
			} {
				mid++
				var author, customer, reading, review any
				if m.dir == "inbound" {
					customer, reading = 1, string(m.reading)
				} else {
					author, review = agent, string(m.review)
				}
				if _, err := msgIns.ExecContext(ctx, mid, id, m.dir, "email", author, customer, m.text, reading, review, m.at); err != nil {
					return err
				}
				if k == 1 && rng.IntN(10) < 3 { // a promise on the first reply
					due := at.Add(24 * time.Hour)
					status, closed := "kept", any(due.Add(-time.Hour))
					if rng.IntN(4) == 0 {
						status, closed = "broken", any(due.Add(time.Minute))
					}
					if _, err := promIns.ExecContext(ctx, id, mid, agent, due, status, firstReply, closed); err != nil {
						return err
					}
				}
			}
			if status == "resolved" && rng.IntN(10) < 4 {
				sent := at.Add(30 * time.Hour)
				if _, err := survIns.ExecContext(ctx, id, []byte(fmt.Sprintf("t%d", id)), "answered", sent, sent.Add(time.Hour), 1+rng.IntN(5)); err != nil {
					return err
				}
			}
			if rng.IntN(10) == 0 {
				if _, err := escIns.ExecContext(ctx, id, []string{"manual", "anger_not_falling", "signal:legal_threat"}[rng.IntN(3)], at.Add(time.Hour)); err != nil {
					return err
				}
			}
			if rng.IntN(33) == 0 {
				if _, err := audIns.ExecContext(ctx, at.Add(8*time.Hour), id); err != nil {
					return err
				}
			}
			if rng.IntN(20) == 0 {
				if _, err := gwIns.ExecContext(ctx, id, 500+rng.IntN(5000), at.Add(2*time.Hour)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "insightsbench:", err)
	os.Exit(1)
}
