package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	gosmtp "github.com/emersion/go-smtp"
)

// captureServer is a real SMTP server (go-smtp) that keeps what it
// receives, requires AUTH PLAIN after STARTTLS, and fails on demand.
type captureServer struct {
	mu       sync.Mutex
	messages [][]byte
	rcpts    [][]string
	rcptErr  error // returned by RCPT when set
	dataErr  error // returned by DATA when set
}

func (cs *captureServer) NewSession(*gosmtp.Conn) (gosmtp.Session, error) {
	return &captureSession{cs: cs}, nil
}

func (cs *captureServer) captured() ([][]byte, [][]string) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.messages, cs.rcpts
}

type captureSession struct {
	cs     *captureServer
	authed bool
	rcpts  []string
}

func (s *captureSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *captureSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "desk" || pass != "s3cret" {
			return gosmtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *captureSession) Mail(string, *gosmtp.MailOptions) error {
	if !s.authed {
		return gosmtp.ErrAuthRequired
	}
	return nil
}

func (s *captureSession) Rcpt(to string, _ *gosmtp.RcptOptions) error {
	if s.cs.rcptErr != nil {
		return s.cs.rcptErr
	}
	s.rcpts = append(s.rcpts, to)
	return nil
}

func (s *captureSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if s.cs.dataErr != nil {
		return s.cs.dataErr
	}
	s.cs.mu.Lock()
	defer s.cs.mu.Unlock()
	s.cs.messages = append(s.cs.messages, b)
	s.cs.rcpts = append(s.cs.rcpts, s.rcpts)
	return nil
}

func (s *captureSession) Reset()        { s.rcpts = nil }
func (s *captureSession) Logout() error { return nil }

// startCapture runs a captureServer with STARTTLS on loopback and returns a
// SenderConfig that reaches it.
func startCapture(t *testing.T) (*captureServer, SenderConfig) {
	t.Helper()
	cert, pool := testCert(t)
	cs := &captureServer{}
	srv := gosmtp.NewServer(cs)
	srv.Domain = "capture.test"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ErrorLog = slogPrinter{quietLogger()}
	l := listenLoopback(t)
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(l.Addr().String())
	p, _ := strconv.Atoi(port)
	return cs, SenderConfig{
		Host: host, Port: p, Username: "desk", Password: "s3cret",
		TLS: StartTLS, TLSConfig: &tls.Config{RootCAs: pool}, HELO: "desk.test", Timeout: 5 * time.Second,
	}
}

func sampleReply() Outgoing {
	return Outgoing{
		From:       Address{"Sam at Calm Support", "support@calmdesk.example"},
		To:         []Address{{"Dana Whitfield", "dana.whitfield@gmail.com"}},
		Subject:    ReplySubject("Re: Refund still missing [#1234]", 1234),
		CaseID:     1234,
		MessageID:  NewMessageID("calmdesk.example"),
		InReplyTo:  "CAJx9f+ZQk1uN1aR5dE3mQ@mail.gmail.com",
		References: []string{"reply-1234-1@calmdesk.example", "reply-1234-2@calmdesk.example"},
		Text:       "Dana, I am sorry you were charged twice.\n\nI have refunded 49.90 EUR today; you will see it by Friday 6 March.",
		Signature:  "Sam\nCalm Support",
		Date:       time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC),
	}
}

