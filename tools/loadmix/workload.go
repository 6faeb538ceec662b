package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

type config struct {
	base, token, email, password string
	rate                         float64
	duration, timeout            time.Duration
	sse, maxInFlight, pid        int
	mix                          map[string]int
	sampleEvery                  time.Duration
	timeline                     bool
	record                       string // file for one JSON line per request; empty: none
}

// operation is one kind of request: what it sends and the status that
// means success.
type operation struct {
	route string // for the report: "METHOD /pattern"
	want  int
	build func(w *workload, n int64) (*http.Request, onSuccess, error)
}

// onSuccess reads a successful answer's body, noting in s what the record
// keeps of it; nil when there is nothing to learn from it.
type onSuccess func(body []byte, s *sample) error

var operations = map[string]operation{
	"ingest": {"POST /api/v1/messages", http.StatusCreated, (*workload).ingest},
	"list":   {"GET /api/v1/cases", http.StatusOK, (*workload).list},
	"get":    {"GET /api/v1/cases/{id}", http.StatusOK, (*workload).get},
	"reply":  {"POST /api/v1/cases/{id}/replies", http.StatusCreated, (*workload).reply},
	"coach":  {"POST /api/v1/coach/review", http.StatusOK, (*workload).coach},
}

var customerTexts = []string{
	"This is the third time I write. You charged me twice for order %d and nobody answers. Fix it NOW!!!",
	"Hi, could you tell me when order %d will ship? Thanks a lot.",
	"I want to speak to your manager. Order %d was cancelled without notice and I was still charged $49.99.",
	"The blender from order %d arrived broken and I'm really disappointed. Can you send a replacement?",
	"I've been waiting three weeks for my refund on order %d. This is unacceptable, I will post a review everywhere.",
	"Thanks for the quick help with order %d, everything works now!",
}

var replyTexts = []string{
	"Hi, I'm sorry about the double charge on order %d. I have refunded $49.99 and you will see it within 3 business days.",
	"Thank you for your patience. I checked order %d: it ships tomorrow and I will email you the tracking number by Friday.",
	"You're right to be upset, and I apologise. I'll call you back today before 5pm about order %d.",
	"Calm down, it's only a blender.",
}

// workload is the state shared by the requests of one run: the cases the
// run created (so get and reply hit real ones) and a run id that keeps
// external ids unique across runs.
type workload struct {
	cfg    config
	client *http.Client
	runID  string
	rec    *recorder // nil without -record
	mu     sync.Mutex
	cases  []knownCase
}

// knownCase is a case the run created and its customer's number.
type knownCase struct{ id, customer int64 }

func (w *workload) addCase(c knownCase) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.cases) < 5000 {
		w.cases = append(w.cases, c)
		return
	}
	w.cases[rand.IntN(len(w.cases))] = c
}

// someCase is one of the cases this run created (zero before there is any).
func (w *workload) someCase() knownCase {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.cases) == 0 {
		return knownCase{}
	}
	return w.cases[rand.IntN(len(w.cases))]
}

func (w *workload) newRequest(method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, w.cfg.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+w.cfg.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, nil
}

func (w *workload) ingest(n int64) (*http.Request, onSuccess, error) {
	customer := n % 3000
	c := w.someCase()
	if c.id != 0 && n%5 == 0 {
		customer = c.customer // the customer writes again on their case
	}
	externalID := fmt.Sprintf("loadmix-%s-%d", w.runID, n)
	msg := map[string]any{
		"customer":    map[string]any{"email": fmt.Sprintf("customer%d@example.com", customer), "name": fmt.Sprintf("Customer %d", customer)},
		"subject":     fmt.Sprintf("Order %d", 1000+n),
		"text":        fmt.Sprintf(customerTexts[n%int64(len(customerTexts))], 1000+n),
		"channel":     "api",
		"external_id": externalID,
	}
	if customer == c.customer && c.id != 0 && n%5 == 0 {
		msg["case_id"] = c.id
	}
	req, err := w.newRequest("POST", "/api/v1/messages", msg)
	return req, func(body []byte, s *sample) error {
		var out struct {
			CaseID    int64 `json:"case_id"`
			MessageID int64 `json:"message_id"`
		}
		if json.Unmarshal(body, &out) != nil || out.CaseID == 0 {
			return errors.New("201 without a case id")
		}
		s.externalID, s.caseID, s.messageID = externalID, out.CaseID, out.MessageID
		w.addCase(knownCase{id: out.CaseID, customer: customer})
		return nil
	}, err
}

var listQueries = []string{"", "?status=open", "?assignee=none", "?assignee=me", "?q=Order+10", "?breaching=true", "?limit=100"}

func (w *workload) list(n int64) (*http.Request, onSuccess, error) {
	req, err := w.newRequest("GET", "/api/v1/cases"+listQueries[n%int64(len(listQueries))], nil)
	return req, nil, err
}

func (w *workload) get(n int64) (*http.Request, onSuccess, error) {
	req, err := w.newRequest("GET", fmt.Sprintf("/api/v1/cases/%d", max(1, w.someCase().id)), nil)
	return req, nil, err
}

func (w *workload) reply(n int64) (*http.Request, onSuccess, error) {
	req, err := w.newRequest("POST", fmt.Sprintf("/api/v1/cases/%d/replies", max(1, w.someCase().id)),
		map[string]any{"text": fmt.Sprintf(replyTexts[n%int64(len(replyTexts))], 1000+n), "note": n%7 == 0})
	return req, nil, err
}

