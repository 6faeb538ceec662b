package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// memSample is the server's memory at one moment, from its /metrics (the
// Prometheus process and Go collectors) and, with -pid, from /proc.
type memSample struct {
	at         time.Duration
	rss        float64 // process_resident_memory_bytes
	heap       float64 // go_memstats_heap_inuse_bytes
	goroutines float64 // go_goroutines
	fds        float64 // process_open_fds
	procRSS    float64 // VmRSS from /proc/PID/status, bytes; 0 without -pid
	streams    int64   // event streams this client held open at the time
}

// sampleMemory samples every cfg.sampleEvery until ctx ends, and once more
// at the end.
func sampleMemory(ctx context.Context, w *workload, start time.Time, streams *streamStats) []memSample {
	var out []memSample
	take := func() {
		s, err := w.memory()
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadmix: memory sample:", err)
			return
		}
		s.at, s.streams = time.Since(start), streams.open.Load()
		out = append(out, s)
	}
	take()
	tick := time.NewTicker(w.cfg.sampleEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			take()
			return out
		case <-tick.C:
			take()
		}
	}
}

func (w *workload) memory() (memSample, error) {
	var s memSample
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(w.cfg.base + "/metrics")
	if err != nil {
		return s, err
	}
	defer resp.Body.Close()
	want := map[string]*float64{
		"process_resident_memory_bytes": &s.rss,
		"go_memstats_heap_inuse_bytes":  &s.heap,
		"go_goroutines":                 &s.goroutines,
		"process_open_fds":              &s.fds,
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if p := want[name]; ok && p != nil {
			*p, _ = strconv.ParseFloat(value, 64)
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	if w.cfg.pid > 0 {
		s.procRSS = procRSS(w.cfg.pid)
	}
	return s, nil
}

// procRSS reads VmRSS of a process, in bytes (0 when it cannot).
func procRSS(pid int) float64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}
