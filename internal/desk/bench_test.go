package desk_test

import (
	"context"
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
			}
		})
	}
}
