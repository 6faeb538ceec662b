package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// caseConversation is a realistic case: six customer messages (each with
// its reading) and three agent replies (each with the coach's review, two
// of them making promises).
var caseConversation = []struct {
	inbound bool
	text    string
}{
	{true, "Hi, I ordered a blender (order 4471) two weeks ago and it still hasn't arrived. The tracking page says 'label created' since the 21st. Can you tell me where it is?"},
	{false, "Hi Dana,\n\nI'm sorry your blender hasn't arrived. I've asked the carrier to trace order 4471 and I will email you what they say by tomorrow.\n\nSam"},
	{true, "It's been three days and nothing. Nobody emailed me. This is the second time I have to chase you about this. I want a refund if it doesn't show up this week."},
	{true, "Also I was charged twice for the same order!!! Check my statement: two payments of $59.90 on the 20th. This is ridiculous."},
	{false, "Hi Dana,\n\nYou're right, and I'm sorry: I promised an update and didn't send one. The carrier lost the parcel. I will refund the duplicate $59.90 within 3 business days and send a replacement today by express.\n\nSam"},
	{true, "Thanks. When will the replacement arrive? And I still don't see the refund in my account."},
	{true, "Hello?? Another week, no refund, no blender. I've been a customer for six years and I have never been treated like this. I want to speak to a manager NOW."},
	{false, "Hi Dana,\n\nI've escalated this to my manager, Ana, who will call you today before 5 pm. The refund reference is RF-20931; banks take up to 5 days to show it.\n\nSam"},
	{true, "Ana called, the refund is there. The blender arrived but the lid is cracked. Can you send a new lid?"},
}

// seedConversation writes caseConversation through the desk (ingest with
// the analysis engine, replies with the coach) and returns the case id.
func seedConversation(tb testing.TB, d *desk.Desk, agent desk.User) int64 {
	tb.Helper()
	ctx := context.Background()
	var id int64
	for _, m := range caseConversation {
		if m.inbound {
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CustomerName: "Dana Reyes",
				Subject: "Blender order 4471", Text: m.text, Channel: "email", CaseID: id})
			if err != nil {
				tb.Fatal(err)
			}
			id = res.CaseID
			continue
		}
		if _, err := d.Reply(ctx, agent, desk.ReplyInput{CaseID: id, Text: m.text}); err != nil {
			tb.Fatal(err)
		}
	}
	return id
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkGetCase answers GET /api/v1/cases/{id} for a case of nine
// messages, straight through the server's handler (no sockets), with a
// bearer token. cpu-µs/op is the process's CPU time per request (the
// database server's own CPU on PostgreSQL is not in it); on a shared
// machine it says more than ns/op. "304" sends the ETag of the last
// answer back in If-None-Match. The case does not change between
// requests, so the desk answers from its kept encoded answer after one
// small query; "200-uncached" and "304-uncached" run on a desk that keeps
// none (Options.CaseCacheBytes -1): what a request costs just after a
// write to the case. The "include=" runs ask for part of the case: the
// thread without its readings, and the case alone.
//
//	go test ./internal/web -run '^$' -bench GetCase -benchmem -count 6
func BenchmarkGetCase(b *testing.B) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		b.Run(string(engine), func(b *testing.B) {
			if engine == store.Postgres && os.Getenv("CALMDESK_TEST_POSTGRES_URL") == "" {
				b.Skip("CALMDESK_TEST_POSTGRES_URL not set")
			}
			db := storetest.Open(b, engine)
			d := testDesk(db)
			ctx := context.Background()
			agent, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "agent@calmdesk.test", Name: "Sam", Role: desk.RoleAgent, Password: "correct horse battery"})
			if err != nil {
				b.Fatal(err)
			}
			token, err := d.CreateToken(ctx, desk.SystemActor, agent.Email, "bench")
			if err != nil {
				b.Fatal(err)
			}
			id := seedConversation(b, d, agent)
			cached := web.New(d, web.Config{}, slog.New(slog.DiscardHandler))
			uncached := web.New(desk.New(db, desk.Options{Analyzer: analyze.Default(), CaseCacheBytes: -1}), web.Config{}, slog.New(slog.DiscardHandler))
			get := func(h http.Handler, query, etag string) *httptest.ResponseRecorder {
				req := httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/v1/cases/%d%s", id, query), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				if etag != "" {
					req.Header.Set("If-None-Match", etag)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				return rec
			}
			run := func(b *testing.B, h http.Handler, query string, conditional bool) {
				first := get(cached, query, "")
				if first.Code != http.StatusOK {
					b.Fatalf("get case%s = %d %s", query, first.Code, first.Body)
				}
				etag, want := "", http.StatusOK
				if conditional {
					etag, want = first.Header().Get("ETag"), http.StatusNotModified
				}
				start := cpuTime()
				for b.Loop() {
					if rec := get(h, query, etag); rec.Code != want {
						b.Fatalf("get case = %d, want %d", rec.Code, want)
					}
				}
				b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/op")
				b.ReportMetric(float64(first.Body.Len()), "bytes/answer")
			}
			b.Run("200", func(b *testing.B) { run(b, cached, "", false) })
			b.Run("304", func(b *testing.B) { run(b, cached, "", true) })
			b.Run("200-uncached", func(b *testing.B) { run(b, uncached, "", false) })
			b.Run("304-uncached", func(b *testing.B) { run(b, uncached, "", true) })
			b.Run("200-uncached-include=messages", func(b *testing.B) { run(b, uncached, "?include=messages", false) })
			b.Run("200-uncached-include=", func(b *testing.B) { run(b, uncached, "?include=", false) })
		})
	}
}
