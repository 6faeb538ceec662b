// Package cli is calmdesk's command line: it parses flags and environment
// variables and hands over to the packages that do the work.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
)

// Version is set at build time with -ldflags "-X github.com/calmdesk/calmdesk/internal/cli.Version=…".
var Version = "dev"

// Run executes the command line args (args[0] is the program name).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := &ucli.Command{
		Name:      "calmdesk",
		Usage:     "a customer-support desk that turns angry customers into satisfied ones",
		Version:   Version,
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags: []ucli.Flag{
			&ucli.StringFlag{
				Name:    "database-url",
				Usage:   "database: sqlite:PATH (embedded, the default) or postgres://user:pass@host/db",
				Value:   store.DefaultURL,
				Sources: ucli.EnvVars("CALMDESK_DATABASE_URL"),
			},
			&ucli.StringFlag{
				Name:    "log-level",
				Usage:   "debug, info, warn or error",
				Value:   "info",
				Sources: ucli.EnvVars("CALMDESK_LOG_LEVEL"),
			},
			&ucli.StringFlag{
				Name:    "log-format",
				Usage:   "text or json",
				Value:   "text",
				Sources: ucli.EnvVars("CALMDESK_LOG_FORMAT"),
			},
		},
		Commands: []*ucli.Command{
			serveCommand(),
			migrateCommand(),
			userCommand(),
			tokenCommand(),
			demoCommand(),
			casesCommand(),
			promisesCommand(),
			goodwillCommand(),
			surveyCommand(),
			sweepCommand(),
			backupCommand(),
			analyzeCommand(),
			categoriesCommand(),
			coachCommand(),
			importCommand(),
			versionCommand(),
		},
	}
	return root.Run(ctx, args)
}

func versionCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "version",
		Usage: "print the version",
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			_, err := io.WriteString(cmd.Root().Writer, Version+"\n")
			return err
		},
	}
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

// withDB opens and migrates the database and runs fn on it.
func withDB(ctx context.Context, cmd *ucli.Command, fn func(db *store.DB, log *slog.Logger) error) error {
	log, err := logger(cmd)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cmd, log)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db, log)
}

// deskAction is the action of a command that works on the desk: it opens
// the database, builds the desk and runs fn with it.
func deskAction(fn func(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error) ucli.ActionFunc {
	return func(ctx context.Context, cmd *ucli.Command) error {
		return withDB(ctx, cmd, func(db *store.DB, log *slog.Logger) error {
			return fn(ctx, cmd, desk.New(db, desk.Options{Analyzer: analyze.Default(), Logger: log}))
		})
	}
}

// openDB opens and migrates the configured database.
func openDB(ctx context.Context, cmd *ucli.Command, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(ctx, cmd.String("database-url"))
	if err != nil {
		return nil, err
	}
	n, err := db.Migrate(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if n > 0 {
		log.Info("database migrated", "engine", db.Engine, "migrations", n)
	}
	return db, nil
}
