package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// recorder writes one JSON line per request (-record), so that a script
// can check afterwards what the run was told: which ingests were
// acknowledged (and so must be stored), and when requests failed, in wall
// time, to set beside a fault it caused.
type recorder struct {
	mu  sync.Mutex
	f   *os.File
	buf *bufio.Writer
	err error
}

// record is one line of the file.
type record struct {
	Sent       float64 `json:"sent"` // Unix time in seconds when the request was sent
	Route      string  `json:"route"`
	Status     int     `json:"status"` // 0: no answer
	LatencyMS  float64 `json:"latency_ms"`
	Error      string  `json:"error,omitempty"`
	ExternalID string  `json:"external_id,omitempty"` // an acknowledged ingest's
	CaseID     int64   `json:"case_id,omitempty"`
	MessageID  int64   `json:"message_id,omitempty"`
}

func newRecorder(path string) (*recorder, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-record: %w", err)
	}
	return &recorder{f: f, buf: bufio.NewWriter(f)}, nil
}

// write adds the line of a request sent start+s.at; a nil recorder writes
// nothing.
func (r *recorder) write(op operation, start time.Time, s sample) {
	if r == nil {
		return
	}
	line, err := json.Marshal(record{
		Sent: float64(start.Add(s.at).UnixMicro()) / 1e6, Route: op.route, Status: s.status,
		LatencyMS: float64(s.latency) / float64(time.Millisecond), Error: s.err,
		ExternalID: s.externalID, CaseID: s.caseID, MessageID: s.messageID,
	})
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err == nil && err == nil {
		line = append(line, '\n')
		_, r.err = r.buf.Write(line)
	}
}

// close flushes and closes the file once; later calls return the first
// error.
func (r *recorder) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return r.err
	}
	if err := r.buf.Flush(); r.err == nil {
		r.err = err
	}
	if err := r.f.Close(); r.err == nil {
		r.err = err
	}
	r.f = nil
	if r.err != nil {
		return fmt.Errorf("-record: %w", r.err)
	}
	return nil
}
