// Command loadmix puts a mixed, steady workload on a running calmdesk
// through its real HTTP API, as a desk at work would: customers' messages
// arrive (ingest), agents list the inbox, open cases, reply (each reply is
// reviewed by the coach and its promises tracked) and ask the coach, while
// browsers hold live event streams (GET /events on a session). Requests
// arrive at a fixed rate whether or not the server keeps up (an open loop,
// so a slow server shows as latency, not as a politely slower client).
//
// It prints, per route, the count, errors and latency percentiles, and
// samples the server's memory from /metrics over the run (and from
// /proc/PID when -pid is given), so growth shows.
//
//	loadmix -url http://127.0.0.1:8080 -token cd_… -email agent@x -password … \
//	        -rate 25 -duration 10m -sse 10 [-record requests.jsonl]
//
// The exit status is 1 when any request failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	cfg := config{}
	flag.StringVar(&cfg.base, "url", "http://127.0.0.1:8080", "calmdesk base URL")
	flag.StringVar(&cfg.token, "token", os.Getenv("CALMDESK_TOKEN"), "API token of an agent (or CALMDESK_TOKEN)")
	flag.StringVar(&cfg.email, "email", "", "the agent's email, to sign in for the event streams")
	flag.StringVar(&cfg.password, "password", os.Getenv("CALMDESK_PASSWORD"), "the agent's password (or CALMDESK_PASSWORD)")
	flag.Float64Var(&cfg.rate, "rate", 25, "API requests per second, all routes together")
	flag.DurationVar(&cfg.duration, "duration", time.Minute, "how long to run")
	flag.IntVar(&cfg.sse, "sse", 10, "live event streams held open (needs -email and -password)")
	mix := flag.String("mix", "ingest=30,list=25,get=25,reply=10,coach=10", "share of each operation")
	flag.DurationVar(&cfg.timeout, "timeout", 30*time.Second, "a request taking longer than this fails")
	flag.IntVar(&cfg.maxInFlight, "max-inflight", 512, "requests in flight at most; beyond, a due request is counted as dropped")
	flag.DurationVar(&cfg.sampleEvery, "sample", 15*time.Second, "how often the server's memory is sampled")
	flag.IntVar(&cfg.pid, "pid", 0, "the server's process id, to read its RSS from /proc too")
	flag.BoolVar(&cfg.timeline, "timeline", false, "print successes and failures per second (for fault runs)")
	flag.StringVar(&cfg.record, "record", "", "write one JSON line per request to this file: when it was sent, the route, status, error, and for an acknowledged ingest its external_id, case_id and message_id")
	flag.Parse()
	if cfg.token == "" {
		fail("-token is required")
	}
	if cfg.sse > 0 && (cfg.email == "" || cfg.password == "") {
		fail("-sse needs -email and -password (or -sse 0)")
	}
	var err error
	if cfg.mix, err = parseMix(*mix); err != nil {
		fail(err.Error())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := run(ctx, cfg)
	if err != nil {
		fail(err.Error())
	}
	res.print(os.Stdout, cfg)
	if res.failed() {
		os.Exit(1)
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "loadmix:", msg)
	os.Exit(2)
}

// parseMix reads "ingest=30,list=25" into weights.
func parseMix(s string) (map[string]int, error) {
	out := map[string]int{}
	for part := range strings.SplitSeq(s, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(part), "=")
		var n int
		if _, err := fmt.Sscanf(w, "%d", &n); !ok || err != nil || n < 0 {
			return nil, fmt.Errorf("-mix: %q is not name=weight", part)
		}
		if _, known := operations[name]; !known {
			return nil, fmt.Errorf("-mix: unknown operation %q", name)
		}
		out[name] = n
	}
	return out, nil
}
