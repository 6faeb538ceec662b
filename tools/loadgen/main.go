// Command loadgen measures calmdesk's ingest throughput and latency through
// the real HTTP API: it posts realistic customer messages from C concurrent
// clients for a fixed count or duration and prints messages/s and latency
// percentiles.
//
//	loadgen -url http://127.0.0.1:8080 -token cd_… -c 16 -n 20000
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

var texts = []string{
	"This is the third time I write. You charged me twice for order %d and nobody answers. Fix it NOW!!!",
	"Hi, could you tell me when order %d will ship? Thanks a lot.",
	"I want to speak to your manager. Order %d was cancelled without notice and I was still charged $49.99.",
	"The blender from order %d arrived broken and I'm really disappointed. Can you send a replacement?",
	"I've been waiting three weeks for my refund on order %d. This is unacceptable, I will post a review everywhere.",
	"Thanks for the quick help with order %d, everything works now!",
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "calmdesk base URL (loopback only)")
	token := flag.String("token", os.Getenv("CALMDESK_TOKEN"), "API token (or CALMDESK_TOKEN)")
	clients := flag.Int("c", 16, "concurrent clients")
	total := flag.Int("n", 10000, "messages to send")
	maxTime := flag.Duration("max", 2*time.Minute, "stop after this long even if fewer were sent")
	rate := flag.Float64("rate", 0, "steady load: start this many messages per second in all (0: each client sends as fast as it is answered)")
	getCase := flag.Int64("get", 0, "instead of posting messages, read case `ID` (GET /api/v1/cases/ID), the load of a case page")
	getQuery := flag.String("query", "", "with -get, the `QUERY` string of each read (e.g. include=messages)")
	slowest := flag.Int("slowest", 0, "print this many slowest requests, with when each started, to find what the tails line up with")
	flag.Parse()
	if *token == "" {
		fmt.Fprintln(os.Stderr, "loadgen: -token is required")
		os.Exit(2)
	}
	run := fmt.Sprintf("%d", time.Now().UnixNano())
	var next atomic.Int64
	var failures atomic.Int64
	latencies := make([][]time.Duration, *clients)
	type sample struct{ at, took time.Duration }
	samples := make([][]sample, *clients)
	// With -rate, request i is due at start + i/rate: a client that falls
	// behind sends at once (the latency then includes no queueing of ours).
	var interval time.Duration
	if *rate > 0 {
		interval = time.Duration(float64(time.Second) / *rate)
	}
	deadline := time.Now().Add(*maxTime)
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *clients}}
	start := time.Now()
	var wg sync.WaitGroup
	for c := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1)
				if i > int64(*total) || time.Now().After(deadline) {
					return
				}
				if interval > 0 {
					if wait := time.Until(start.Add(time.Duration(i-1) * interval)); wait > 0 {
						time.Sleep(wait)
					}
				}
				body, _ := json.Marshal(map[string]any{
					"customer":    map[string]any{"email": fmt.Sprintf("customer%d@example.com", i%5000), "name": "Load Test"},
					"subject":     fmt.Sprintf("Order %d", 1000+i),
					"text":        fmt.Sprintf(texts[i%int64(len(texts))], 1000+i),
					"channel":     "api",
					"external_id": fmt.Sprintf("loadgen-%s-%d", run, i),
				})
				req, _ := http.NewRequest("POST", *base+"/api/v1/messages", bytes.NewReader(body))
				want := http.StatusCreated
				if *getCase > 0 {
					req, _ = http.NewRequest("GET", fmt.Sprintf("%s/api/v1/cases/%d?%s", *base, *getCase, *getQuery), nil)
					want = http.StatusOK
				}
				req.Header.Set("Authorization", "Bearer "+*token)
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					failures.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != want {
					failures.Add(1)
					continue
				}
				latencies[c] = append(latencies[c], time.Since(t0))
				samples[c] = append(samples[c], sample{t0.Sub(start), time.Since(t0)})
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(latencies...)
	slices.Sort(all)
	if len(all) == 0 {
		fmt.Println("no successful requests")
		os.Exit(1)
	}
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	what := "messages"
	if *getCase > 0 {
		what = "case reads"
	}
	fmt.Printf("sent %d %s (%d failed) from %d clients in %.1fs: %.0f/s\n",
		len(all), what, failures.Load(), *clients, elapsed.Seconds(), float64(len(all))/elapsed.Seconds())
	fmt.Printf("latency p50 %v  p90 %v  p99 %v  max %v\n",
		pct(.50).Round(time.Microsecond), pct(.90).Round(time.Microsecond), pct(.99).Round(time.Microsecond), all[len(all)-1].Round(time.Microsecond))
	over := func(d time.Duration) int {
		return len(all) - sort.Search(len(all), func(i int) bool { return all[i] > d })
	}
	fmt.Printf("over 100 ms: %d, over 200 ms: %d, over 500 ms: %d, over 1 s: %d\n",
		over(100*time.Millisecond), over(200*time.Millisecond), over(500*time.Millisecond), over(time.Second))
	if *slowest > 0 {
		s := slices.Concat(samples...)
		slices.SortFunc(s, func(a, b sample) int { return int(b.took - a.took) })
		for _, x := range s[:min(*slowest, len(s))] {
			fmt.Printf("  %8.3fs into the run: %v\n", x.at.Seconds(), x.took.Round(time.Microsecond))
		}
	}
}
