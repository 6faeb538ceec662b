package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// IMAPConfig says which mailbox the poller reads.
type IMAPConfig struct {
	Addr      string      // host:port, e.g. "imap.example.com:993"
	TLS       TLSMode     // ImplicitTLS (default), StartTLS or NoTLS (tests only)
	TLSConfig *tls.Config // e.g. RootCAs; ServerName defaults to Addr's host
	Username  string
	Password  string
	Mailbox   string // "INBOX" when empty

	// MoveTo, when set, is the mailbox processed mail is moved to; by
	// default processed mail stays and is flagged \Seen.
	MoveTo string
	// RefusedMailbox is where mail that cannot be stored goes (unreadable,
	// over the size limit, refused by the desk), so that it does not look
	// handled; "calmdesk/refused" when empty, created when missing. With
	// "-", or when the move fails, refused mail stays where it is, unseen,
	// flagged \Flagged and $CalmdeskRefused.
	RefusedMailbox string
	// Refused, when set, is told of each refused message, e.g. to show
	// it to the desk's admins.
	Refused func(context.Context, Refusal)
	Metrics *Metrics // counts received and refused mail; nil counts nothing
	// Recipients are passed to Deliver as the envelope recipients, usually
	// the mailbox's own address (IMAP has no envelope).
	Recipients []string

	Limits Limits // parsing limits; larger messages are skipped and logged
	// PollInterval is how often to look for mail when the server has no
	// IDLE, and the longest one IDLE lasts before a check (a server may
	// hold back news of mail that arrived just before IDLE began); 1
	// minute if zero.
	PollInterval time.Duration
	// MaxBackoff bounds the wait between reconnection attempts; 5 minutes
	// if zero.
	MaxBackoff time.Duration
	Logger     *slog.Logger // slog.Default() if nil
}

// Refusal is a message the IMAP poller could not store, and where it put it.
type Refusal struct {
	Mailbox   string // the polled mailbox's key, as IMAPPoller.Key
	UID       uint32
	MessageID string // "" when unknown
	From      string // the sender's address, "" when unknown
	Subject   string
	Reason    string // why, in words
	MovedTo   string // the mailbox it is now in; "" when it stayed, flagged
}

// Cursor is where the poller stopped in a mailbox: the highest UID
// delivered, valid while the mailbox keeps its UIDVALIDITY.
type Cursor struct {
	UIDValidity uint32
	LastUID     uint32
}

// CursorStore keeps the poller's position so that it resumes after a
// restart. It is implemented by the store; key names the mailbox
// (user, server and mailbox name).
type CursorStore interface {
	// LoadCursor returns the saved cursor, or the zero Cursor when none.
	LoadCursor(ctx context.Context, key string) (Cursor, error)
	// SaveCursor saves the cursor after a message was delivered.
	SaveCursor(ctx context.Context, key string, c Cursor) error
}

// IMAPPoller delivers the mail arriving in an IMAP mailbox to a Deliverer.
type IMAPPoller struct {
	cfg     IMAPConfig
	sink    Deliverer
	cursors CursorStore
	key     string
	log     *slog.Logger
}

