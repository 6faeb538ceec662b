package mailintake_test

import (
	"fmt"
	"log/slog"
	"net"
	"net/smtp"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/mailintake"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// BenchmarkSMTPIngest measures what the issue asks of the mail channel:
// SMTP messages accepted per second on SQLite, each one parsed, stripped
// of quotes, analysed and committed (customer, case, message, reading,
// audit) before its 250. Real net/smtp clients on loopback send distinct
// emails, several per connection as MTAs do: short customer stories
// (~500 bytes), and the real mail clients' layouts from internal/mail's
// fixtures (Gmail, Outlook, Apple Mail, Yahoo, HTML-only; 1-4 kB).
//
//	go test ./internal/mailintake -run '^$' -bench SMTPIngest -benchtime 2000x
func BenchmarkSMTPIngest(b *testing.B) {
	clients := clientMail(b)
	for _, bc := range []struct {
		name  string
		conns int
		mail  func(n int) []byte
	}{
		{"stories/conns=1", 1, customerMail},
		{"stories/conns=4", 4, customerMail},
		{"stories/conns=16", 16, customerMail},
		{"clients/conns=4", 4, clients},
	} {
		b.Run(bc.name, func(b *testing.B) {
			db := storetest.Open(b, store.SQLite)
			d := desk.New(db, desk.Options{Analyzer: testAnalyzer, Logger: slog.New(slog.DiscardHandler)})
			srv := mail.NewSMTPServer(mail.SMTPConfig{Domain: "desk.test", Logger: slog.New(slog.DiscardHandler)}, mailintake.Intake{Desk: d})
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			go srv.Serve(ln)
			b.Cleanup(func() { srv.Close() })
			var next atomic.Int64
			b.ResetTimer()
			cpu0 := cpuTime()
			var wg sync.WaitGroup
			for range bc.conns {
				wg.Go(func() {
					c, err := smtp.Dial(ln.Addr().String())
					if err != nil {
						b.Error(err)
						return
					}
					defer c.Close()
					for n := int(next.Add(1)); n <= b.N; n = int(next.Add(1)) {
						if err := sendMail(c, "customer@example.com", bc.mail(n)); err != nil {
							b.Error(err)
							return
						}
					}
					c.Quit()
				})
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			// Wall-clock rates swing with whatever else the machine runs; the
			// CPU each message costs (server, and the clients in this process)
			// does not, and bounds the rate an idle machine reaches.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/msg")
			var stored int
			if err := db.Read().QueryRow(`SELECT count(*) FROM messages`).Scan(&stored); err != nil || stored != b.N {
				b.Fatalf("%d messages stored, want %d (%v)", stored, b.N, err)
			}
			// The parse and the analysis alone, on the same mail, tell the
			// CPU each message costs from the wait for the one SQLite writer.
			const sample = 200
			start := time.Now()
			for n := range sample {
				in, err := mail.ParseBytes(bc.mail(n), mail.DefaultLimits())
				if err != nil {
					b.Fatal(err)
				}
				if _, err := testAnalyzer.Read(in.NewText); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/sample, "µs-parse+analyse/msg")
		})
	}
}

var messageIDHeader = regexp.MustCompile(`(?im)^Message-ID:.*\r?\n`)

// clientMail rotates through internal/mail's fixtures of real mail
// clients, each copy with a Message-ID of its own.
func clientMail(b *testing.B) func(n int) []byte {
	var raws [][]byte
	for _, name := range []string{"apple_mail.eml", "gmail_android.eml", "gmail_reply.eml", "html_only.eml", "interleaved.eml",
		"iphone.eml", "outlook_html_only.eml", "outlook_original_message.eml", "outlook_reply.eml", "yahoo_reply.eml"} {
		raw, err := os.ReadFile(filepath.Join("..", "mail", "testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		raws = append(raws, messageIDHeader.ReplaceAll(raw, nil))
	}
	return func(n int) []byte {
		return append(fmt.Appendf(nil, "Message-ID: <bench-%d@mail.example.com>\r\n", n), raws[n%len(raws)]...)
	}
}

// cpuTime is the CPU time (user and system) the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
