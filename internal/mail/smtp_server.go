package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
	"golang.org/x/net/netutil"
)

// SMTPConfig configures the built-in mail receiver.
type SMTPConfig struct {
	Addr   string // listen address, e.g. "127.0.0.1:2525"
	Domain string // host name announced in the greeting; "localhost" if empty

	// Recipients accepted: addresses in AcceptAddresses and any address at
	// a domain in AcceptDomains (both case-insensitive). When both are
	// empty every recipient is accepted.
	AcceptAddresses []string
	AcceptDomains   []string

	Limits        Limits // parsing limits; Limits.MaxMessageBytes is also the SMTP SIZE
	MaxRecipients int    // per message; 100 if zero
	// MaxConnections bounds concurrent sessions, and so the memory held by
	// messages being received (each up to Limits.MaxMessageBytes); 50 if zero.
	MaxConnections int
	TLS            *tls.Config // enables STARTTLS when set
	RequireTLS     bool        // refuse MAIL FROM before STARTTLS
	LMTP           bool        // speak LMTP (RFC 2033) instead of SMTP

	// DeliverTimeout bounds one Deliver call; 1 minute if zero.
	DeliverTimeout time.Duration
	// ReadTimeout and WriteTimeout bound each network read and write;
	// 5 minutes and 1 minute if zero.
	ReadTimeout, WriteTimeout time.Duration

	Logger  *slog.Logger // slog.Default() if nil
	Metrics *Metrics     // counts received and refused mail; nil counts nothing
}

// SMTPServer receives mail over SMTP or LMTP and hands every message to a
// Deliverer, acknowledging it (250) only after Deliver returned nil.
type SMTPServer struct {
	cfg       SMTPConfig
	sink      Deliverer
	srv       *smtp.Server
	addresses map[string]bool
	domains   map[string]bool
}

// NewSMTPServer returns a receiver for cfg that delivers into sink. Start
// it with ListenAndServe or Serve.
func NewSMTPServer(cfg SMTPConfig, sink Deliverer) *SMTPServer {
	cfg.Limits = cfg.Limits.withDefaults()
	if cfg.Domain == "" {
		cfg.Domain = "localhost"
	}
	if cfg.MaxRecipients <= 0 {
		cfg.MaxRecipients = 100
	}
	if cfg.MaxConnections <= 0 {
		cfg.MaxConnections = 50
	}
	if cfg.DeliverTimeout <= 0 {
		cfg.DeliverTimeout = time.Minute
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = 5 * time.Minute
	}
	if cfg.WriteTimeout <= 0 {
		cfg.WriteTimeout = time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &SMTPServer{cfg: cfg, sink: sink, addresses: map[string]bool{}, domains: map[string]bool{}}
	for _, a := range cfg.AcceptAddresses {
		s.addresses[strings.ToLower(strings.TrimSpace(a))] = true
	}
	for _, d := range cfg.AcceptDomains {
		s.domains[strings.ToLower(strings.TrimPrefix(strings.TrimSpace(d), "@"))] = true
	}
	srv := smtp.NewServer(smtp.BackendFunc(s.newSession))
	srv.Addr = cfg.Addr
	srv.Domain = cfg.Domain
	srv.MaxMessageBytes = cfg.Limits.MaxMessageBytes
	srv.MaxRecipients = cfg.MaxRecipients
	// Real mail breaks RFC 5322's 998-character line limit (Gmail sends a
	// base64 body as one line of thousands): a line is bounded only by the
	// message size, with room for read-ahead so that an oversized message
	// is refused as that and not as a broken connection. go-smtp applies
	// the same bound to command lines, which are as long as a message at
	// worst, and MaxConnections bounds both.
	srv.MaxLineLength = int(min(cfg.Limits.MaxMessageBytes+64<<10, 1<<30))
	srv.ReadTimeout = cfg.ReadTimeout
	srv.WriteTimeout = cfg.WriteTimeout
	srv.TLSConfig = cfg.TLS
	srv.LMTP = cfg.LMTP
	srv.EnableSMTPUTF8 = true
	srv.ErrorLog = slogPrinter{cfg.Logger}
	s.srv = srv
	return s
}

// ListenAndServe listens on cfg.Addr and serves until Close or Shutdown.
func (s *SMTPServer) ListenAndServe() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("mail: smtp listen: %w", err)
	}
	return s.Serve(l)
}

