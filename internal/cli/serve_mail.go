package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/mailintake"
)

// mailInFlags configure the mail serve receives: the built-in SMTP
// receiver and the IMAP poller. Outbound mail is global (Config.Mail).
func mailInFlags() []ucli.Flag {
	env := ucli.EnvVars
	return []ucli.Flag{
		&ucli.StringFlag{Name: "smtp-addr", Usage: "listen address of the built-in mail receiver, e.g. :2525 (off when empty)", Sources: env("CALMDESK_SMTP_ADDR")},
		&ucli.StringFlag{Name: "smtp-domain", Value: "localhost", Usage: "host name the mail receiver announces", Sources: env("CALMDESK_SMTP_DOMAIN")},
		&ucli.StringSliceFlag{Name: "smtp-accept-domain", Usage: "accept mail only for these recipient domains (repeatable; all when unset)", Sources: env("CALMDESK_SMTP_ACCEPT_DOMAINS")},
		&ucli.StringFlag{Name: "imap-addr", Usage: "host:port of a mailbox to poll for customer mail (off when empty)", Sources: env("CALMDESK_IMAP_ADDR")},
		&ucli.StringFlag{Name: "imap-user", Sources: env("CALMDESK_IMAP_USER"), Usage: "IMAP user"},
		&ucli.StringFlag{Name: "imap-password", Sources: env("CALMDESK_IMAP_PASSWORD"), Usage: "IMAP password"},
		&ucli.StringFlag{Name: "imap-mailbox", Value: "INBOX", Sources: env("CALMDESK_IMAP_MAILBOX"), Usage: "mailbox to read"},
		&ucli.StringFlag{Name: "imap-tls", Value: "implicit", Usage: "implicit, starttls or none", Sources: env("CALMDESK_IMAP_TLS")},
		&ucli.StringFlag{Name: "imap-refused-mailbox", Value: "calmdesk/refused", Usage: "folder for mail that cannot be stored (created when missing); - leaves it in place, flagged", Sources: env("CALMDESK_IMAP_REFUSED_MAILBOX")},
	}
}

// startMailIn starts the SMTP receiver and the IMAP poller that the flags
// ask for; the returned stop function ends them.
func startMailIn(ctx context.Context, cmd *ucli.Command, d *desk.Desk, log *slog.Logger, metrics *mail.Metrics) (stop func(), err error) {
	var stops []func()
	stop = func() {
		for _, s := range stops {
			s()
		}
	}
	intake := mailintake.Intake{Desk: d, Log: log}
	if addr := cmd.String("smtp-addr"); addr != "" {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return stop, fmt.Errorf("mail receiver: listen on %s: %w", addr, err)
		}
		srv := mail.NewSMTPServer(mail.SMTPConfig{
			Domain:        cmd.String("smtp-domain"),
			AcceptDomains: cmd.StringSlice("smtp-accept-domain"),
			Limits:        mail.DefaultLimits(),
			Logger:        log,
			Metrics:       metrics,
		}, intake)
		go func() {
			if err := srv.Serve(ln); err != nil {
				log.Error("mail receiver stopped", "err", err)
			}
		}()
		stops = append(stops, func() { srv.Close() })
		log.Info("mail receiver listening", "addr", ln.Addr().String())
	}
	if addr := cmd.String("imap-addr"); addr != "" {
		mode, err := tlsMode("imap-tls", cmd.String("imap-tls"))
		if err != nil {
			return stop, err
		}
		poller := mail.NewIMAPPoller(mail.IMAPConfig{
			Addr: addr, TLS: mode, Username: cmd.String("imap-user"), Password: cmd.String("imap-password"),
			Mailbox: cmd.String("imap-mailbox"), Limits: mail.DefaultLimits(), Logger: log,
			RefusedMailbox: cmd.String("imap-refused-mailbox"), Refused: intake.Refused, Metrics: metrics,
		}, intake, mailintake.Cursors{Desk: d})
		pollCtx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = poller.Run(pollCtx)
		}()
		stops = append(stops, func() { cancel(); <-done })
		log.Info("polling mailbox", "addr", addr, "mailbox", cmd.String("imap-mailbox"))
	}
	return stop, nil
}
