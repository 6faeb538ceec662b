// Package jobs runs calmdesk's background work on River, a job queue that
// lives in the desk's own database: on PostgreSQL several `calmdesk serve`
// instances share it safely (River elects a leader for periodic jobs and
// locks jobs with SKIP LOCKED), and on SQLite it needs nothing else.
//
// The work itself lives in the desk (Sweep) and the mail package; this
// package only schedules it, retries it and hands it over.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
)

// Runner runs the background work of one desk. Create it with New, give
// it to the desk as its Outbox, then Start it with that desk.
type Runner struct {
	client *river.Client[*sql.Tx]
	sweep  *sweepWorker
	send   *sendWorker
	hooks  *webhookWorker
	staff  *staffMailWorker
	learn  *learnWorker
	cfg    Config

	corrections *learnCorrectionsWorker
}

// Config tunes the runner.
type Config struct {
	// SweepEvery is how often the clock-driven work runs (promise reminders,
	// broken promises, SLA warnings, surveys, re-ranking); default 1 minute.
	SweepEvery time.Duration
	// WebhookEvery is how often pending webhook events are posted; default 5 s.
	WebhookEvery time.Duration
	// LearnEvery is how often the category model is retrained from the
	// cases agents filed, and the adjustment of readings from what people
	// corrected (each when there is anything new); default 1 hour,
	// negative never.
	LearnEvery time.Duration
	// Mail sends replies on email cases; nil means no outbound email.
	Mail *MailConfig
	// Insights, when set, is checked every SpikeEvery (default 15 minutes)
	// for problems spiking this week, which supervisors are told about.
	Insights   *insights.Insights
	SpikeEvery time.Duration
	// PublicURL links staff emails to their case.
	PublicURL string
	Logger    *slog.Logger
}

func driverFor(db *store.DB) riverdriver.Driver[*sql.Tx] {
	if db.Engine == store.Postgres {
		return riverdatabasesql.New(db.Writer())
	}
	return riversqlite.New(db.Writer())
}

// Migrate creates or updates River's tables.
func Migrate(ctx context.Context, db *store.DB) error {
	m, err := rivermigrate.New(driverFor(db), nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

// New migrates River's tables and prepares the queue without starting it.
func New(ctx context.Context, db *store.DB, cfg Config) (*Runner, error) {
	if cfg.SweepEvery <= 0 {
		cfg.SweepEvery = time.Minute
	}
	if cfg.WebhookEvery <= 0 {
		cfg.WebhookEvery = 5 * time.Second
	}
	if cfg.LearnEvery == 0 {
		cfg.LearnEvery = time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if err := Migrate(ctx, db); err != nil {
		return nil, err
	}
	r := &Runner{cfg: cfg, sweep: &sweepWorker{log: cfg.Logger}, send: &sendWorker{mail: cfg.Mail, log: cfg.Logger},
		hooks: &webhookWorker{log: cfg.Logger, client: &http.Client{
			Timeout:       10 * time.Second,
			Transport:     desk.WebhookTransport(), // refuses internal addresses the policy does not allow
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}}
	r.staff = &staffMailWorker{mail: cfg.Mail, publicURL: cfg.PublicURL, log: cfg.Logger, insights: cfg.Insights}
	r.learn = &learnWorker{log: cfg.Logger}
	r.corrections = &learnCorrectionsWorker{log: cfg.Logger}
	workers := river.NewWorkers()
	river.AddWorker(workers, r.learn)
	river.AddWorker(workers, r.corrections)
	river.AddWorker(workers, r.staff)
	river.AddWorker(workers, r.sweep)
	river.AddWorker(workers, r.send)
	river.AddWorker(workers, r.hooks)
	periodic := []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(cfg.SweepEvery),
			func() (river.JobArgs, *river.InsertOpts) { return sweepArgs{}, nextSweep(cfg.SweepEvery) },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(cfg.WebhookEvery),
			func() (river.JobArgs, *river.InsertOpts) { return webhookArgs{}, singleton() },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(cfg.WebhookEvery),
			func() (river.JobArgs, *river.InsertOpts) { return staffMailArgs{}, singleton() },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
	if cfg.LearnEvery > 0 {
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.LearnEvery),
			func() (river.JobArgs, *river.InsertOpts) { return learnArgs{}, singleton() },
			&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(cfg.LearnEvery),
				func() (river.JobArgs, *river.InsertOpts) { return learnCorrectionsArgs{}, singleton() },
				&river.PeriodicJobOpts{RunOnStart: true}))
	}
	if cfg.Insights != nil {
		if cfg.SpikeEvery <= 0 {
			cfg.SpikeEvery = 15 * time.Minute
		}
		river.AddWorker(workers, &spikeWorker{insights: cfg.Insights, log: cfg.Logger})
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(cfg.SpikeEvery),
			func() (river.JobArgs, *river.InsertOpts) { return spikeArgs{}, singleton() },
			&river.PeriodicJobOpts{RunOnStart: true}))
	}
	client, err := river.NewClient(driverFor(db), &river.Config{
		Logger:            slog.New(quietInfo{cfg.Logger.Handler()}).With("component", "jobs"),
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 4}},
		Workers:           workers,
		PeriodicJobs:      periodic,
		FetchPollInterval: max(100*time.Millisecond, min(time.Second, cfg.SweepEvery, cfg.WebhookEvery)),
		// A job left running by a process that was killed stays "running"
		// until rescued: retried if it has attempts left (an email), else
		// discarded, freeing its singleton's slot. River's default waits an
		// hour; every job here ends within JobTimeout, so twice that is safe.
		JobTimeout:           jobTimeout,
		RescueStuckJobsAfter: 2 * jobTimeout,
		PollOnly:             true, // database/sql drivers have no LISTEN; polling is cheap at this rate
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	r.client = client
	return r, nil
}

