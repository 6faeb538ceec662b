package jobs_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// start runs a job queue for a new desk on db and stops it when the test ends.
func start(t *testing.T, db *store.DB, now func() time.Time, cfg jobs.Config) *desk.Desk {
	t.Helper()
	ctx := context.Background()
	runner, err := jobs.New(ctx, db, cfg)
	if err != nil {
		t.Fatal(err)
	}
	d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: now, Outbox: runner.Outbox()})
	if err := runner.Start(ctx, d); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		if err := runner.Stop(stopCtx); err != nil {
			t.Error(err)
		}
	})
	return d
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(120 * time.Second) // generous: -race on a busy 2-core machine is slow (a learning run once landed at 61 s)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestRunnerSweeps starts the real job queue and waits for its periodic
// sweep to break a promise whose due time has passed.
func TestRunnerSweeps(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		offset := time.Duration(0)
		now := func() time.Time { mu.Lock(); defer mu.Unlock(); return time.Now().Add(offset) }
		d := start(t, db, now, jobs.Config{SweepEvery: 200 * time.Millisecond})
		sam, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "priya@example.com", Text: "My blender arrived broken, please send a replacement."})
		if err != nil {
			t.Fatal(err)
		}
		reply, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "Hi, I'm sorry it arrived broken. I will send you a replacement within 2 business days."})
		if err != nil || len(reply.Promises) == 0 {
			t.Fatalf("reply: %+v, %v", reply, err)
		}
		mu.Lock()
		offset = 14 * 24 * time.Hour // the desk's clock jumps two weeks ahead
		mu.Unlock()
		waitFor(t, "the sweep to break the overdue promise", func() bool {
			list, err := d.Promises(ctx, desk.PromiseQuery{Status: "broken"})
			return err == nil && len(list) == 1
		})
	})
}

// capture is a real SMTP server that keeps what it receives, or refuses
// every recipient when reject is set (550), or for now when tempfail is
// (451).
type capture struct {
	mu       sync.Mutex
	messages [][]byte
	reject   bool
	tempfail bool
}

func (c *capture) setTempfail(v bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tempfail = v
}

func (c *capture) NewSession(*gosmtp.Conn) (gosmtp.Session, error) { return &captureSession{c: c}, nil }

func (c *capture) received() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.messages
}

type captureSession struct{ c *capture }

func (s *captureSession) Mail(string, *gosmtp.MailOptions) error { return nil }
func (s *captureSession) Rcpt(string, *gosmtp.RcptOptions) error {
	s.c.mu.Lock()
	tempfail := s.c.tempfail
	s.c.mu.Unlock()
	if tempfail {
		return &gosmtp.SMTPError{Code: 451, EnhancedCode: gosmtp.EnhancedCode{4, 3, 0}, Message: "relay busy, try later"}
	}
	if s.c.reject {
		return &gosmtp.SMTPError{Code: 550, EnhancedCode: gosmtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	return nil
}
func (s *captureSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.c.mu.Lock()
	s.c.messages = append(s.c.messages, b)
	s.c.mu.Unlock()
	return nil
}
func (s *captureSession) Reset()        {}
func (s *captureSession) Logout() error { return nil }

func mailTo(t *testing.T, c *capture) *jobs.MailConfig {
	t.Helper()
	srv := gosmtp.NewServer(c)
	srv.Domain = "relay.test"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	p, _ := strconv.Atoi(port)
	sender, err := mail.NewSender(mail.SenderConfig{Host: host, Port: p, TLS: mail.NoTLS, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return &jobs.MailConfig{Sender: sender, From: mail.Address{Email: "support@shop.example"}, FromName: "Shop Support"}
}

// TestReplyIsEmailedThreaded sends a reply on an email case through a real
// SMTP server and checks it threads onto the customer's message.
func TestReplyIsEmailedThreaded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		relay := &capture{}
		d := start(t, db, nil, jobs.Config{Mail: mailTo(t, relay)})
		sam, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam Okafor", Role: desk.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana@example.com", CustomerName: "Dana Reyes", Subject: "Charged twice",
			Text: "You charged me twice for order 4471.", Channel: "email", ExternalID: "CAF.dana.1@mail.example.com"})
		if err != nil {
			t.Fatal(err)
		}
		reply, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "Hi Dana, I'm sorry. I will refund the duplicate charge today."})
		if err != nil {
			t.Fatal(err)
		}
		// Sam may also get a staff email (a reminder of the promise, depending
		// on the hour): pick the customer's.
		var raw []byte
		waitFor(t, "the reply to be emailed", func() bool {
			for _, m := range relay.received() {
				if bytes.Contains(m, []byte("dana@example.com")) {
					raw = m
					return true
				}
			}
			return false
		})
		for _, want := range []string{"In-Reply-To: <CAF.dana.1@mail.example.com>", "[#" + strconv.FormatInt(res.CaseID, 10) + "]", "dana@example.com", "Sam Okafor at Shop Support", "refund the duplicate"} {
			if !bytes.Contains(raw, []byte(want)) {
				t.Errorf("email lacks %q:\n%s", want, raw)
			}
		}
		waitFor(t, "the delivery to be recorded", func() bool {
			c, err := d.Case(ctx, res.CaseID)
			return err == nil && c.Messages[1].Delivery == desk.DeliverySent
		})
		c, _ := d.Case(ctx, res.CaseID)
		sent := c.Messages[1]
		if sent.ID != reply.Message.ID || sent.ExternalID == "" || !bytes.Contains(raw, []byte("Message-ID: <"+sent.ExternalID+">")) {
			t.Errorf("stored Message-ID %q does not match the email", sent.ExternalID)
		}
		// The customer's answer to our email threads back onto the case.
		parsed, err := mail.ParseBytes([]byte("From: Dana Reyes <dana@example.com>\r\nSubject: Re: Charged twice\r\nMessage-ID: <CAF.dana.2@mail.example.com>\r\nIn-Reply-To: <"+sent.ExternalID+">\r\n\r\nThanks!\r\n"), mail.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		again, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: parsed.From.Email, Text: parsed.NewText, Channel: "email", ExternalID: parsed.DedupKey(), InReplyTo: parsed.InReplyTo})
		if err != nil || again.CaseID != res.CaseID {
			t.Errorf("answer threaded to case %d (%v), want %d", again.CaseID, err, res.CaseID)
		}
	})
}