// NewIMAPPoller returns a poller for cfg delivering into sink and keeping
// its position in cursors. Start it with Run, or call Sync for one pass.
func NewIMAPPoller(cfg IMAPConfig, sink Deliverer, cursors CursorStore) *IMAPPoller {
	if cfg.TLS == "" {
		cfg.TLS = ImplicitTLS
	}
	if cfg.Mailbox == "" {
		cfg.Mailbox = "INBOX"
	}
	if cfg.PollInterval <= 0 {
		cfg.PollInterval = time.Minute
	}
	if cfg.MaxBackoff <= 0 {
		cfg.MaxBackoff = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.RefusedMailbox == "" {
		cfg.RefusedMailbox = "calmdesk/refused"
	}
	cfg.Limits = cfg.Limits.withDefaults()
	key := fmt.Sprintf("imap://%s@%s/%s", cfg.Username, cfg.Addr, cfg.Mailbox)
	return &IMAPPoller{cfg: cfg, sink: sink, cursors: cursors, key: key,
		log: cfg.Logger.With("mailbox", key)}
}

// Key is the name under which the poller's cursor is stored.
func (p *IMAPPoller) Key() string { return p.key }

// Run delivers mail until ctx is done: it connects, delivers what is new,
// then waits with IDLE (or sleeps PollInterval when the server has no
// IDLE) and delivers again. Connection and delivery errors are logged and
// retried with growing delays. Run returns nil when ctx is done.
func (p *IMAPPoller) Run(ctx context.Context) error {
	backoff := time.Second
	for ctx.Err() == nil {
		err := p.session(ctx)
		if ctx.Err() != nil {
			return nil
		}
		p.log.Warn("mail: imap session ended; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, p.cfg.MaxBackoff)
	}
	return nil
}

// Sync connects once, delivers every new message and disconnects. It
// returns how many messages were delivered.
func (p *IMAPPoller) Sync(ctx context.Context) (int, error) {
	c, err := p.connect(nil)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	n, err := p.deliverNew(ctx, c)
	if err == nil {
		err = c.Logout().Wait()
	}
	return n, err
}

// session is one connection's life: deliver, wait for news, repeat.
func (p *IMAPPoller) session(ctx context.Context) error {
	news := make(chan struct{}, 1)
	c, err := p.connect(news)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	idle := c.Caps().Has(imap.CapIdle)
	for {
		if _, err := p.deliverNew(ctx, c); err != nil {
			return err
		}
		if idle {
			err = p.idle(ctx, c, news)
		} else {
			err = p.sleep(ctx, c, news)
		}
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// idle waits with IDLE until the server announces mail, PollInterval
// passes or ctx is done.
func (p *IMAPPoller) idle(ctx context.Context, c *imapclient.Client, news <-chan struct{}) error {
	cmd, err := c.Idle()
	if err != nil {
		return fmt.Errorf("mail: imap idle: %w", err)
	}
	timer := time.NewTimer(p.cfg.PollInterval)
	defer timer.Stop()
	select {
	case <-news:
	case <-timer.C:
	case <-ctx.Done():
	case <-c.Closed():
	}
	if err := cmd.Close(); err != nil {
		return fmt.Errorf("mail: imap idle: %w", err)
	}
	return cmd.Wait()
}

// sleep waits PollInterval, keeping the connection alive with NOOP, which
// is also how a server without IDLE reports new mail.
func (p *IMAPPoller) sleep(ctx context.Context, c *imapclient.Client, news <-chan struct{}) error {
	timer := time.NewTimer(p.cfg.PollInterval)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		return nil
	case <-c.Closed():
		return errors.New("mail: imap connection closed")
	}
	return c.Noop().Wait()
}

// connect dials, logs in and selects the mailbox. news, when not nil,
// receives a signal whenever the server reports new messages.
func (p *IMAPPoller) connect(news chan<- struct{}) (*imapclient.Client, error) {
	opts := &imapclient.Options{
		Dialer:      &net.Dialer{Timeout: 30 * time.Second},
		WordDecoder: headerDecoder,
	}
	if news != nil {
		opts.UnilateralDataHandler = &imapclient.UnilateralDataHandler{
			Mailbox: func(d *imapclient.UnilateralDataMailbox) {
				if d.NumMessages != nil {
					select {
					case news <- struct{}{}:
					default:
					}
				}
			},
		}
	}
	host, _, _ := net.SplitHostPort(p.cfg.Addr)
	opts.TLSConfig = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if p.cfg.TLSConfig != nil {
		opts.TLSConfig = p.cfg.TLSConfig.Clone()
		if opts.TLSConfig.ServerName == "" {
			opts.TLSConfig.ServerName = host
		}
	}
	var c *imapclient.Client
	var err error
	switch p.cfg.TLS {
	case ImplicitTLS:
		c, err = imapclient.DialTLS(p.cfg.Addr, opts)
	case StartTLS:
		c, err = imapclient.DialStartTLS(p.cfg.Addr, opts)
	case NoTLS:
		c, err = imapclient.DialInsecure(p.cfg.Addr, opts)
	default:
		return nil, fmt.Errorf("mail: imap: unknown TLS mode %q", p.cfg.TLS)
	}
	if err != nil {
		return nil, fmt.Errorf("mail: imap dial %s: %w", p.cfg.Addr, err)
	}
	if err := c.Login(p.cfg.Username, p.cfg.Password).Wait(); err != nil {
		c.Close()
		return nil, fmt.Errorf("mail: imap login %s: %w", p.cfg.Username, err)
	}
	return c, nil
}