func TestSenderDeliversReply(t *testing.T) {
	cs, cfg := startCapture(t)
	s, err := NewSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := sampleReply()
	id, err := s.Send(context.Background(), out)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if id != out.MessageID {
		t.Errorf("Send returned id %q, want %q", id, out.MessageID)
	}
	msgs, rcpts := cs.captured()
	if len(msgs) != 1 {
		t.Fatalf("captured %d messages", len(msgs))
	}
	if len(rcpts[0]) != 1 || rcpts[0][0] != "dana.whitfield@gmail.com" {
		t.Errorf("RCPT = %q", rcpts[0])
	}
	raw := msgs[0]
	// Read the captured message back with our own parser.
	in, err := ParseBytes(raw, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if in.From != out.From {
		t.Errorf("From = %+v", in.From)
	}
	if in.Subject != "Re: Refund still missing [#1234]" || in.CaseRef != 1234 {
		t.Errorf("Subject = %q", in.Subject)
	}
	if in.MessageID != out.MessageID {
		t.Errorf("Message-ID = %q, want %q", in.MessageID, out.MessageID)
	}
	if len(in.InReplyTo) != 1 || in.InReplyTo[0] != out.InReplyTo {
		t.Errorf("In-Reply-To = %q", in.InReplyTo)
	}
	wantRefs := []string{"reply-1234-1@calmdesk.example", "reply-1234-2@calmdesk.example", "CAJx9f+ZQk1uN1aR5dE3mQ@mail.gmail.com"}
	if strings.Join(in.References, " ") != strings.Join(wantRefs, " ") {
		t.Errorf("References = %q, want %q", in.References, wantRefs)
	}
	if !strings.Contains(in.Text, "refunded 49.90 EUR") || !strings.Contains(in.Text, "\n-- \nSam") {
		t.Errorf("text part = %q", in.Text)
	}
	if !strings.Contains(in.HTML, "<p>Dana, I am sorry") {
		t.Errorf("HTML part = %q", in.HTML)
	}
	if in.NewText != "Dana, I am sorry you were charged twice.\n\nI have refunded 49.90 EUR today; you will see it by Friday 6 March." {
		t.Errorf("NewText = %q", in.NewText)
	}
	if !in.Date.Equal(out.Date) {
		t.Errorf("Date = %v", in.Date)
	}
	if in.Automatic != NotAutomatic || bytes.Contains(raw, []byte("Auto-Submitted")) {
		t.Errorf("a reply must not be marked automatic")
	}
	if !bytes.Contains(raw, []byte("multipart/alternative")) {
		t.Errorf("no multipart/alternative:\n%s", raw)
	}
}

func TestComposeFollowUpIsAutoSubmitted(t *testing.T) {
	out := sampleReply()
	out.AutoSubmitted = true
	out.Subject = "How did we do?"
	out.InReplyTo, out.References = "", nil
	out.MessageID = ""
	m, err := Compose(out)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	in, err := ParseBytes(buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if in.Automatic != AutoReply || in.Subject != "How did we do? [#1234]" || !strings.HasSuffix(in.MessageID, "@calmdesk.example") {
		t.Errorf("follow-up = automatic %q, subject %q, id %q", in.Automatic, in.Subject, in.MessageID)
	}
	if len(in.InReplyTo) != 0 || len(in.References) != 0 {
		t.Errorf("new thread has In-Reply-To/References")
	}
}

func TestComposeNeutralisesInjection(t *testing.T) {
	out := sampleReply()
	out.From.Name = "Sam\r\nBcc: everyone@x.example"
	out.Subject = "Hi\r\nBcc: everyone@x.example"
	out.InReplyTo = "a>\r\nBcc: x@y"
	m, err := Compose(out)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m.WriteTo(&buf)
	for _, line := range strings.Split(buf.String(), "\r\n") {
		if strings.HasPrefix(strings.ToLower(line), "bcc:") {
			t.Fatalf("header injected:\n%s", buf.String())
		}
	}
}

func TestComposeRejectsBadAddress(t *testing.T) {
	out := sampleReply()
	out.To = []Address{{"x", "not an address"}}
	if _, err := Compose(out); err == nil {
		t.Fatal("no error for a bad address")
	}
}

func TestSenderClassifiesErrors(t *testing.T) {
	t.Run("5xx is permanent", func(t *testing.T) {
		cs, cfg := startCapture(t)
		cs.rcptErr = &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "No such user"}
		s, _ := NewSender(cfg)
		_, err := s.Send(context.Background(), sampleReply())
		var se *SendError
		if !errors.As(err, &se) || se.Temporary || se.Code != 550 || IsTemporary(err) {
			t.Fatalf("err = %#v", err)
		}
	})
	t.Run("4xx is temporary", func(t *testing.T) {
		cs, cfg := startCapture(t)
		cs.dataErr = &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "Try later"}
		s, _ := NewSender(cfg)
		_, err := s.Send(context.Background(), sampleReply())
		var se *SendError
		if !errors.As(err, &se) || !se.Temporary || se.Code != 451 {
			t.Fatalf("err = %#v", err)
		}
	})
	t.Run("wrong password is permanent", func(t *testing.T) {
		_, cfg := startCapture(t)
		cfg.Password = "wrong"
		s, _ := NewSender(cfg)
		_, err := s.Send(context.Background(), sampleReply())
		if err == nil || IsTemporary(err) {
			t.Fatalf("err = %v, want permanent", err)
		}
	})
	t.Run("connection refused is temporary", func(t *testing.T) {
		l := listenLoopback(t)
		host, port, _ := net.SplitHostPort(l.Addr().String())
		l.Close()
		p, _ := strconv.Atoi(port)
		s, _ := NewSender(SenderConfig{Host: host, Port: p, TLS: NoTLS, Timeout: time.Second})
		_, err := s.Send(context.Background(), sampleReply())
		if err == nil || !IsTemporary(err) {
			t.Fatalf("err = %v, want temporary", err)
		}
	})
	t.Run("STARTTLS required but not offered is temporary", func(t *testing.T) {
		srv := gosmtp.NewServer(&captureServer{})
		srv.ErrorLog = slogPrinter{quietLogger()}
		l := listenLoopback(t)
		go srv.Serve(l)
		defer srv.Close()
		host, port, _ := net.SplitHostPort(l.Addr().String())
		p, _ := strconv.Atoi(port)
		s, _ := NewSender(SenderConfig{Host: host, Port: p, Timeout: time.Second})
		_, err := s.Send(context.Background(), sampleReply())
		if err == nil || !IsTemporary(err) {
			t.Fatalf("err = %v, want temporary", err)
		}
	})
}

