package mailintake_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/smtp"
	"os"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/mailintake"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Point 7: a message is stored once however often it arrives, and two
// messages that share only a Message-ID are both stored; both are logged.
func TestDuplicatesAreScopedAndLogged(t *testing.T) {
	const (
		ana  = "From: Ana Ruiz <ana@example.com>\r\nSubject: Broken lamp\r\nMessage-ID: <lamp.1@example.com>\r\n\r\nThe lamp from order 4471 arrived broken.\r\n"
		ben  = "From: Ben Okafor <ben@example.org>\r\nSubject: Late parcel\r\nMessage-ID: <lamp.1@example.com>\r\n\r\nMy parcel 5120 is a week late.\r\n"
		ana2 = "From: Ana Ruiz <ana@example.com>\r\nSubject: Broken lamp, again\r\nMessage-ID: <lamp.1@example.com>\r\n\r\nAnd the replacement is broken too.\r\n"
		// The same message through a list, which added a footer.
		anaList = "From: Ana Ruiz <ana@example.com>\r\nSubject: [help] Broken lamp\r\nMessage-ID: <lamp.1@example.com>\r\nList-Id: <help.example.com>\r\n\r\n" +
			"The lamp from order 4471 arrived broken.\r\n\r\n-- \r\nhelp mailing list\r\n"
		noID = "From: Cy Park <cy@example.net>\r\nSubject: Password\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n\r\nI cannot reset my password.\r\n"
	)
	tests := []struct {
		name   string
		sends  []string
		stored int
		log    string
	}{
		{"the same message twice", []string{ana, ana}, 1, "duplicate not stored again"},
		{"another sender, the same Message-ID", []string{ana, ben}, 2, "stored apart"},
		{"the same sender, the same Message-ID, other words", []string{ana, ana2}, 2, "stored apart"},
		{"the same message with a list footer", []string{ana, anaList}, 1, "duplicate not stored again"},
		{"no Message-ID, resent with another Received", []string{noID, "Received: from relay2.example.net by mx.example.com; Mon, 2 Mar 2026 10:05:00 +0000\r\n" + noID}, 1, "duplicate not stored again"},
		{"stored apart, then resent", []string{ana, ben, ben}, 2, "duplicate not stored again"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				var logs bytes.Buffer
				d := desk.New(db, desk.Options{Analyzer: testAnalyzer})
				intake := mailintake.Intake{Desk: d, Log: slog.New(slog.NewTextHandler(&logs, nil))}
				for _, raw := range tt.sends {
					msg, err := mail.ParseBytes([]byte(raw), mail.Limits{})
					if err != nil {
						t.Fatal(err)
					}
					if err := intake.Deliver(context.Background(), []byte(raw), msg, []string{"support@shop.example"}); err != nil {
						t.Fatal(err)
					}
				}
				var n int
				if err := db.Read().QueryRow(`SELECT count(*) FROM messages`).Scan(&n); err != nil || n != tt.stored {
					t.Errorf("%d messages stored (%v), want %d", n, err, tt.stored)
				}
				if !strings.Contains(logs.String(), tt.log) {
					t.Errorf("log lacks %q:\n%s", tt.log, logs.String())
				}
			})
		})
	}
}

// NUL and other control characters never make a customer's message
// refused: they leave the text before it reaches the desk, whose
// PostgreSQL cannot store NUL.
func TestControlCharactersReachEveryEngine(t *testing.T) {
	raw, err := os.ReadFile("../mail/testdata/nul_controls.eml")
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		d := desk.New(db, desk.Options{Analyzer: testAnalyzer})
		addr := startReceiver(t, d)
		if err := smtp.SendMail(addr, nil, "ravi.kumar@example.in", []string{"support@shop.example"}, raw); err != nil {
			t.Fatalf("refused: %v", err)
		}
		page, err := d.Cases(context.Background(), desk.CaseQuery{})
		if err != nil || len(page.Cases) != 1 {
			t.Fatalf("cases %+v, %v", page, err)
		}
		c, err := d.Case(context.Background(), page.Cases[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		m := c.Messages[0]
		if c.Subject != "Refund status" || strings.ContainsAny(m.RawText+m.CleanText, "\x00\x07\x0b\x1b\x7f") || !strings.Contains(m.CleanText, "my refund for order 9921 is still pending") {
			t.Errorf("stored subject %q, text %q", c.Subject, m.CleanText)
		}
	})
}
