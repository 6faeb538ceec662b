package mailintake_test

import (
	"context"
	"net"
	"net/smtp"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/mailintake"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

const danaMail = "From: Dana Reyes <dana.reyes@example.com>\r\n" +
	"To: support@shop.example\r\n" +
	"Subject: Charged twice for order 4471\r\n" +
	"Message-ID: <CAFdana.1@mail.example.com>\r\n" +
	"Date: Fri, 27 Nov 2026 23:10:00 +0000\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
	"This is the third time I write. You charged me twice for order 4471. Fix it NOW.\r\n\r\n" +
	"On Tue, Nov 24, 2026 at 9:02 AM Support <support@shop.example> wrote:\r\n" +
	"> Thanks for contacting us, we will get back to you soon.\r\n"

const danaFollowUp = "From: Dana Reyes <dana.reyes@example.com>\r\n" +
	"To: support@shop.example\r\n" +
	"Subject: Re: Charged twice for order 4471\r\n" +
	"Message-ID: <CAFdana.2@mail.example.com>\r\n" +
	"In-Reply-To: <CAFdana.1@mail.example.com>\r\n" +
	"References: <CAFdana.1@mail.example.com>\r\n" +
	"Content-Type: text/plain; charset=utf-8\r\n\r\n" +
	"Any news?\r\n"

const outOfOffice = "From: Lee Morgan <lee.morgan@example.com>\r\n" +
	"To: support@shop.example\r\n" +
	"Subject: Out of office\r\n" +
	"Auto-Submitted: auto-replied\r\n" +
	"Message-ID: <ooo.1@example.com>\r\n\r\n" +
	"I am away until Monday.\r\n"

// TestSMTPToCase sends mail with a real SMTP client to the real receiver and
// checks what the desk stored.
func TestSMTPToCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := desk.New(db, desk.Options{Analyzer: testAnalyzer})
		addr := startReceiver(t, d)
		send := func(raw string) {
			t.Helper()
			if err := smtp.SendMail(addr, nil, "dana.reyes@example.com", []string{"support@shop.example"}, []byte(raw)); err != nil {
				t.Fatalf("SMTP send: %v", err)
			}
		}
		send(danaMail)
		send(danaMail) // a retry after a lost 250 must not duplicate
		send(danaFollowUp)
		send(outOfOffice)

		page, err := d.Cases(ctx, desk.CaseQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Cases) != 1 {
			t.Fatalf("%d cases, want 1 (the out-of-office must not open one)", len(page.Cases))
		}
		c, err := d.Case(ctx, page.Cases[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Messages) != 2 {
			t.Fatalf("%d messages, want 2", len(c.Messages))
		}
		first := c.Messages[0]
		if strings.Contains(first.CleanText, "get back to you soon") {
			t.Errorf("quoted history was analysed: %q", first.CleanText)
		}
		if !strings.Contains(first.RawText, "get back to you soon") {
			t.Errorf("full text not kept: %q", first.RawText)
		}
		if first.ExternalID != "CAFdana.1@mail.example.com" || first.Channel != "email" {
			t.Errorf("message = %+v", first)
		}
		if c.Customer.Name != "Dana Reyes" {
			t.Errorf("customer = %+v", c.Customer)
		}
	})
}

// startReceiver runs the real SMTP receiver for d on a loopback port and
// returns its address.
func startReceiver(t *testing.T, d *desk.Desk) string {
	t.Helper()
	srv := mail.NewSMTPServer(mail.SMTPConfig{Domain: "desk.test", Limits: mail.DefaultLimits()}, mailintake.Intake{Desk: d})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}