// Start begins working for d.
func (r *Runner) Start(ctx context.Context, d *desk.Desk) error {
	r.sweep.desk, r.send.desk, r.hooks.desk, r.staff.desk, r.learn.desk = d, d, d, d, d
	r.corrections.desk = d
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop waits for running jobs to finish (or ctx to end).
func (r *Runner) Stop(ctx context.Context) error { return r.client.Stop(ctx) }

// QueueTx implements desk.Outbox: it queues the email of an outbound
// message in the transaction that stores it.
func (r *Runner) QueueTx(ctx context.Context, tx *sql.Tx, messageID int64) (string, error) {
	if r.cfg.Mail == nil {
		return "", errors.New("jobs: no outbound mail configured")
	}
	externalID := r.cfg.Mail.newMessageID()
	_, err := r.client.InsertTx(ctx, tx, sendArgs{MessageID: messageID}, &river.InsertOpts{MaxAttempts: sendAttempts})
	if err != nil {
		return "", fmt.Errorf("jobs: queue email for message %d: %w", messageID, err)
	}
	return externalID, nil
}

// Outbox returns the runner as the desk's outbox when mail is configured,
// and nil otherwise (the desk then keeps replies without emailing them).
func (r *Runner) Outbox() desk.Outbox {
	if r.cfg.Mail == nil {
		return nil
	}
	return r
}

// jobTimeout is how long a job may run before its context is cancelled.
const jobTimeout = time.Minute

// singleton is the insert options of a periodic job that must never run
// twice at once, on this instance or another: a new one is not inserted
// while the last is still waiting or running.
func singleton() *river.InsertOpts {
	return &river.InsertOpts{MaxAttempts: 1, UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning, rivertype.JobStateScheduled,
	}}}
}

// nextSweep is the insert options of the periodic sweep: one sweep per
// period, so a sweep left "running" by a process killed half-way does not
// stop the next period's (as a singleton would until River rescues it),
// and the clock-driven work resumes within a period of a restart. A sweep
// still running when the next is due may overlap it; that is safe, as
// desk.Sweep guards every row by its state.
func nextSweep(every time.Duration) *river.InsertOpts {
	opts := singleton()
	opts.UniqueOpts.ByPeriod = max(every, time.Second) // River's smallest period
	return opts
}

// sweepArgs is the periodic job that runs desk.Sweep.
type sweepArgs struct{}

// Kind implements river.JobArgs.
func (sweepArgs) Kind() string { return "calmdesk.sweep" }

type sweepWorker struct {
	river.WorkerDefaults[sweepArgs]
	desk *desk.Desk
	log  *slog.Logger
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[sweepArgs]) error {
	res, err := w.desk.Sweep(ctx)
	if err != nil {
		return err
	}
	if res != (desk.SweepResult{}) {
		w.log.InfoContext(ctx, "sweep", "result", res)
	}
	return nil
}
