package mail

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/smtp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// counterValue reads a counter's value.
func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// Point 1: lines far over RFC 5322's 998 characters are received (Gmail's
// one-line base64 bodies, 24,000-character lines), and the connection
// stays usable for the next message.
func TestSMTPServerAcceptsLongLines(t *testing.T) {
	sink := &recordingSink{}
	addr := startSMTP(t, SMTPConfig{}, sink)
	long := "From: Ana <ana@example.com>\r\nSubject: long line\r\nMessage-ID: <long.1@example.com>\r\n\r\n" +
		strings.Repeat("The parcel never came. ", 1100) + "\r\n"
	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, raw := range [][]byte{fixture(t, "gmail_long_line.eml"), []byte(long), fixture(t, "iphone.eml")} {
		if err := sendOn(c, raw); err != nil {
			t.Fatalf("send: %v", err)
		}
	}
	got := sink.deliveries()
	if len(got) != 3 {
		t.Fatalf("%d deliveries, want 3", len(got))
	}
	if !strings.Contains(got[0].msg.Text, "refund me.\n\nLena Vogt") || len(got[1].msg.Text) < 24000 {
		t.Errorf("long lines not read whole: %d and %d bytes of text", len(got[0].msg.Text), len(got[1].msg.Text))
	}
}

// Points 1 and 11: whatever is still refused is refused saying why, in the
// SMTP reply and in a WARN log line with the sender and the Message-ID,
// and is counted by reason for /metrics.
func TestSMTPServerRefusalsAreExplainedLoggedAndCounted(t *testing.T) {
	var logs bytes.Buffer
	metrics := NewMetrics()
	sink := &recordingSink{}
	addr := startSMTP(t, SMTPConfig{
		Limits:  Limits{MaxMessageBytes: 4000},
		Logger:  slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Metrics: metrics,
	}, sink)
	big := "From: a@x.example\r\nMessage-ID: <big.1@x.example>\r\n\r\n" + strings.Repeat("x", 5000) + "\r\n"
	for _, tt := range []struct {
		name, raw  string
		sinkErr    error
		code       int
		reply, log string
	}{
		{"too large", big, nil, 552, "", `message_id=big.1@x.example reason="larger than 4000 bytes"`},
		{"no header", "just words\r\nand more\r\n", nil, 554, "Message cannot be read: no header fields", `reason="no header fields"`},
		{"rejected by the desk", "From: a@x.example\r\nMessage-ID: <rej.1@x.example>\r\n\r\nhi\r\n",
			fmt.Errorf("%w: customer.email: must be an email address", ErrRejected), 550,
			"Message rejected: customer.email: must be an email address", `message_id=rej.1@x.example reason="customer.email: must be an email address"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			logs.Reset()
			sink.err = tt.sinkErr
			err := sendRaw(addr, "sender@x.example", []string{"support@calmdesk.example"}, []byte(tt.raw))
			if smtpCode(err) != tt.code || !strings.Contains(fmt.Sprint(err), tt.reply) {
				t.Errorf("reply %v, want %d %q", err, tt.code, tt.reply)
			}
			if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "from=sender@x.example") || !strings.Contains(logs.String(), tt.log) {
				t.Errorf("log %q lacks WARN, sender or %q", logs.String(), tt.log)
			}
		})
	}
	for reason, want := range map[string]float64{"too_large": 1, "unreadable": 1, "rejected": 1} {
		if got := counterValue(t, metrics.refused.WithLabelValues("smtp", reason)); got != want {
			t.Errorf("calmdesk_mail_refused_total{reason=%q} = %v, want %v", reason, got, want)
		}
	}
	if got := counterValue(t, metrics.received.WithLabelValues("smtp", "refused")); got != 3 {
		t.Errorf("refused = %v, want 3", got)
	}
}

// Point 11: a message without From is the envelope sender's.
func TestSMTPServerUsesEnvelopeSenderWithoutFrom(t *testing.T) {
	sink := &recordingSink{}
	metrics := NewMetrics()
	addr := startSMTP(t, SMTPConfig{Metrics: metrics}, sink)
	raw := fixture(t, "thirdparty/mikel__spec_fixtures_emails_error_emails_bad_encoded_subject.eml")
	if err := sendRaw(addr, "Pat.Lee@example.org", []string{"support@calmdesk.example"}, raw); err != nil {
		t.Fatal(err)
	}
	got := sink.deliveries()
	if len(got) != 1 || got[0].msg.From.Email != "Pat.Lee@example.org" || got[0].msg.Subject != "TEST" {
		t.Fatalf("deliveries %+v", got)
	}
	if n := counterValue(t, metrics.received.WithLabelValues("smtp", "stored")); n != 1 {
		t.Errorf("stored = %v, want 1", n)
	}
}
