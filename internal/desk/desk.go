// Package desk is calmdesk's domain: customers, cases, messages, users,
// tokens and the audit log. Each exported operation is one database
// transaction; the SQL it runs lives beside it. Only the web and cli
// packages turn its typed errors into HTTP statuses or exit codes.
package desk

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/store"
)

// Analyzer reads a customer message; analyze.Default() is the real one.
type Analyzer interface {
	Read(text string) (analyze.Reading, error)
}

// Desk runs the domain operations against one database.
type Desk struct {
	db        *store.DB
	analyzer  Analyzer
	coach     *coach.Coach
	policy    policyCache
	publicURL string
	outbox    Outbox
	group     groupCommit
	learned   learnedCategories
	now       func() time.Time
	log       *slog.Logger

	corrections learnedCorrections // adjusters learned from people's corrections
	prepared    preparedReads      // the case read's statements, prepared once
	answers     answerCache        // cases' encoded answers, by version (CaseAnswer)
	searchCap   int                // searchMatchCap; tests lower it to reach the common-term path
}

// Options configure a Desk. Zero values pick the production defaults.
type Options struct {
	Analyzer Analyzer     // required: analyze.Default() in production
	Coach    *coach.Coach // default coach.New(nil): the built-in playbook
	// PublicURL is where customers reach this desk, for survey links.
	// There is no default: without it, Sweep fails with ErrNoPublicURL
	// when a survey is due rather than send a link nobody can open.
	PublicURL string
	Now       func() time.Time // default time.Now; tests pass a fixed clock
	Logger    *slog.Logger     // default slog.Default()
	// Outbox emails replies on email cases; nil keeps them in the desk only.
	Outbox Outbox
	// CaseCacheBytes bounds the cases' encoded answers kept in memory
	// (CaseAnswer); 0 means DefaultCaseCacheBytes, a negative value keeps
	// none.
	CaseCacheBytes int
}

// ErrNoPublicURL is the error of a sweep that has a survey to send and no
// public URL (Options.PublicURL) to link it to.
var ErrNoPublicURL = errors.New("a survey is due but no public URL is configured for its link")

// New returns a Desk on db.
func New(db *store.DB, opt Options) *Desk {
	d := &Desk{db: db, analyzer: opt.Analyzer, coach: opt.Coach, outbox: opt.Outbox, now: opt.Now, log: opt.Logger}
	d.prepared = preparedReads{db: db.Read(), on: db.Engine == store.SQLite}
	d.answers.max = max(opt.CaseCacheBytes, 0)
	if opt.CaseCacheBytes == 0 {
		d.answers.max = DefaultCaseCacheBytes
	}
	d.publicURL = strings.TrimRight(opt.PublicURL, "/")
	d.searchCap = searchMatchCap
	if d.coach == nil {
		d.coach = coach.New(nil)
	}
	if d.now == nil {
		d.now = time.Now
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	return d
}

// querier is what both a pool and a transaction can do, so reads can run
// inside a write transaction or outside it with the same code.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// clock returns the current time in UTC at microsecond precision, the
// precision both engines store.
func (d *Desk) clock() time.Time { return d.now().UTC().Truncate(time.Microsecond) }

// Now is the desk's clock, for callers that show or judge time against what
// the desk stores (SLA clocks, due times, windows on input): one clock, so a
// test's fixed time holds on every page too.
func (d *Desk) Now() time.Time { return d.clock() }
