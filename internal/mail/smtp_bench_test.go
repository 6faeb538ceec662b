package mail

import (
	"context"
	"net/smtp"
	"sync"
	"sync/atomic"
	"testing"
)

// countingSink is a Deliverer that only counts, so the benchmark measures
// the receiver: SMTP dialogue, reading and parsing.
type countingSink struct{ n atomic.Int64 }

func (s *countingSink) Deliver(context.Context, []byte, *Inbound, []string) error {
	s.n.Add(1)
	return nil
}

// BenchmarkSMTPReceive sends b.N messages (the Gmail fixture, 2.4 kB)
// through net/smtp clients on loopback, several transactions per
// connection as MTAs do, over 4 concurrent connections. It reports
// messages/s accepted (250) into the sink.
func BenchmarkSMTPReceive(b *testing.B) {
	sink := &countingSink{}
	addr := startSMTP(b, SMTPConfig{}, sink)
	raw := fixture(b, "gmail_reply.eml")
	const conns = 4
	var next atomic.Int64
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	var wg sync.WaitGroup
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := smtp.Dial(addr)
			if err != nil {
				b.Error(err)
				return
			}
			defer c.Close()
			for next.Add(1) <= int64(b.N) {
				if err := sendOn(c, raw); err != nil {
					b.Error(err)
					return
				}
			}
			c.Quit()
		}()
	}
	wg.Wait()
	b.StopTimer()
	if got := sink.n.Load(); got != int64(b.N) {
		b.Fatalf("sink got %d messages, want %d", got, b.N)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

func sendOn(c *smtp.Client, raw []byte) error {
	if err := c.Mail("dana.whitfield@gmail.com"); err != nil {
		return err
	}
	if err := c.Rcpt("support@calmdesk.example"); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	return w.Close()
}
