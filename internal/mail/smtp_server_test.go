package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// startSMTP runs a receiver on a loopback port and returns its address.
func startSMTP(t testing.TB, cfg SMTPConfig, sink Deliverer) string {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	srv := NewSMTPServer(cfg, sink)
	l := listenLoopback(t)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return l.Addr().String()
}

// smtpCode returns the reply code of an error from net/smtp, or 0.
func smtpCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}

// sendRaw sends raw through a plain net/smtp session and returns the error
// of the first command that failed.
func sendRaw(addr, from string, to []string, raw []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Mail(from); err != nil {
		return err
	}
	for _, r := range to {
		if err := c.Rcpt(r); err != nil {
			return err
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSMTPServerDelivers(t *testing.T) {
	sink := &recordingSink{}
	addr := startSMTP(t, SMTPConfig{AcceptDomains: []string{"calmdesk.example"}}, sink)
	raw := fixture(t, "gmail_reply.eml")
	if err := sendRaw(addr, "dana.whitfield@gmail.com", []string{"Support@Calmdesk.example"}, raw); err != nil {
		t.Fatalf("send: %v", err)
	}
	got := sink.deliveries()
	if len(got) != 1 {
		t.Fatalf("%d deliveries, want 1", len(got))
	}
	d := got[0]
	if d.msg.CaseRef != 1234 || d.msg.From.Email != "dana.whitfield@gmail.com" {
		t.Errorf("parsed message = %+v", d.msg)
	}
	if len(d.rcpts) != 1 || d.rcpts[0] != "support@calmdesk.example" {
		t.Errorf("rcpts = %q", d.rcpts)
	}
	// The receiver adds its Received trace field on top; the rest is the
	// message as sent (net/smtp sends CRLF, as the fixture has).
	if !bytes.HasSuffix(d.raw, raw) || !bytes.HasPrefix(d.raw, []byte("Received: from localhost (127.0.0.1)\r\n\tby localhost with ESMTP;")) {
		t.Errorf("raw message changed in transit:\n%.300s", d.raw)
	}
	if d.msg.Automatic != NotAutomatic {
		t.Errorf("Automatic = %q", d.msg.Automatic)
	}
}

func TestSMTPServerRejectsUnknownRecipient(t *testing.T) {
	sink := &recordingSink{}
	addr := startSMTP(t, SMTPConfig{AcceptDomains: []string{"calmdesk.example"}, AcceptAddresses: []string{"help@other.example"}}, sink)
	raw := fixture(t, "iphone.eml")
	if err := sendRaw(addr, "a@x.example", []string{"someone@elsewhere.example"}, raw); smtpCode(err) != 550 {
		t.Errorf("unknown domain: err = %v, want 550", err)
	}
	if err := sendRaw(addr, "a@x.example", []string{"HELP@other.example"}, raw); err != nil {
		t.Errorf("listed address: %v", err)
	}
	if n := len(sink.deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

func TestSMTPServerSinkFailureIsTemporary(t *testing.T) {
	sink := &recordingSink{err: errors.New("database is locked")}
	addr := startSMTP(t, SMTPConfig{}, sink)
	err := sendRaw(addr, "a@x.example", []string{"support@calmdesk.example"}, fixture(t, "iphone.eml"))
	if smtpCode(err) != 451 {
		t.Fatalf("err = %v, want 451", err)
	}
	sink.err = fmt.Errorf("blocked sender: %w", ErrRejected)
	err = sendRaw(addr, "a@x.example", []string{"support@calmdesk.example"}, fixture(t, "iphone.eml"))
	if smtpCode(err) != 550 {
		t.Fatalf("err = %v, want 550", err)
	}
}

func TestSMTPServerAnswersOnlyAfterDeliver(t *testing.T) {
	sink := &recordingSink{block: make(chan struct{})}
	addr := startSMTP(t, SMTPConfig{}, sink)
	done := make(chan error, 1)
	go func() {
		done <- sendRaw(addr, "a@x.example", []string{"support@calmdesk.example"}, fixture(t, "iphone.eml"))
	}()
	select {
	case err := <-done:
		t.Fatalf("client got its answer (%v) before the sink committed", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(sink.block)
	if err := <-done; err != nil {
		t.Fatalf("send: %v", err)
	}
	if n := len(sink.deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

func TestSMTPServerSizeLimit(t *testing.T) {
	sink := &recordingSink{}
	addr := startSMTP(t, SMTPConfig{Limits: Limits{MaxMessageBytes: 1000}}, sink)
	err := sendRaw(addr, "a@x.example", []string{"support@calmdesk.example"}, fixture(t, "attachments.eml"))
	if smtpCode(err) != 552 {
		t.Fatalf("err = %v, want 552", err)
	}
	if n := len(sink.deliveries()); n != 0 {
		t.Errorf("%d deliveries, want 0", n)
	}
}

func TestSMTPServerRefusesUnreadableHeader(t *testing.T) {
	addr := startSMTP(t, SMTPConfig{}, &recordingSink{})
	err := sendRaw(addr, "a@x.example", []string{"support@calmdesk.example"}, []byte("no header here\r\nat all\r\n\r\nbody\r\n"))
	if smtpCode(err) != 554 {
		t.Fatalf("err = %v, want 554", err)
	}
}

func TestSMTPServerStartTLS(t *testing.T) {
	cert, pool := testCert(t)
	sink := &recordingSink{}
	addr := startSMTP(t, SMTPConfig{TLS: &tls.Config{Certificates: []tls.Certificate{cert}}, RequireTLS: true}, sink)

	// Without STARTTLS the transaction is refused.
	if err := sendRaw(addr, "a@x.example", []string{"support@calmdesk.example"}, fixture(t, "iphone.eml")); smtpCode(err) != 530 {
		t.Fatalf("plain MAIL: err = %v, want 530", err)
	}

	c, err := smtp.Dial(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); !ok {
		t.Fatal("STARTTLS not advertised")
	}
	if err := c.StartTLS(&tls.Config{ServerName: "127.0.0.1", RootCAs: pool}); err != nil {
		t.Fatalf("STARTTLS: %v", err)
	}
	if err := c.Mail("a@x.example"); err != nil {
		t.Fatal(err)
	}
	if err := c.Rcpt("support@calmdesk.example"); err != nil {
		t.Fatal(err)
	}
	w, _ := c.Data()
	w.Write(fixture(t, "iphone.eml"))
	if err := w.Close(); err != nil {
		t.Fatalf("DATA over TLS: %v", err)
	}
	c.Quit()
	if n := len(sink.deliveries()); n != 1 {
		t.Errorf("%d deliveries, want 1", n)
	}
}

func TestLMTPServer(t *testing.T) {
	sink := &recordingSink{}
	addr := startSMTP(t, SMTPConfig{LMTP: true}, sink)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	c := gosmtp.NewClientLMTP(conn)
	defer c.Close()
	if err := c.Hello("mx.test"); err != nil {
		t.Fatal(err)
	}
	if err := c.SendMail("a@x.example", []string{"support@calmdesk.example", "billing@calmdesk.example"}, strings.NewReader(string(fixture(t, "attachments.eml")))); err != nil {
		t.Fatalf("LMTP send: %v", err)
	}
	got := sink.deliveries()
	if len(got) != 1 || len(got[0].rcpts) != 2 {
		t.Fatalf("deliveries = %+v", got)
	}
	if len(got[0].msg.Attachments) != 2 {
		t.Errorf("attachments = %d", len(got[0].msg.Attachments))
	}
}

func TestSMTPServerShutdownWaitsForDelivery(t *testing.T) {
	sink := &recordingSink{block: make(chan struct{})}
	srv := NewSMTPServer(SMTPConfig{Logger: quietLogger()}, sink)
	l := listenLoopback(t)
	go srv.Serve(l)
	done := make(chan error, 1)
	go func() {
		done <- sendRaw(l.Addr().String(), "a@x.example", []string{"s@calmdesk.example"}, fixture(t, "iphone.eml"))
	}()
	time.Sleep(100 * time.Millisecond)
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(context.Background()) }()
	time.Sleep(100 * time.Millisecond)
	close(sink.block)
	if err := <-done; err != nil {
		t.Fatalf("in-flight message not acknowledged: %v", err)
	}
	if err := <-shut; err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

func TestSMTPServerNullSenderIsAutomatic(t *testing.T) {
	sink := &recordingSink{}
	addr := startSMTP(t, SMTPConfig{}, sink)
	if err := sendRaw(addr, "", []string{"support@calmdesk.example"}, fixture(t, "iphone.eml")); err != nil {
		t.Fatal(err)
	}
	if d := sink.deliveries(); len(d) != 1 || d[0].msg.Automatic != AutoReply {
		t.Fatalf("deliveries = %+v", d)
	}
}

func TestSMTPServerMaxConnections(t *testing.T) {
	sink := &recordingSink{block: make(chan struct{})}
	addr := startSMTP(t, SMTPConfig{MaxConnections: 1}, sink)
	first := make(chan error, 1)
	go func() {
		first <- sendRaw(addr, "a@x.example", []string{"s@calmdesk.example"}, fixture(t, "iphone.eml"))
	}()
	time.Sleep(100 * time.Millisecond)
	// The second client connects but gets no greeting until the first
	// session ends.
	second := make(chan error, 1)
	go func() {
		second <- sendRaw(addr, "b@x.example", []string{"s@calmdesk.example"}, fixture(t, "iphone.eml"))
	}()
	select {
	case err := <-second:
		t.Fatalf("second session served while the first was open: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(sink.block)
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if n := len(sink.deliveries()); n != 2 {
		t.Errorf("%d deliveries, want 2", n)
	}
}

// TestSMTPServerTransportsFixtures sends every fixture through SMTP and
// checks the receiver parses it as Parse does from the file: the SMTP
// dialogue (dot-stuffing, line ends) changes nothing.
func TestSMTPServerTransportsFixtures(t *testing.T) {
	sink := &recordingSink{}
	addr := startSMTP(t, SMTPConfig{}, sink)
	files, _ := filepath.Glob("testdata/*.eml")
	files = append(files, "") // plus a message with dot-led lines
	for _, f := range files {
		var raw []byte
		if f == "" {
			raw = []byte("From: dots@example.com\r\nMessage-ID: <dots@example.com>\r\n\r\n.\r\n..two\r\n.three\r\nend\r\n")
		} else {
			raw = fixture(t, filepath.Base(f))
		}
		want, err := ParseBytes(raw, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		before := len(sink.deliveries())
		if err := sendRaw(addr, "x@example.com", []string{"support@calmdesk.example"}, raw); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		got := sink.deliveries()[before].msg
		// net/smtp turns bare LF into CRLF; compare what that can't change.
		if got.MessageID != want.MessageID || got.Subject != want.Subject || got.NewText != want.NewText || len(got.Attachments) != len(want.Attachments) || got.HTML != want.HTML {
			t.Errorf("%s: parsed differently after SMTP:\n got %+v\nwant %+v", f, got, want)
		}
	}
	last := sink.deliveries()[len(sink.deliveries())-1].msg
	if last.Text != ".\n..two\n.three\nend\n" {
		t.Errorf("dot-led lines = %q", last.Text)
	}
}