func TestComposeAttachments(t *testing.T) {
	out := sampleReply()
	out.Attachments = []OutgoingAttachment{
		{Filename: "refund-receipt.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.4 receipt")},
		{Filename: "../notes.txt", Data: []byte("n")},
	}
	m, err := Compose(out)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	in, err := ParseBytes(buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(in.Attachments) != 2 {
		t.Fatalf("%d attachments", len(in.Attachments))
	}
	pdf, notes := in.Attachments[0], in.Attachments[1]
	if pdf.Filename != "refund-receipt.pdf" || pdf.ContentType != "application/pdf" || string(pdf.Data) != "%PDF-1.4 receipt" {
		t.Errorf("pdf = %+v", pdf)
	}
	if notes.Filename != "notes.txt" || notes.ContentType != "application/octet-stream" {
		t.Errorf("notes = %+v", notes)
	}
	if !strings.Contains(in.NewText, "refunded 49.90 EUR") || !strings.Contains(in.HTML, "<p>Dana") {
		t.Errorf("body lost: %q", in.NewText)
	}
}

func TestComposeUnicodeNames(t *testing.T) {
	out := sampleReply()
	out.From.Name = "Zoë at Ünïcode Support"
	out.To = []Address{{"Jürgen Müller, Dr.", "j.mueller@contoso.example"}}
	out.Subject = "Re: Rückerstattung für Bestellung 4471"
	m, err := Compose(out)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	m.WriteTo(&buf)
	header := buf.String()[:strings.Index(buf.String(), "\r\n\r\n")]
	for i := 0; i < len(header); i++ {
		if header[i] >= 0x80 {
			t.Fatalf("raw non-ASCII in the header:\n%s", header)
		}
	}
	in, err := ParseBytes(buf.Bytes(), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if in.From.Name != out.From.Name || in.To[0] != out.To[0] || in.Subject != "Re: Rückerstattung für Bestellung 4471 [#1234]" {
		t.Errorf("From %+v, To %+v, Subject %q", in.From, in.To, in.Subject)
	}
}
