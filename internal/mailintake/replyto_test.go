package mailintake_test

import (
	"context"
	"database/sql"
	"net/smtp"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/mailintake"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// queueAll is an Outbox that queues every email under one Message-ID.
type queueAll struct{}

func (queueAll) QueueTx(context.Context, *sql.Tx, int64) (string, error) {
	return "cd.reply.1@shop.example", nil
}

// Issue 15, point 5: a customer's Reply-To reaches the outbox, which
// addresses the answer there; a Reply-To that is the sender's own, or
// unusable, leaves it with the sender.
func TestReplyToReachesTheOutbox(t *testing.T) {
	for _, tt := range []struct{ name, replyTo, want string }{
		{"another address", "Reply-To: Ruiz Bakery Accounts <accounts@ruiz-bakery.example>\r\n", "accounts@ruiz-bakery.example"},
		{"the sender's own", "Reply-To: <ANA.RUIZ@gmail.example>\r\n", ""},
		{"unusable", "Reply-To: accounts at ruiz-bakery\r\n", ""},
		{"none", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *store.DB) {
				ctx := context.Background()
				d := desk.New(db, desk.Options{Analyzer: testAnalyzer, Outbox: queueAll{}})
				addr := startReceiver(t, d)
				raw := "From: Ana Ruiz <ana.ruiz@gmail.example>\r\n" + tt.replyTo +
					"To: support@shop.example\r\nSubject: Invoice for order 4471\r\nMessage-ID: <ana.4471@gmail.example>\r\n\r\n" +
					"Please send the corrected invoice to our accounts team.\r\n"
				if err := smtp.SendMail(addr, nil, "ana.ruiz@gmail.example", []string{"support@shop.example"}, []byte(raw)); err != nil {
					t.Fatal(err)
				}
				page, err := d.Cases(ctx, desk.CaseQuery{})
				if err != nil || len(page.Cases) != 1 {
					t.Fatalf("cases %+v %v", page, err)
				}
				sam, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent})
				if err != nil {
					t.Fatal(err)
				}
				reply, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: page.Cases[0].ID, Text: "Hi Ana, the corrected invoice is on its way to your accounts team."})
				if err != nil {
					t.Fatal(err)
				}
				o, err := d.OutboundEmailFor(ctx, reply.Message.ID)
				if err != nil {
					t.Fatal(err)
				}
				if o.ReplyTo != tt.want || o.ToEmail != "ana.ruiz@gmail.example" {
					t.Errorf("outbound to %q, Reply-To %q; want Reply-To %q", o.ToEmail, o.ReplyTo, tt.want)
				}
			})
		})
	}
}

// Issue 15, point 12: a message the mailbox poller refused is shown to
// the admins, with its sender, its reason and where it now is.
func TestRefusedMailIsShownToAdmins(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	d := desk.New(db, desk.Options{Analyzer: testAnalyzer})
	admin, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "root@calmdesk.test", Name: "Root", Role: desk.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	mailintake.Intake{Desk: d}.Refused(ctx, mail.Refusal{UID: 7, From: "spam@blocked.example", Subject: "Offer",
		Reason: "customer.email: blocked sender", MovedTo: "calmdesk/refused"})
	notes, err := d.Notifications(ctx, admin, 10)
	if err != nil || len(notes) != 1 || notes[0].Kind != "mail_refused" ||
		!strings.Contains(notes[0].Message, "spam@blocked.example") || !strings.Contains(notes[0].Message, "blocked sender") || !strings.Contains(notes[0].Message, "calmdesk/refused") {
		t.Errorf("notifications = %+v, %v", notes, err)
	}
}
