package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// memCursors is a CursorStore in memory.
type memCursors struct {
	mu sync.Mutex
	m  map[string]Cursor
}

func (s *memCursors) LoadCursor(_ context.Context, key string) (Cursor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.m[key], nil
}

func (s *memCursors) SaveCursor(_ context.Context, key string, c Cursor) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]Cursor{}
	}
	s.m[key] = c
	return nil
}

// imapFixture is an in-process IMAP server (go-imap's imapmemserver) on a
// loopback port with one user, "desk".
type imapFixture struct {
	addr string
	user *imapmemserver.User
	tls  *tls.Config // client TLS config when the server speaks TLS
}

// startIMAP runs the server; rev2 advertises IMAP4rev2 (IDLE, MOVE),
// otherwise only IMAP4rev1 (no IDLE: the poller must poll). With useTLS
// the listener speaks TLS from the first byte.
func startIMAP(t *testing.T, rev2, useTLS bool) *imapFixture {
	t.Helper()
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("desk", "pw")
	for _, name := range []string{"INBOX", "Processed"} {
		if err := user.Create(name, nil); err != nil {
			t.Fatal(err)
		}
	}
	mem.AddUser(user)
	caps := imap.CapSet{imap.CapIMAP4rev1: {}}
	if rev2 {
		caps[imap.CapIMAP4rev2] = struct{}{}
	}
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         caps,
		InsecureAuth: true,
		Logger:       slogPrinter{quietLogger()},
	})
	var l net.Listener = listenLoopback(t)
	f := &imapFixture{addr: l.Addr().String(), user: user}
	if useTLS {
		cert, pool := testCert(t)
		l = tls.NewListener(l, &tls.Config{Certificates: []tls.Certificate{cert}})
		f.tls = &tls.Config{RootCAs: pool}
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return f
}

func (f *imapFixture) config() IMAPConfig {
	cfg := IMAPConfig{Addr: f.addr, TLS: NoTLS, Username: "desk", Password: "pw",
		Recipients: []string{"Support@calmdesk.example"}, PollInterval: 100 * time.Millisecond,
		MaxBackoff: 200 * time.Millisecond, Logger: quietLogger()}
	if f.tls != nil {
		cfg.TLS, cfg.TLSConfig = ImplicitTLS, f.tls
	}
	return cfg
}