func (w *workload) coach(n int64) (*http.Request, onSuccess, error) {
	body := map[string]any{"reply": fmt.Sprintf(replyTexts[n%int64(len(replyTexts))], 1000+n)}
	if c := w.someCase(); c.id != 0 {
		body["case_id"] = c.id
	}
	req, err := w.newRequest("POST", "/api/v1/coach/review", body)
	return req, nil, err
}

// sample is one observation of a request.
type sample struct {
	at      time.Duration // since the start, when it was sent
	latency time.Duration
	status  int    // 0: no answer
	err     string // why it failed, empty when it succeeded
	// What an acknowledged ingest stored, for the record (-record).
	externalID        string
	caseID, messageID int64
}

// run drives the workload for cfg.duration and gathers what happened.
func run(ctx context.Context, cfg config) (*result, error) {
	transport := &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0, IdleConnTimeout: 90 * time.Second}
	w := &workload{cfg: cfg, runID: fmt.Sprint(time.Now().UnixNano()),
		client: &http.Client{Timeout: cfg.timeout, Transport: transport}}
	if cfg.record != "" {
		rec, err := newRecorder(cfg.record)
		if err != nil {
			return nil, err
		}
		w.rec = rec
		defer rec.close() // the error, if any, is reported by the explicit close below
	}
	if err := w.preflight(ctx); err != nil {
		return nil, err
	}
	names, weights := pickList(cfg.mix)
	res := newResult(names)
	ctx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	start := time.Now()
	res.start = start

	var bg sync.WaitGroup
	streams := &streamStats{}
	for i := range cfg.sse {
		bg.Go(func() { w.holdStream(ctx, i, streams) })
	}
	bg.Go(func() { res.memory = sampleMemory(ctx, w, start, streams) })

	var inFlight atomic.Int64
	var reqs sync.WaitGroup
	interval := time.Duration(float64(time.Second) / cfg.rate)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var n int64
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-tick.C:
		}
		n++
		name := names[pick(weights, n)]
		if inFlight.Load() >= int64(cfg.maxInFlight) {
			res.drop(name)
			continue
		}
		inFlight.Add(1)
		i := n // the loop goes on counting while the request is sent
		reqs.Go(func() {
			defer inFlight.Add(-1)
			res.add(name, w.do(operations[name], i, start))
		})
	}
	reqs.Wait()
	bg.Wait()
	res.elapsed = time.Since(start)
	res.streams = streams
	if w.rec != nil {
		if err := w.rec.close(); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// preflight checks the token before the clock starts, so a typo is one
// clear error rather than thousands of 401s, and ingests a first message
// so that reads and replies have a case from the first second.
func (w *workload) preflight(ctx context.Context) error {
	req, err := w.newRequest("GET", "/api/v1/me", nil)
	if err != nil {
		return err
	}
	resp, err := w.client.Do(req.WithContext(ctx))
	if err != nil {
		return fmt.Errorf("calmdesk at %s: %w", w.cfg.base, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET /api/v1/me with the token: %s", resp.Status)
	}
	if s := w.do(operations["ingest"], 0, time.Now()); s.err != "" {
		return fmt.Errorf("a first message: %s", s.err)
	}
	return nil
}

// do sends one request of op and reports how it went. The requests of a
// run are not cancelled at its end: each finishes or times out, so the
// last second's latencies count too.
func (w *workload) do(op operation, n int64, start time.Time) sample {
	s := w.send(op, n, start)
	w.rec.write(op, start, s)
	return s
}

func (w *workload) send(op operation, n int64, start time.Time) sample {
	req, after, err := op.build(w, n)
	if err != nil {
		return sample{err: err.Error()}
	}
	t0 := time.Now()
	s := sample{at: t0.Sub(start)}
	resp, err := w.client.Do(req)
	if err != nil {
		s.latency = time.Since(t0)
		s.err = "transport: " + shortErr(err)
		return s
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	s.latency, s.status = time.Since(t0), resp.StatusCode
	switch {
	case err != nil:
		s.err = "reading the answer: " + shortErr(err)
	case resp.StatusCode != op.want:
		s.err = fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(body[:min(len(body), 200)]))
	case after != nil:
		if err := after(body, &s); err != nil {
			s.err = err.Error()
		}
	}
	return s
}

func shortErr(err error) string {
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) && ne.Timeout() {
		return "timeout"
	}
	msg := err.Error()
	return msg[:min(len(msg), 160)]
}

// pickList orders the operations of the mix and their weights.
func pickList(mix map[string]int) ([]string, []int) {
	var names []string
	for name, w := range mix {
		if w > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	weights := make([]int, len(names))
	for i, name := range names {
		weights[i] = mix[name]
	}
	return names, weights
}

// pick chooses an operation for request n, in proportion to the weights
// and spread evenly (a deterministic interleave, not random bursts).
func pick(weights []int, n int64) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	// A multiplicative hash of n spreads consecutive requests over the mix.
	slot := int((uint64(n) * 11400714819323198485 >> 32) % uint64(total))
	for i, w := range weights {
		if slot < w {
			return i
		}
		slot -= w
	}
	return len(weights) - 1
}
