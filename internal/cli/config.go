package cli

import (
	"bufio"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/store"
)

// Config is what every command that works on the desk shares. Each
// setting is a global flag and a CALMDESK_* variable; a global flag may
// stand before or after the command's name.
type Config struct {
	DatabaseURL string
	// DBMaxConns is the database connection pool's size (0: the default,
	// store.DefaultMaxConns).
	DBMaxConns int
	// PublicURL is where customers reach the desk, for survey links and
	// staff emails; empty when not configured.
	PublicURL string
	// CategoryModel is a file written by `calmdesk categories train` that
	// files cases until the desk has learned its own model; empty for none.
	CategoryModel string
	// Mail sends email to customers (replies, check-ins, surveys) through a
	// relay; nil when none is configured.
	Mail   *jobs.MailConfig
	Logger *slog.Logger
}

// globalFlags are the root command's flags, Config's sources.
func globalFlags() []ucli.Flag {
	env := ucli.EnvVars
	return []ucli.Flag{
		&ucli.StringFlag{Name: "database-url", Value: store.DefaultURL, Sources: env("CALMDESK_DATABASE_URL"),
			Usage: "database: sqlite:PATH (embedded, the default) or postgres://user:pass@host/db"},
		&ucli.IntFlag{Name: "db-max-conns", Sources: env("CALMDESK_DB_MAX_CONNS"),
			Usage: "connections this instance may open to the database (PostgreSQL: keep instances × this under max_connections; SQLite: readers) (default: max(8, 4 × cores) on PostgreSQL)"},
		&ucli.StringFlag{Name: "log-level", Value: "info", Usage: "debug, info, warn or error", Sources: env("CALMDESK_LOG_LEVEL")},
		&ucli.StringFlag{Name: "log-format", Value: "text", Usage: "text or json", Sources: env("CALMDESK_LOG_FORMAT")},
		&ucli.StringFlag{Name: "public-url", Sources: env("CALMDESK_PUBLIC_URL"),
			Usage: "where customers reach this desk, e.g. https://help.acme.example, for survey links (serve: default http://ADDR)"},
		&ucli.StringFlag{Name: "category-model", Sources: env("CALMDESK_CATEGORY_MODEL"),
			Usage: "categorise cases with a model `FILE` written by 'calmdesk categories train' until the desk has learned its own"},
		&ucli.StringFlag{Name: "smtp-relay", Usage: "host:port of the SMTP server email to customers is sent through (no outbound email when empty)", Sources: env("CALMDESK_SMTP_RELAY")},
		&ucli.StringFlag{Name: "smtp-relay-user", Usage: "SMTP AUTH user for the relay", Sources: env("CALMDESK_SMTP_RELAY_USER")},
		&ucli.StringFlag{Name: "smtp-relay-password", Usage: "SMTP AUTH password for the relay", Sources: env("CALMDESK_SMTP_RELAY_PASSWORD")},
		&ucli.StringFlag{Name: "smtp-relay-tls", Value: "starttls", Usage: "starttls, implicit, opportunistic or none", Sources: env("CALMDESK_SMTP_RELAY_TLS")},
		&ucli.StringFlag{Name: "mail-from", Usage: "the desk's address replies come from, e.g. support@acme.example", Sources: env("CALMDESK_MAIL_FROM")},
		&ucli.StringFlag{Name: "mail-from-name", Value: "Support", Usage: "the desk's name; replies show \"AGENT at NAME\"", Sources: env("CALMDESK_MAIL_FROM_NAME")},
	}
}

// configFrom reads the global flags.
func configFrom(cmd *ucli.Command) (Config, error) {
	log, err := logger(cmd)
	if err != nil {
		return Config{}, err
	}
	outMail, err := outboundMail(cmd)
	if err != nil {
		return Config{}, err
	}
	return Config{
		DatabaseURL:   cmd.String("database-url"),
		DBMaxConns:    int(cmd.Int("db-max-conns")),
		PublicURL:     strings.TrimRight(cmd.String("public-url"), "/"),
		CategoryModel: cmd.String("category-model"),
		Mail:          outMail,
		Logger:        log,
	}, nil
}

// logger builds the one structured logger, writing to standard error.
func logger(cmd *ucli.Command) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cmd.String("log-level"))); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch strings.ToLower(cmd.String("log-format")) {
	case "json":
		return slog.New(slog.NewJSONHandler(cmd.Root().ErrWriter, opts)), nil
	case "text", "":
		return slog.New(slog.NewTextHandler(cmd.Root().ErrWriter, opts)), nil
	}
	return nil, fmt.Errorf("--log-format must be text or json, not %q", cmd.String("log-format"))
}

// outboundMail builds the job queue's mail settings from the flags; nil
// when no relay is configured.
func outboundMail(cmd *ucli.Command) (*jobs.MailConfig, error) {
	relay := cmd.String("smtp-relay")
	if relay == "" {
		return nil, nil
	}
	host, portText, err := net.SplitHostPort(relay)
	if err != nil {
		return nil, fmt.Errorf("--smtp-relay must be host:port: %w", err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("--smtp-relay port: %w", err)
	}
	mode, err := tlsMode("smtp-relay-tls", cmd.String("smtp-relay-tls"))
	if err != nil {
		return nil, err
	}
	from := cmd.String("mail-from")
	if !strings.Contains(from, "@") {
		return nil, fmt.Errorf("--mail-from is required with --smtp-relay (the desk's address, e.g. support@acme.example)")
	}
	sender, err := mail.NewSender(mail.SenderConfig{Host: host, Port: port, Username: cmd.String("smtp-relay-user"),
		Password: cmd.String("smtp-relay-password"), TLS: mode})
	if err != nil {
		return nil, err
	}
	return &jobs.MailConfig{Sender: sender, From: mail.Address{Email: from}, FromName: cmd.String("mail-from-name")}, nil
}

func tlsMode(flag, v string) (mail.TLSMode, error) {
	switch strings.ToLower(v) {
	case "starttls":
		return mail.StartTLS, nil
	case "implicit", "tls":
		return mail.ImplicitTLS, nil
	case "opportunistic":
		return mail.Opportunistic, nil
	case "none":
		return mail.NoTLS, nil
	}
	return "", fmt.Errorf("--%s must be starttls, implicit, opportunistic or none, not %q", flag, v)
}

// analyzerFor is the embedded analyzer, with the category model in the
// file named, when one is.
func analyzerFor(categoryModel string) (*analyze.Analyzer, error) {
	if categoryModel == "" {
		return analyze.Default(), nil
	}
	f, err := os.Open(categoryModel)
	if err != nil {
		return nil, fmt.Errorf("--category-model: %w", err)
	}
	defer f.Close()
	m, err := analyze.LoadCategoryModel(bufio.NewReader(f))
	if err != nil {
		return nil, fmt.Errorf("--category-model %s: %w", categoryModel, err)
	}
	return analyze.Default().WithCategories(m), nil
}