// TestUndeliverableReplyShowsOnCase: a permanent refusal is not retried
// for days; it is recorded on the message and the author is told.
func TestUndeliverableReplyShowsOnCase(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	relay := &capture{reject: true}
	d := start(t, db, nil, jobs.Config{Mail: mailTo(t, relay)})
	sam, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent})
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "gone@example.com", Text: "Where is my order?", Channel: "email", ExternalID: "x1@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "Hi, I'm sorry for the wait. I will check your order today."}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the failure to be recorded", func() bool {
		c, err := d.Case(ctx, res.CaseID)
		return err == nil && c.Messages[1].Delivery == desk.DeliveryFailed
	})
	c, _ := d.Case(ctx, res.CaseID)
	if !strings.Contains(c.Messages[1].DeliveryErr, "550") {
		t.Errorf("delivery error = %q, want the 550", c.Messages[1].DeliveryErr)
	}
	// The sweep may also remind Sam of the promise, depending on the hour.
	notes, err := d.Notifications(ctx, sam, 10)
	told := false
	for _, n := range notes {
		told = told || n.Kind == "mail_failed"
	}
	if err != nil || !told {
		t.Errorf("notifications = %+v, %v", notes, err)
	}
}

// TestStaffAreEmailedTheirNotifications: an escalation reaches the
// supervisors' inboxes, once.
func TestStaffAreEmailedTheirNotifications(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	relay := &capture{}
	d := start(t, db, nil, jobs.Config{Mail: mailTo(t, relay), WebhookEvery: 100 * time.Millisecond, PublicURL: "https://desk.example"})
	if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "ana@calmdesk.test", Name: "Ana", Role: desk.RoleSupervisor}); err != nil {
		t.Fatal(err)
	}
	res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mo@example.com", Text: "I want to speak to your manager now, or I will sue you."})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the supervisor's email", func() bool { return len(relay.received()) >= 1 })
	time.Sleep(300 * time.Millisecond)
	got := relay.received()
	if len(got) != 1 || !bytes.Contains(got[0], []byte("ana@calmdesk.test")) || !bytes.Contains(got[0], []byte("https://desk.example/cases/"+strconv.FormatInt(res.CaseID, 10))) {
		t.Errorf("staff emails: %d\n%s", len(got), bytes.Join(got, []byte("\n----\n")))
	}
}