// client opens a plain client to the fixture, as a person's mail program would.
func (f *imapFixture) client(t *testing.T) *imapclient.Client {
	t.Helper()
	var c *imapclient.Client
	var err error
	if f.tls != nil {
		c, err = imapclient.DialTLS(f.addr, &imapclient.Options{TLSConfig: f.tls})
	} else {
		c, err = imapclient.DialInsecure(f.addr, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login("desk", "pw").Wait(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// appendMsg puts a small message into mailbox with flags.
func (f *imapFixture) appendMsg(t *testing.T, c *imapclient.Client, mailbox, id string, flags ...imap.Flag) {
	t.Helper()
	raw := fmt.Sprintf("From: Ana <ana@example.com>\r\nTo: support@calmdesk.example\r\nSubject: Help %s\r\nMessage-ID: <%s@example.com>\r\n\r\nMessage %s.\r\n", id, id, id)
	cmd := c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Flags: flags})
	if _, err := cmd.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// flagsOf returns the flags of every message in mailbox, by UID.
func flagsOf(t *testing.T, c *imapclient.Client, mailbox string) map[imap.UID][]imap.Flag {
	t.Helper()
	sel, err := c.Select(mailbox, nil).Wait()
	if err != nil {
		t.Fatal(err)
	}
	out := map[imap.UID][]imap.Flag{}
	if sel.NumMessages == 0 {
		return out
	}
	var all imap.SeqSet
	all.AddRange(1, sel.NumMessages)
	msgs, err := c.Fetch(all, &imap.FetchOptions{UID: true, Flags: true}).Collect()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		out[m.UID] = m.Flags
	}
	return out
}

func hasFlag(flags []imap.Flag, f imap.Flag) bool {
	for _, x := range flags {
		if strings.EqualFold(string(x), string(f)) {
			return true
		}
	}
	return false
}

func messageIDs(ds []delivery) []string {
	var ids []string
	for _, d := range ds {
		ids = append(ids, d.msg.MessageID)
	}
	return ids
}

func TestIMAPSyncDeliversUnseenInOrderAndResumes(t *testing.T) {
	f := startIMAP(t, true, true)
	c := f.client(t)
	f.appendMsg(t, c, "INBOX", "m1")
	f.appendMsg(t, c, "INBOX", "old", imap.FlagSeen) // read before calmdesk started
	f.appendMsg(t, c, "INBOX", "m2")

	sink, cursors := &recordingSink{}, &memCursors{}
	p := NewIMAPPoller(f.config(), sink, cursors)
	n, err := p.Sync(context.Background())
	if err != nil || n != 2 {
		t.Fatalf("Sync = %d, %v; want 2", n, err)
	}
	if got := strings.Join(messageIDs(sink.deliveries()), " "); got != "m1@example.com m2@example.com" {
		t.Errorf("delivered %s", got)
	}
	if d := sink.deliveries()[0]; len(d.rcpts) != 1 || d.rcpts[0] != "support@calmdesk.example" || d.msg.Subject != "Help m1" {
		t.Errorf("delivery = %+v", d)
	}
	for uid, flags := range flagsOf(t, c, "INBOX") {
		if !hasFlag(flags, imap.FlagSeen) {
			t.Errorf("UID %d not \\Seen after delivery", uid)
		}
	}
	cur := cursors.m[p.Key()]
	if cur.LastUID != 3 || cur.UIDValidity == 0 {
		t.Errorf("cursor = %+v", cur)
	}

	// A restarted poller resumes: nothing again, then only what is new,
	// even if a person read it first.
	p2 := NewIMAPPoller(f.config(), sink, cursors)
	if n, err := p2.Sync(context.Background()); err != nil || n != 0 {
		t.Fatalf("second Sync = %d, %v; want 0", n, err)
	}
	f.appendMsg(t, c, "INBOX", "m3", imap.FlagSeen)
	if n, err := p2.Sync(context.Background()); err != nil || n != 1 {
		t.Fatalf("third Sync = %d, %v; want 1", n, err)
	}
	if ids := messageIDs(sink.deliveries()); len(ids) != 3 || ids[2] != "m3@example.com" {
		t.Errorf("delivered %q", ids)
	}
}

func TestIMAPSyncKeepsUndeliveredMailUnseen(t *testing.T) {
	f := startIMAP(t, true, false)
	c := f.client(t)
	f.appendMsg(t, c, "INBOX", "m1")
	f.appendMsg(t, c, "INBOX", "m2")

	sink, cursors := &failAfterSink{ok: 1}, &memCursors{}
	p := NewIMAPPoller(f.config(), sink, cursors)
	n, err := p.Sync(context.Background())
	if err == nil || n != 1 {
		t.Fatalf("Sync = %d, %v; want 1 and an error", n, err)
	}
	flags := flagsOf(t, c, "INBOX")
	if !hasFlag(flags[1], imap.FlagSeen) || hasFlag(flags[2], imap.FlagSeen) {
		t.Errorf("flags = %v; want UID 1 seen, UID 2 not", flags)
	}
	if cur := cursors.m[p.Key()]; cur.LastUID != 1 {
		t.Errorf("cursor = %+v, want LastUID 1", cur)
	}
	sink.ok = 10
	if n, err := p.Sync(context.Background()); err != nil || n != 1 {
		t.Fatalf("retry Sync = %d, %v; want 1", n, err)
	}
	if got := strings.Join(sink.ids, " "); got != "m1@example.com m2@example.com" {
		t.Errorf("delivered %s", got)
	}
}

func TestIMAPSyncUIDValidityChange(t *testing.T) {
	f := startIMAP(t, true, false)
	c := f.client(t)
	f.appendMsg(t, c, "INBOX", "m1")
	f.appendMsg(t, c, "INBOX", "m2", imap.FlagSeen)
	sink := &recordingSink{}
	cursors := &memCursors{}
	p := NewIMAPPoller(f.config(), sink, cursors)
	// A cursor from a mailbox that no longer exists: it must not hide m1.
	cursors.SaveCursor(context.Background(), p.Key(), Cursor{UIDValidity: 12345, LastUID: 99})
	if n, err := p.Sync(context.Background()); err != nil || n != 1 {
		t.Fatalf("Sync = %d, %v; want 1 (unseen only)", n, err)
	}
}

func TestIMAPSyncMovesProcessedMail(t *testing.T) {
	f := startIMAP(t, true, false)
	c := f.client(t)
	f.appendMsg(t, c, "INBOX", "m1")
	cfg := f.config()
	cfg.MoveTo = "Processed"
	if n, err := NewIMAPPoller(cfg, &recordingSink{}, &memCursors{}).Sync(context.Background()); err != nil || n != 1 {
		t.Fatalf("Sync = %d, %v", n, err)
	}
	if inbox := flagsOf(t, c, "INBOX"); len(inbox) != 0 {
		t.Errorf("INBOX still has %d messages", len(inbox))
	}
	if done := flagsOf(t, c, "Processed"); len(done) != 1 {
		t.Errorf("Processed has %d messages, want 1", len(done))
	}
}

// TestIMAPRun covers the long-running loop with IDLE (IMAP4rev2 server)
// and with polling (IMAP4rev1 server without IDLE).
func TestIMAPRun(t *testing.T) {
	for _, rev2 := range []bool{true, false} {
		t.Run(fmt.Sprintf("idle=%v", rev2), func(t *testing.T) {
			f := startIMAP(t, rev2, false)
			c := f.client(t)
			sink := &recordingSink{}
			cfg := f.config()
			if rev2 {
				cfg.PollInterval = time.Hour // only IDLE can wake it in time
			}
			f.appendMsg(t, c, "INBOX", "first") // found by the first pass
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- NewIMAPPoller(cfg, sink, &memCursors{}).Run(ctx) }()
			waitFor := func(n int) {
				t.Helper()
				deadline := time.Now().Add(5 * time.Second)
				for len(sink.deliveries()) < n && time.Now().Before(deadline) {
					time.Sleep(10 * time.Millisecond)
				}
			}
			// The second message arrives while the poller idles (or
			// sleeps): only IDLE (or polling) brings it in time.
			waitFor(1)
			time.Sleep(200 * time.Millisecond) // let it go back to IDLE
			f.appendMsg(t, c, "INBOX", "live")
			waitFor(2)
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run: %v", err)
			}
			if ids := messageIDs(sink.deliveries()); len(ids) != 2 || ids[1] != "live@example.com" {
				t.Fatalf("delivered %q", ids)
			}
		})
	}
}

