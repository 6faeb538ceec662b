package cli

import (
	"context"
	"log/slog"
	"time"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/store"
)

// Main is the desk a command works on. Every command builds it here, so
// each sees the same database, public URL, outbound mail and category
// model: the database, the job queue (the desk's outbox; serve also
// starts its background work) and the desk on them. Set Config (and any
// of the knobs) before Run; Close releases what Run opened.
type Main struct {
	Config Config
	// SweepEvery and LearnEvery tune the background work serve starts;
	// zero means the job queue's defaults, a negative LearnEvery never.
	SweepEvery, LearnEvery time.Duration
	// Now replaces the desk's clock (the import runs on its history's).
	Now func() time.Time

	DB       *store.DB
	Jobs     *jobs.Runner
	Desk     *desk.Desk
	Insights *insights.Insights

	jobsStarted bool
}

// newMain returns a Main configured by the global flags.
func newMain(cmd *ucli.Command) (*Main, error) {
	cfg, err := configFrom(cmd)
	if err != nil {
		return nil, err
	}
	return &Main{Config: cfg}, nil
}

// Run opens and migrates the database and builds the job queue and the
// desk on it.
func (m *Main) Run(ctx context.Context) error {
	log := m.Config.Logger
	analyzer, err := analyzerFor(m.Config.CategoryModel)
	if err != nil {
		return err
	}
	if m.DB, err = openDB(ctx, m.Config.DatabaseURL, m.Config.DBMaxConns, log); err != nil {
		return err
	}
	m.Insights = insights.New(m.DB, insights.Options{Now: m.Now})
	m.Jobs, err = jobs.New(ctx, m.DB, jobs.Config{SweepEvery: m.SweepEvery, LearnEvery: m.LearnEvery,
		Mail: m.Config.Mail, PublicURL: m.Config.PublicURL, Logger: log, Insights: m.Insights})
	if err != nil {
		return err
	}
	m.Desk = desk.New(m.DB, desk.Options{Analyzer: analyzer, Logger: log, PublicURL: m.Config.PublicURL,
		Outbox: m.Jobs.Outbox(), Now: m.Now})
	return nil
}

// StartJobs starts the background work: the sweep, email, webhooks and
// category learning (serve).
func (m *Main) StartJobs(ctx context.Context) error {
	if err := m.Jobs.Start(ctx, m.Desk); err != nil {
		return err
	}
	m.jobsStarted = true
	return nil
}

// Close waits a while for running jobs to finish, then closes the database.
func (m *Main) Close() error {
	if m.jobsStarted {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := m.Jobs.Stop(ctx); err != nil {
			m.Config.Logger.Warn("job queue stop", "err", err)
		}
		m.jobsStarted = false
	}
	if m.DB == nil {
		return nil
	}
	err := m.DB.Close()
	m.DB = nil
	return err
}

// deskAction is the action of a command that works on the desk: it builds
// the desk (Main), runs fn with it and closes it.
func deskAction(fn func(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error) ucli.ActionFunc {
	return func(ctx context.Context, cmd *ucli.Command) error {
		m, err := newMain(cmd)
		if err != nil {
			return err
		}
		defer m.Close()
		if err := m.Run(ctx); err != nil {
			return err
		}
		return fn(ctx, cmd, m.Desk)
	}
}

// withDB opens and migrates the database alone, for the commands that
// need no desk (migrate, backup), and runs fn on it.
func withDB(ctx context.Context, cmd *ucli.Command, fn func(db *store.DB) error) error {
	log, err := logger(cmd)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cmd.String("database-url"), int(cmd.Int("db-max-conns")), log)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// openDB opens and migrates the database at url.
func openDB(ctx context.Context, url string, maxConns int, log *slog.Logger) (*store.DB, error) {
	db, err := store.OpenWith(ctx, url, store.Options{MaxConns: maxConns})
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
