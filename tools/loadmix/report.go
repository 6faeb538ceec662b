package main

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"sync"
	"time"
)

// result gathers the samples of a run by operation.
type result struct {
	mu      sync.Mutex
	start   time.Time
	elapsed time.Duration
	byOp    map[string][]sample
	dropped map[string]int
	memory  []memSample
	streams *streamStats
}

func newResult(names []string) *result {
	r := &result{byOp: map[string][]sample{}, dropped: map[string]int{}}
	for _, n := range names {
		r.byOp[n] = nil
	}
	return r
}

func (r *result) add(op string, s sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byOp[op] = append(r.byOp[op], s)
}

func (r *result) drop(op string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.dropped[op]++
}

// failed reports whether anything went wrong: a failed or dropped request,
// or a live stream that could not connect.
func (r *result) failed() bool {
	for _, ss := range r.byOp {
		for _, s := range ss {
			if s.err != "" {
				return true
			}
		}
	}
	for _, n := range r.dropped {
		if n > 0 {
			return true
		}
	}
	return r.streams != nil && len(r.streams.failures) > 0
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(p*float64(len(sorted))))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond)) }

func mib(b float64) string { return fmt.Sprintf("%.1f", b/(1<<20)) }

// print writes the report as Markdown tables, ready for docs/reliability.md.
func (r *result) print(out io.Writer, cfg config) {
	ops := make([]string, 0, len(r.byOp))
	for op := range r.byOp {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return operations[ops[i]].route < operations[ops[j]].route })
	total, failures, dropped := 0, 0, 0
	var all []time.Duration
	fmt.Fprintf(out, "loadmix: %.0f req/s for %v (ran %v), %d event streams, against %s\n\n",
		cfg.rate, cfg.duration, r.elapsed.Round(time.Second), cfg.sse, cfg.base)
	fmt.Fprintln(out, "| route | requests | errors | p50 ms | p90 ms | p99 ms | max ms |")
	fmt.Fprintln(out, "|---|---:|---:|---:|---:|---:|---:|")
	reasons := map[string]int{}
	for _, op := range ops {
		ss := r.byOp[op]
		lat := make([]time.Duration, 0, len(ss))
		errs := 0
		for _, s := range ss {
			lat = append(lat, s.latency)
			if s.err != "" {
				errs++
				reasons[op+": "+s.err]++
			}
		}
		slices.Sort(lat)
		all = append(all, lat...)
		total += len(ss)
		failures += errs
		dropped += r.dropped[op]
		fmt.Fprintf(out, "| `%s` | %d | %d | %s | %s | %s | %s |\n", operations[op].route, len(ss), errs+r.dropped[op],
			ms(pct(lat, .50)), ms(pct(lat, .90)), ms(pct(lat, .99)), ms(pct(lat, 1)))
	}
	slices.Sort(all)
	fmt.Fprintf(out, "| all | %d | %d | %s | %s | %s | %s |\n\n", total, failures+dropped,
		ms(pct(all, .50)), ms(pct(all, .90)), ms(pct(all, .99)), ms(pct(all, 1)))
	rate := 0.0
	if total > 0 {
		rate = float64(failures+dropped) / float64(total+dropped)
	}
	fmt.Fprintf(out, "error rate %.4f%% (%d failed, %d dropped for want of capacity, of %d due); achieved %.1f req/s\n",
		100*rate, failures, dropped, total+dropped, float64(total)/r.elapsed.Seconds())
	if st := r.streams; st != nil && cfg.sse > 0 {
		fmt.Fprintf(out, "event streams: %d wanted, at most %d open at once; %d connections; %d events received; %d failures\n",
			cfg.sse, st.peak.Load(), st.connects.Load(), st.events.Load(), len(st.failures))
		for _, f := range st.failures[:min(len(st.failures), 10)] {
			fmt.Fprintln(out, "  stream failure:", f)
		}
	}
	for reason, n := range reasons {
		fmt.Fprintf(out, "  %d× %s\n", n, reason)
	}
	r.printMemory(out)
	if cfg.timeline {
		r.printTimeline(out)
	}
}