// Serve serves connections accepted on l until Close or Shutdown.
func (s *SMTPServer) Serve(l net.Listener) error {
	s.cfg.Logger.Info("mail: receiving", "addr", l.Addr().String(), "lmtp", s.cfg.LMTP, "starttls", s.cfg.TLS != nil)
	if err := s.srv.Serve(netutil.LimitListener(l, s.cfg.MaxConnections)); err != nil && !errors.Is(err, smtp.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("mail: smtp serve: %w", err)
	}
	return nil
}

// Shutdown stops accepting connections and waits for open sessions, so a
// message being delivered is either acknowledged or never was.
func (s *SMTPServer) Shutdown(ctx context.Context) error {
	return s.srv.Shutdown(ctx)
}

// Close closes the listener and all connections at once.
func (s *SMTPServer) Close() error {
	return s.srv.Close()
}

// accepts reports whether rcpt is an address this server receives for.
func (s *SMTPServer) accepts(rcpt string) bool {
	if len(s.addresses) == 0 && len(s.domains) == 0 {
		return true
	}
	if s.addresses[rcpt] {
		return true
	}
	at := strings.LastIndexByte(rcpt, '@')
	return at >= 0 && s.domains[rcpt[at+1:]]
}

func (s *SMTPServer) newSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{srv: s, conn: c}, nil
}

// smtpSession is one SMTP connection's transaction state.
type smtpSession struct {
	srv   *SMTPServer
	conn  *smtp.Conn
	from  string
	rcpts []string
}

func (ss *smtpSession) Reset() {
	ss.from, ss.rcpts = "", nil
}

func (ss *smtpSession) Logout() error { return nil }

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.srv.cfg.RequireTLS {
		if _, ok := ss.conn.TLSConnectionState(); !ok {
			return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Must issue a STARTTLS command first"}
		}
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	rcpt := strings.ToLower(strings.TrimSpace(to))
	if !ss.srv.accepts(rcpt) {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "No such mailbox here"}
	}
	ss.rcpts = append(ss.rcpts, rcpt)
	return nil
}

// Data reads the message, parses it and delivers it. Its nil return is
// the 250: it happens only after the Deliverer committed the message.
// What it refuses for good (5xx) it logs at WARN with the sender and the
// Message-ID, counts, and explains in the reply.
func (ss *smtpSession) Data(r io.Reader) error {
	log := ss.srv.cfg.Logger
	metrics := ss.srv.cfg.Metrics
	raw, err := io.ReadAll(r)
	switch {
	case errors.Is(err, smtp.ErrDataTooLarge):
		ss.refused(raw, "too_large", fmt.Sprintf("larger than %d bytes", ss.srv.cfg.Limits.MaxMessageBytes))
		return smtp.ErrDataTooLarge
	case errors.Is(err, smtp.ErrTooLongLine):
		ss.refused(raw, "line_too_long", "a line longer than the message size limit")
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Line too long"}
	case err != nil:
		log.Info("mail: connection lost while receiving a message", "from", ss.from, "err", err)
		return err
	}
	msg, err := ParseBytes(raw, ss.srv.cfg.Limits)
	switch {
	case errors.Is(err, ErrTooLarge):
		ss.refused(raw, "too_large", err.Error())
		return smtp.ErrDataTooLarge
	case err != nil:
		why := strings.TrimPrefix(err.Error(), ErrMalformed.Error()+": ")
		ss.refused(raw, "unreadable", why)
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "Message cannot be read: " + replyText(why)}
	}
	if msg.From.Email == "" && ss.from != "" {
		msg.From = Address{Email: cleanLine(ss.from, 320)}
		msg.problem("no From; the envelope sender is the customer")
	}
	if ss.from == "" && msg.Automatic == NotAutomatic {
		// RFC 5321 §4.5.5: only notifications use the null reverse-path.
		msg.Automatic, msg.AutomaticReason = AutoReply, "null envelope sender (MAIL FROM:<>)"
	}
	raw = append([]byte(ss.receivedHeader(time.Now())), raw...)
	ctx, cancel := context.WithTimeout(context.Background(), ss.srv.cfg.DeliverTimeout)
	defer cancel()
	if err := ss.srv.sink.Deliver(ctx, raw, msg, ss.rcpts); err != nil {
		if errors.Is(err, ErrRejected) {
			why := strings.TrimPrefix(strings.TrimPrefix(err.Error(), ErrRejected.Error()), ": ")
			log.Warn("mail: message refused", "from", ss.from, "header_from", msg.From.Email, "message_id", msg.MessageID, "reason", why)
			metrics.Refused(ss.receiver(), "rejected")
			return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Message rejected: " + replyText(why)}
		}
		log.Error("mail: delivery failed; sender will retry", "from", ss.from, "message_id", msg.MessageID, "err", err)
		metrics.Received(ss.receiver(), "deferred")
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Temporary failure, please try again later"}
	}
	if msg.Automatic != NotAutomatic {
		metrics.Received(ss.receiver(), "automatic")
	} else {
		metrics.Received(ss.receiver(), "stored")
	}
	log.Debug("mail: message accepted", "from", ss.from, "message_id", msg.MessageID, "rcpts", len(ss.rcpts), "bytes", len(raw))
	return nil
}

