package mail_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/mail"
)

// deskSink shows the shape of the Deliverer the desk provides.
type deskSink struct{}

func (deskSink) Deliver(ctx context.Context, raw []byte, msg *mail.Inbound, rcpts []string) error {
	if msg.From.Email == "" {
		// Never storable: refuse for good instead of being retried forever.
		return fmt.Errorf("no sender: %w", mail.ErrRejected)
	}
	// Store raw, msg.DedupKey(), msg.NewText (analysed), msg.Text,
	// msg.CaseRef, msg.InReplyTo/References and msg.Automatic in one
	// transaction; return nil only after the commit.
	return nil
}

func ExampleNewSMTPServer() {
	srv := mail.NewSMTPServer(mail.SMTPConfig{
		Addr:          "127.0.0.1:2525",
		Domain:        "desk.example.com",
		AcceptDomains: []string{"support.example.com"},
	}, deskSink{})
	go func() {
		if err := srv.ListenAndServe(); err != nil {
			log.Print(err)
		}
	}()
	// On shutdown: wait for messages being delivered, then stop.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
}

func ExampleParse() {
	raw := "From: =?utf-8?q?J=C3=BCrgen?= <j@example.com>\r\n" +
		"Subject: Re: Invoice wrong [#88]\r\n" +
		"Message-ID: <abc@example.com>\r\n" +
		"\r\n" +
		"Still wrong!\r\n" +
		"\r\n" +
		"On Mon, 2 Mar 2026, Sam <sam@desk.example.com> wrote:\r\n" +
		"> We fixed it.\r\n"
	msg, err := mail.Parse(strings.NewReader(raw), mail.Limits{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(msg.From.Name, msg.CaseRef, msg.MessageID)
	fmt.Println(msg.NewText)
	// Output:
	// Jürgen 88 abc@example.com
	// Still wrong!
}

func ExampleSender_Send() {
	sender, err := mail.NewSender(mail.SenderConfig{
		Host: "smtp.example.com", Username: "desk", Password: "secret", // STARTTLS on 587
	})
	if err != nil {
		log.Fatal(err)
	}
	out := mail.Outgoing{
		From:      mail.Address{Name: "Sam at Example Support", Email: "support@example.com"},
		To:        []mail.Address{{Name: "Dana", Email: "dana@example.net"}},
		Subject:   mail.ReplySubject("Refund missing", 1234),
		CaseID:    1234,
		MessageID: mail.NewMessageID("example.com"), // store it before the first try
		InReplyTo: "CAJx9f@mail.example.net",
		Text:      "Dana, I have refunded you today.",
	}
	_, err = sender.Send(context.Background(), out)
	var se *mail.SendError
	switch {
	case err == nil:
	case mail.IsTemporary(err):
		// retry later with the same Outgoing (same Message-ID)
	case errors.As(err, &se):
		// permanent: show se.Code and the error on the case
	}
}
