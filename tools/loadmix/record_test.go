package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestRecordKeepsEveryAcknowledgedIngest runs loadmix against a stand-in
// server that acknowledges two ingests in three and refuses the third, and
// checks that -record lists every request once, with the ids of exactly
// the acknowledged ones.
func TestRecordKeepsEveryAcknowledgedIngest(t *testing.T) {
	var n atomic.Int64
	acked := map[string]int64{}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v1/me":
			fmt.Fprint(w, `{}`)
		case "/api/v1/messages":
			var in struct {
				ExternalID string `json:"external_id"`
			}
			if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			i := n.Add(1)
			if i%3 == 0 {
				http.Error(w, `{"error":{"code":"unavailable"}}`, http.StatusServiceUnavailable)
				return
			}
			mu.Lock()
			acked[in.ExternalID] = i
			mu.Unlock()
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"case_id":%d,"message_id":%d}`, 1000+i, i)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "record.jsonl")
	res, err := run(context.Background(), config{base: srv.URL, token: "t", rate: 200, duration: 300 * time.Millisecond,
		timeout: 5 * time.Second, maxInFlight: 64, mix: map[string]int{"ingest": 1}, sampleEvery: time.Hour, record: path})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines, failed := 0, 0
	seen := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var rec record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d: %v", lines+1, err)
		}
		lines++
		if rec.Sent < float64(time.Now().Add(-time.Minute).Unix()) || rec.Route != "POST /api/v1/messages" {
			t.Errorf("line %d: %+v", lines, rec)
		}
		switch {
		case rec.Status == http.StatusCreated:
			i, ok := acked[rec.ExternalID]
			if !ok || rec.MessageID != i || rec.CaseID != 1000+i || seen[rec.ExternalID] {
				t.Errorf("line %d: acknowledged %+v, server had %d", lines, rec, i)
			}
			seen[rec.ExternalID] = true
		case rec.ExternalID != "" || rec.Error == "":
			t.Errorf("line %d: a failure recorded as %+v", lines, rec)
		default:
			failed++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(seen) != len(acked) || int64(lines) != n.Load() || failed == 0 {
		t.Errorf("%d lines, %d acknowledged and %d failed; the server saw %d requests and acknowledged %d", lines, len(seen), failed, n.Load(), len(acked))
	}
	total := 1 // the preflight's ingest
	for _, ss := range res.byOp {
		total += len(ss)
	}
	if lines != total {
		t.Errorf("%d lines for %d requests", lines, total)
	}
}