// printMemory lists the samples and compares minutes 1-3 with the last two:
// the first minute is warm-up (pools, caches, the page cache filling).
func (r *result) printMemory(out io.Writer) {
	if len(r.memory) == 0 {
		return
	}
	fmt.Fprintln(out, "\nserver memory (from /metrics; VmRSS from /proc with -pid):")
	fmt.Fprintln(out, "\n| t | RSS MiB | VmRSS MiB | heap in use MiB | goroutines | open fds | streams open |")
	fmt.Fprintln(out, "|---:|---:|---:|---:|---:|---:|---:|")
	for _, m := range r.memory {
		fmt.Fprintf(out, "| %v | %s | %s | %s | %.0f | %.0f | %d |\n", m.at.Round(time.Second), mib(m.rss), mib(m.procRSS), mib(m.heap), m.goroutines, m.fds, m.streams)
	}
	window := func(from, to time.Duration) (rss, heap []float64) {
		for _, m := range r.memory {
			if m.at >= from && m.at <= to {
				rss, heap = append(rss, m.rss), append(heap, m.heap)
			}
		}
		return rss, heap
	}
	end := r.memory[len(r.memory)-1].at
	if end < 5*time.Minute {
		return
	}
	// Heap in use swings between collections; its low points are the live
	// heap, so the lowest sample of a window is what to compare.
	rss1, heap1 := window(time.Minute, 3*time.Minute)
	rss2, heap2 := window(end-2*time.Minute, end)
	fmt.Fprintf(out, "\nminutes 1-3 against the last two: RSS median %s → %s MiB (%+.1f%%); heap in use, lowest %s → %s MiB (%+.1f%%)\n",
		mib(median(rss1)), mib(median(rss2)), 100*(median(rss2)/median(rss1)-1),
		mib(slices.Min(heap1)), mib(slices.Min(heap2)), 100*(slices.Min(heap2)/slices.Min(heap1)-1))
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// printTimeline prints, per second, how many requests sent in it succeeded
// and failed and the slowest of them; then the error windows: failures
// less than five seconds apart belong to one window, which lasts from the
// sending of its first failed request to the answer of its last.
func (r *result) printTimeline(out io.Writer) {
	type second struct {
		ok, failed int
		slowest    time.Duration
	}
	var secs []second
	var failures []sample
	var slowest sample
	for _, ss := range r.byOp {
		for _, s := range ss {
			i := int(s.at / time.Second)
			for len(secs) <= i {
				secs = append(secs, second{})
			}
			if s.err != "" {
				secs[i].failed++
				failures = append(failures, s)
			} else {
				secs[i].ok++
			}
			secs[i].slowest = max(secs[i].slowest, s.latency)
			if s.latency > slowest.latency {
				slowest = s
			}
		}
	}
	fmt.Fprintln(out, "\ntimeline (second: ok/failed, slowest ms):")
	for i, s := range secs {
		fmt.Fprintf(out, "%4d: %d/%d %s\n", i, s.ok, s.failed, ms(s.slowest))
	}
	fmt.Fprintf(out, "slowest request: %s ms, sent at %v, status %d %s\n", ms(slowest.latency), slowest.at.Round(time.Millisecond), slowest.status, slowest.err)
	if len(failures) == 0 {
		fmt.Fprintln(out, "error windows: none (no request failed)")
		return
	}
	sort.Slice(failures, func(i, j int) bool { return failures[i].at < failures[j].at })
	type window struct {
		from, to time.Duration
		n        int
		why      map[string]int
	}
	var windows []*window
	for _, f := range failures {
		if len(windows) == 0 || f.at-windows[len(windows)-1].to > 5*time.Second {
			windows = append(windows, &window{from: f.at, why: map[string]int{}})
		}
		w := windows[len(windows)-1]
		w.to = max(w.to, f.at+f.latency)
		w.n++
		why := f.err
		if f.status != 0 {
			why = fmt.Sprint(f.status) // the status is the point; bodies vary
		}
		w.why[why]++
	}
	for _, w := range windows {
		fmt.Fprintf(out, "error window: %v to %v (%v): %d failed requests %v\n",
			w.from.Round(time.Millisecond), w.to.Round(time.Millisecond), (w.to - w.from).Round(time.Millisecond), w.n, w.why)
	}
}
