package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/textproto"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSMode says how the Sender secures its connection.
type TLSMode string

// The TLS modes of a Sender.
const (
	StartTLS      TLSMode = "starttls"      // STARTTLS required (default; port 587)
	Opportunistic TLSMode = "opportunistic" // STARTTLS when offered, else plain
	ImplicitTLS   TLSMode = "tls"           // TLS from the first byte (SMTPS, port 465)
	NoTLS         TLSMode = "none"          // plain text; for local relays and tests
)

// SenderConfig says where and how outbound mail is handed over.
type SenderConfig struct {
	Host     string
	Port     int     // 587, or 465 for ImplicitTLS, when zero
	Username string  // AUTH (the best mechanism offered) when set
	Password string  //
	TLS      TLSMode // StartTLS when empty
	// TLSConfig overrides the TLS settings, e.g. RootCAs; its ServerName
	// defaults to Host.
	TLSConfig *tls.Config
	HELO      string        // name in EHLO; the local host name when empty
	Timeout   time.Duration // per connection; 30 s when zero
}

// Sender sends composed messages through an SMTP server.
type Sender struct {
	cfg SenderConfig
}

// NewSender checks cfg and returns a Sender for it. It does not connect.
func NewSender(cfg SenderConfig) (*Sender, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: sender: no SMTP host")
	}
	switch cfg.TLS {
	case "":
		cfg.TLS = StartTLS
	case StartTLS, Opportunistic, ImplicitTLS, NoTLS:
	default:
		return nil, fmt.Errorf("mail: sender: unknown TLS mode %q", cfg.TLS)
	}
	if cfg.Port == 0 {
		cfg.Port = 587
		if cfg.TLS == ImplicitTLS {
			cfg.Port = 465
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	return &Sender{cfg: cfg}, nil
}

// Send composes out and sends it, returning the Message-ID it carried. An
// error is a *SendError saying whether a retry may succeed.
func (s *Sender) Send(ctx context.Context, out Outgoing) (messageID string, err error) {
	m, err := Compose(out)
	if err != nil {
		return "", &SendError{Err: err}
	}
	id := safeMsgID(m.GetMessageID())
	return id, s.SendMsg(ctx, m)
}

// SendMsg sends an already composed message. An error is a *SendError.
func (s *Sender) SendMsg(ctx context.Context, m *gomail.Msg) error {
	c, err := gomail.NewClient(s.cfg.Host, s.options()...)
	if err != nil {
		return &SendError{Err: fmt.Errorf("mail: sender: %w", err)}
	}
	if err := c.DialAndSendWithContext(ctx, m); err != nil {
		return classify(err)
	}
	return nil
}

func (s *Sender) options() []gomail.Option {
	tlsConfig := &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12}
	if s.cfg.TLSConfig != nil {
		tlsConfig = s.cfg.TLSConfig.Clone()
		if tlsConfig.ServerName == "" {
			tlsConfig.ServerName = s.cfg.Host
		}
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(tlsConfig),
	}
	switch s.cfg.TLS {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case Opportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.HELO != "" {
		opts = append(opts, gomail.WithHELO(s.cfg.HELO))
	}
	if s.cfg.Username != "" {
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password))
	}
	return opts
}

// SendError is a failure to hand a message to the SMTP server.
type SendError struct {
	// Temporary is true when trying again later may succeed: network and
	// TLS trouble, timeouts, 4xx replies. A 5xx reply is permanent and
	// should be shown on the case instead of retried.
	Temporary bool
	Code      int // the SMTP reply code, 0 when there was none
	Err       error
}

// Error implements error.
func (e *SendError) Error() string {
	kind := "permanent"
	if e.Temporary {
		kind = "temporary"
	}
	return fmt.Sprintf("mail: send (%s): %v", kind, e.Err)
}

// Unwrap returns the underlying error.
func (e *SendError) Unwrap() error { return e.Err }

// IsTemporary reports whether err, from Send or SendMsg, is worth retrying.
func IsTemporary(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Temporary
}

// classify turns go-mail's errors into a SendError: the SMTP reply code
// decides when there is one; a message go-mail cannot address is
// permanent; anything else (dial, TLS, timeout) is temporary.
func classify(err error) *SendError {
	code := 0
	var gse *gomail.SendError
	var te *textproto.Error
	if errors.As(err, &gse) {
		code = gse.ErrorCode()
	}
	if code == 0 && errors.As(err, &te) {
		code = te.Code
	}
	temporary := code == 0 || code/100 == 4
	if code == 0 && gse != nil && (gse.Reason == gomail.ErrGetSender || gse.Reason == gomail.ErrGetRcpts || gse.Reason == gomail.ErrNoUnencoded) {
		temporary = false
	}
	return &SendError{Temporary: temporary, Code: code, Err: err}
}
