package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// streamStats counts what the live event streams saw.
type streamStats struct {
	open, peak  atomic.Int64 // streams connected now, and at most
	connects    atomic.Int64 // successful connections, reconnections included
	events      atomic.Int64 // events received (heartbeats not counted)
	mu          sync.Mutex
	failures    []string // why a sign-in or connection failed, while the run lasted
	lastFailure time.Duration
}

func (s *streamStats) fail(start time.Time, format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, fmt.Sprintf(format, args...))
	s.lastFailure = time.Since(start)
}

// holdStream signs in as a browser would and keeps GET /events open for
// the whole run, reconnecting with Last-Event-ID when the server ends a
// stream (it does every 10 minutes) as EventSource does.
func (w *workload) holdStream(ctx context.Context, i int, st *streamStats) {
	start := time.Now()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Transport: w.client.Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	// Spread the sign-ins over the first seconds, as browsers opening the desk.
	select {
	case <-ctx.Done():
		return
	case <-time.After(time.Duration(i) * 200 * time.Millisecond):
	}
	if err := w.signIn(ctx, client); err != nil {
		if ctx.Err() == nil {
			st.fail(start, "sign-in: %v", err)
		}
		return
	}
	lastID := ""
	for ctx.Err() == nil {
		var err error
		lastID, err = w.stream(ctx, client, lastID, st)
		if err != nil && ctx.Err() == nil {
			st.fail(start, "events: %v", err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second): // the server's "retry: 2000"
		}
	}
}

func (w *workload) signIn(ctx context.Context, client *http.Client) error {
	form := url.Values{"email": {w.cfg.email}, "password": {w.cfg.password}}
	req, err := http.NewRequestWithContext(ctx, "POST", w.cfg.base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("POST /login: %s", resp.Status)
	}
	return nil
}

// stream reads one event stream until it ends and returns the last event id.
func (w *workload) stream(ctx context.Context, client *http.Client, lastID string, st *streamStats) (string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", w.cfg.base+"/events", nil)
	if err != nil {
		return lastID, err
	}
	req.Header.Set("Accept", "text/event-stream")
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := client.Do(req)
	if err != nil {
		return lastID, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return lastID, fmt.Errorf("GET /events: %s (%s)", resp.Status, resp.Header.Get("Content-Type"))
	}
	st.connects.Add(1)
	if n := st.open.Add(1); n > st.peak.Load() {
		st.peak.Store(n) // racy max; good enough for a report
	}
	defer st.open.Add(-1)
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			lastID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			st.events.Add(1)
		}
	}
	if ctx.Err() != nil {
		return lastID, nil
	}
	return lastID, sc.Err() // nil: the server ended the stream; reconnect
}
