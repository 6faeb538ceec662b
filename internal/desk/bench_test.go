package desk_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

var benchTexts = []string{
	"This is the third time I write. You charged me twice for order %d and nobody answers. Fix it NOW!!!",
	"Hi, could you tell me when order %d will ship? Thanks a lot.",
	"I want to speak to your manager. Order %d was cancelled without notice and I was still charged $49.99.",
	"The blender from order %d arrived broken and I'm really disappointed. Can you send a replacement?",
}

// BenchmarkIngest stores messages from 16 concurrent callers, with analysis,
// and reports messages/s and the 99th-percentile latency.
func BenchmarkIngest(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db := storetest.Open(b, engine)
			d := desk.New(db, desk.Options{Analyzer: testAnalyzer})
			ctx := context.Background()
			var seq atomic.Int64
			var mu sync.Mutex
			var lat []time.Duration
			b.SetParallelism(8) // 8 × GOMAXPROCS callers
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				var mine []time.Duration
				for pb.Next() {
					i := seq.Add(1)
					t0 := time.Now()
					_, err := d.Ingest(ctx, desk.InboundMessage{
						CustomerEmail: fmt.Sprintf("c%d@example.com", i%2000),
						Subject:       fmt.Sprintf("Order %d", i),
						Text:          fmt.Sprintf(benchTexts[i%int64(len(benchTexts))], i),
						ExternalID:    fmt.Sprintf("bench-%d", i),
					})
					if err != nil {
						b.Error(err)
						return
					}
					mine = append(mine, time.Since(t0))
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			})
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(lat)
			if len(lat) > 0 {
				b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "msgs/s")
				b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
				b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
			}
		})
	}
}

// BenchmarkSweep measures the timer pass over a large desk: 100,000 cases
// waiting, 10,000 open promises not yet due (the common state), on each
// engine. Seeding goes straight to SQL so it takes seconds, not minutes.
func BenchmarkSweep(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			db := storetest.Open(b, engine)
			ctx := context.Background()
			now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			seedLargeDesk(b, db, now, 100_000, 10_000)
			d := desk.New(db, desk.Options{Analyzer: testAnalyzer, Now: func() time.Time { return now }})
			if _, err := d.Sweep(ctx); err != nil { // the first pass re-ranks the backlog once
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := d.Sweep(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func seedLargeDesk(b *testing.B, db *store.DB, now time.Time, cases, promises int) {
	b.Helper()
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers (email, name, contact_count, first_contact_at, last_contact_at) VALUES ('bulk@example.com', 'Bulk', 1, $1, $1)`, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (email, name, role, created_at) VALUES ('bulk-agent@example.com', 'Agent', 'agent', $1)`, now); err != nil {
			return err
		}
		for i := range cases {
			at := now.Add(-time.Duration(i%600) * time.Minute)
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO cases (customer_id, subject, status, priority, anger_first, anger_latest, anger_peak, inbound_count, created_at, updated_at, last_inbound_at, first_response_due_at, resolution_due_at)
				 VALUES (1, 'bulk', 'open', $1, $1, $1, $1, 1, $2, $2, $2, $3, $4)`,
				i%100, at, at.Add(72*time.Hour), at.Add(240*time.Hour)); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages (case_id, direction, channel, raw_text, clean_text, created_at) VALUES (1, 'outbound', 'api', 'x', 'x', $1)`, now); err != nil {
			return err
		}
		for i := range promises {
			if _, err := tx.ExecContext(ctx,
				`INSERT INTO commitments (case_id, message_id, owner_user_id, action, due_at, vague, status, created_at) VALUES ($1, 1, 1, 'refund', $2, $3, 'open', $4)`,
				1+i%cases, now.Add(time.Duration(72+i%500)*time.Hour), false, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}
