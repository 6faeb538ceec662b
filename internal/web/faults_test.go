package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// TestDiskFullAnswers507 fills the SQLite database (max_page_count stands
// in for a full disk; SQLite answers both with SQLITE_FULL): writes get 507
// with a message saying so, reads go on, nothing is half-written, and
// writes succeed again once there is room, without a restart.
func TestDiskFullAnswers507(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	d := testDesk(db)
	ts := httptest.NewServer(web.New(d, web.Config{}, slog.New(slog.DiscardHandler)))
	t.Cleanup(ts.Close)
	api := addAgent(t, d, ts.URL)
	message := func(n int) map[string]any {
		return map[string]any{"customer": map[string]any{"email": fmt.Sprintf("c%d@example.com", n)}, "channel": "email",
			"text": fmt.Sprintf("Order %d never arrived. ", n) + strings.Repeat("I have waited three weeks and nobody answers. ", 200)}
	}
	if status, body := api.do("POST", "/api/v1/messages", message(0)); status != http.StatusCreated {
		t.Fatalf("ingest: %d %v", status, body)
	}
	var pages int
	if err := db.Writer().QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	setLimit := func(n int) {
		if _, err := db.Writer().ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, n)); err != nil {
			t.Fatal(err)
		}
	}
	setLimit(pages)
	status, body := api.do("POST", "/api/v1/messages", message(1))
	if status != http.StatusInsufficientStorage {
		t.Fatalf("ingest on a full disk: %d %v, want 507", status, body)
	}
	e, _ := body["error"].(map[string]any)
	if e["code"] != "insufficient_storage" || !strings.Contains(fmt.Sprint(e["message"]), "out of disk space") {
		t.Errorf("507 body: %v", body)
	}
	if status, body := api.do("GET", "/api/v1/cases", nil); status != http.StatusOK || len(body["cases"].([]any)) != 1 {
		t.Errorf("reading on a full disk: %d %v", status, body)
	}
	setLimit(1 << 30)
	if status, body := api.do("POST", "/api/v1/messages", message(1)); status != http.StatusCreated {
		t.Fatalf("ingest once there is room: %d %v", status, body)
	}
	checkWholeCases(t, "sqlite:"+sqlitePath(t, db))
}

// sqlitePath is the file of a SQLite database.
func sqlitePath(t *testing.T, db *store.DB) string {
	t.Helper()
	var seq int
	var name, file string
	if err := db.Read().QueryRow(`PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestDatabaseOutOfReachAnswers503 puts a TCP proxy between the desk and
// PostgreSQL and cuts it, as a restart of PostgreSQL or a network failure
// would: API requests get 503 with Retry-After and a message, promptly;
// a browser's event stream is told to come back later rather than given an
// error that stops it for good; and when the proxy is back the same server
// answers again by itself.
func TestDatabaseOutOfReachAnswers503(t *testing.T) {
	_, dbURL := storetest.OpenURL(t, store.Postgres)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newTCPProxy(t, u.Host)
	u.Host = proxy.addr
	db, err := store.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	d := testDesk(db)
	ts := httptest.NewServer(web.New(d, web.Config{}, slog.New(slog.DiscardHandler)))
	t.Cleanup(ts.Close)
	api := addAgent(t, d, ts.URL)
	browser := signedInBrowser(t, ts.URL, "sam@calmdesk.test")
	if status, body := api.do("POST", "/api/v1/messages", danaMessage); status != http.StatusCreated {
		t.Fatalf("ingest: %d %v", status, body)
	}

	proxy.cut()
	for _, call := range []struct{ method, path string }{{"POST", "/api/v1/messages"}, {"GET", "/api/v1/cases"}, {"GET", "/api/v1/cases/1"}} {
		start := time.Now()
		req, _ := http.NewRequest(call.method, ts.URL+call.path, strings.NewReader(`{"customer":{"email":"a@example.com"},"text":"Hello?"}`))
		req.Header.Set("Authorization", "Bearer "+api.token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(string(raw), `"code":"unavailable"`) {
			t.Errorf("%s %s with the database out of reach: %d (Retry-After %q) %s", call.method, call.path, resp.StatusCode, resp.Header.Get("Retry-After"), raw)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s %s took %v to fail", call.method, call.path, took)
		}
	}
	req, _ := http.NewRequest("GET", ts.URL+"/events", nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := browser.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") || !strings.Contains(string(raw), "retry:") {
		t.Errorf("event stream with the database out of reach: %d %q %q; want 200 with a retry", resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}

	proxy.restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, body := api.do("GET", "/api/v1/cases", nil)
		if status == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the database came back: %d %v", status, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	msg := map[string]any{"customer": map[string]any{"email": "again@example.com"}, "text": "Back again."}
	if status, body := api.do("POST", "/api/v1/messages", msg); status != http.StatusCreated {
		t.Errorf("ingest after the database came back: %d %v", status, body)
	}
}

// tcpProxy forwards connections to a server until it is cut.
type tcpProxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newTCPProxy(t *testing.T, target string) *tcpProxy {
	p := &tcpProxy{t: t, target: target}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.cut)
	return p
}

func (p *tcpProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
}

// cut closes the listener and every connection through it.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// restore listens again on the same address.
func (p *tcpProxy) restore() {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.serve(ln)
}