// failAfterSink delivers ok messages, then fails.
type failAfterSink struct {
	ok  int
	ids []string
}

func (s *failAfterSink) Deliver(_ context.Context, _ []byte, msg *Inbound, _ []string) error {
	if len(s.ids) >= s.ok {
		return errors.New("database unavailable")
	}
	s.ids = append(s.ids, msg.MessageID)
	return nil
}

func TestIMAPSyncStartTLS(t *testing.T) {
	cert, pool := testCert(t)
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("desk", "pw")
	user.Create("INBOX", nil)
	mem.AddUser(user)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:      imap.CapSet{imap.CapIMAP4rev2: {}, imap.CapStartTLS: {}},
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}},
		Logger:    slogPrinter{quietLogger()},
	})
	l := listenLoopback(t)
	go srv.Serve(l)
	defer srv.Close()

	c, err := imapclient.DialStartTLS(l.Addr().String(), &imapclient.Options{TLSConfig: &tls.Config{RootCAs: pool}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login("desk", "pw").Wait(); err != nil {
		t.Fatal(err)
	}
	f := &imapFixture{addr: l.Addr().String()}
	f.appendMsg(t, c, "INBOX", "tls1")

	cfg := f.config()
	cfg.TLS, cfg.TLSConfig = StartTLS, &tls.Config{RootCAs: pool}
	if n, err := NewIMAPPoller(cfg, &recordingSink{}, &memCursors{}).Sync(context.Background()); err != nil || n != 1 {
		t.Fatalf("Sync over STARTTLS = %d, %v", n, err)
	}
	// Plain login is refused by this server (no InsecureAuth).
	cfg.TLS = NoTLS
	if _, err := NewIMAPPoller(cfg, &recordingSink{}, &memCursors{}).Sync(context.Background()); err == nil {
		t.Fatal("plain-text login accepted")
	}
}

// TestIMAPRunReconnects restarts the IMAP server under a running poller:
// it reconnects, resumes after its cursor and delivers nothing twice.
func TestIMAPRunReconnects(t *testing.T) {
	mem := imapmemserver.New()
	user := imapmemserver.NewUser("desk", "pw")
	user.Create("INBOX", nil)
	mem.AddUser(user)
	serve := func(l net.Listener) *imapserver.Server {
		srv := imapserver.New(&imapserver.Options{
			NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
				return mem.NewSession(), nil, nil
			},
			Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
			InsecureAuth: true,
			Logger:       slogPrinter{quietLogger()},
		})
		go srv.Serve(l)
		return srv
	}
	l := listenLoopback(t)
	f := &imapFixture{addr: l.Addr().String()}
	srv := serve(l)

	sink := &recordingSink{}
	cfg := f.config()
	cfg.PollInterval = 300 * time.Millisecond // the safety net; see TestIMAPRun for IDLE alone
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewIMAPPoller(cfg, sink, &memCursors{}).Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	waitFor := func(n int) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for len(sink.deliveries()) < n && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if got := len(sink.deliveries()); got != n {
			t.Fatalf("%d deliveries, want %d", got, n)
		}
	}

	c := f.client(t)
	f.appendMsg(t, c, "INBOX", "before")
	waitFor(1)

	srv.Close() // drops the poller's connection
	var l2 net.Listener
	var err error
	for range 50 {
		if l2, err = net.Listen("tcp", f.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listen again on %s: %v", f.addr, err)
	}
	srv2 := serve(l2)
	defer srv2.Close()

	c2 := f.client(t)
	f.appendMsg(t, c2, "INBOX", "after")
	waitFor(2)
	time.Sleep(100 * time.Millisecond)
	if ids := messageIDs(sink.deliveries()); len(ids) != 2 || ids[1] != "after@example.com" {
		t.Fatalf("delivered %q", ids)
	}
}