// refused logs and counts a message refused before it was parsed whole;
// raw is what arrived of it, enough to name its Message-ID.
func (ss *smtpSession) refused(raw []byte, reason, why string) {
	id := ""
	if h, _, _ := readHeader(raw[:min(len(raw), 64<<10)], true); len(h) > 0 {
		if ids := msgIDs(h, "Message-Id", 1); len(ids) > 0 {
			id = ids[0]
		}
	}
	ss.srv.cfg.Logger.Warn("mail: message refused", "from", ss.from, "message_id", id, "reason", why, "bytes", len(raw))
	ss.srv.cfg.Metrics.Refused(ss.receiver(), reason)
}

func (ss *smtpSession) receiver() string {
	if ss.srv.cfg.LMTP {
		return "lmtp"
	}
	return "smtp"
}

// replyText makes text fit an SMTP reply line: printable ASCII, short.
func replyText(s string) string {
	s = cleanLine(s, 200)
	return strings.Map(func(r rune) rune {
		if r < ' ' || r > '~' {
			return '?'
		}
		return r
	}, s)
}

// receivedHeader is the trace field RFC 5321 §4.4 asks a receiver to add,
// e.g. "Received: from mx.example (192.0.2.1) by desk.example with ESMTPS;
// Tue, 3 Mar 2026 10:00:00 +0000". It goes into the raw message handed to
// the Deliverer, not into what Parse saw (so Fingerprint stays the
// sender's).
func (ss *smtpSession) receivedHeader(now time.Time) string {
	proto := "ESMTP"
	if ss.srv.cfg.LMTP {
		proto = "LMTP"
	}
	if _, ok := ss.conn.TLSConnectionState(); ok {
		proto += "S"
	}
	ip := ""
	if addr, ok := ss.conn.Conn().RemoteAddr().(*net.TCPAddr); ok {
		ip = " (" + addr.IP.String() + ")"
	}
	helo := cleanLine(ss.conn.Hostname(), 100)
	if helo == "" {
		helo = "unknown"
	}
	return fmt.Sprintf("Received: from %s%s\r\n\tby %s with %s;\r\n\t%s\r\n",
		strings.ReplaceAll(helo, ";", ""), ip, ss.srv.cfg.Domain, proto, now.Format(time.RFC1123Z))
}

// slogPrinter lets go-smtp report its internal errors through slog.
type slogPrinter struct{ log *slog.Logger }

func (p slogPrinter) Printf(format string, v ...any) {
	p.log.Warn("mail: smtp: " + fmt.Sprintf(format, v...))
}

func (p slogPrinter) Println(v ...any) {
	p.log.Warn("mail: smtp: " + strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}
