// Package store opens calmdesk's database — SQLite embedded by default,
// PostgreSQL for scale — and applies its migrations. The SQL of each domain
// lives with that domain; this package only owns connections, transactions
// and the few places where the two engines differ.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DB is an open calmdesk database. On SQLite it keeps one writer connection
// (SQLite allows one writer at a time; queuing in Go is cheaper than retrying
// on SQLITE_BUSY) and a pool of readers; on PostgreSQL both are one pool.
// Beside them, one connection answers Ping alone.
type DB struct {
	Engine Engine
	write  *sql.DB
	read   *sql.DB
	probe  *sql.DB
}

// openProbe opens the one-connection pool Ping uses (connected on first
// use). A readiness check that waited for a pool connection behind a busy
// instance's queue timed out under load, and the proxy then took the
// instance out of service: with one instance, an outage of its own
// making (docs/performance.md, "Saturation"). Whether the database
// answers is a question for a connection of its own.
func openProbe(driverName, dsn string) (*sql.DB, error) {
	probe, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, err
	}
	probe.SetMaxOpenConns(1)
	probe.SetMaxIdleConns(1)
	return probe, nil
}

// DefaultURL is the embedded default: a SQLite file in the working directory.
const DefaultURL = "sqlite:calmdesk.db"

// Open connects to the database named by rawURL: "sqlite:PATH" (or a bare
// path ending in .db) or "postgres://…". It does not migrate; call Migrate.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	return OpenWith(ctx, rawURL, Options{})
}

// Options are the settings of an open database beyond its URL.
type Options struct {
	// MaxConns is the size of the connection pool: on PostgreSQL the
	// instance's connections to the server, on SQLite the readers (there
	// is one writer). 0 means DefaultMaxConns().
	MaxConns int
}

// DefaultMaxConns is the pool size when none is set: max(8, 4 × cores)
// on PostgreSQL (docs/performance.md has the budget against the
// server's max_connections), max(4, 2 × cores) readers on SQLite.
func DefaultMaxConns(e Engine) int {
	if e == SQLite {
		return max(4, runtime.GOMAXPROCS(0)*2)
	}
	return max(8, runtime.GOMAXPROCS(0)*4)
}

// OpenWith is Open with options.
func OpenWith(ctx context.Context, rawURL string, o Options) (*DB, error) {
	if o.MaxConns < 0 || o.MaxConns > 10000 {
		return nil, fmt.Errorf("store: pool size %d: want 1 to 10000 connections (0: the default)", o.MaxConns)
	}
	switch {
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL, o)
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite:"), "//"), o)
	case strings.HasSuffix(rawURL, ".db"):
		return openSQLite(ctx, rawURL, o)
	}
	return nil, fmt.Errorf("store: unsupported database URL %q (want sqlite:PATH or postgres://…)", redact(rawURL))
}

func openSQLite(ctx context.Context, path string, o Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("store: sqlite URL needs a file path, e.g. sqlite:calmdesk.db")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("store: create directory for %s: %w", path, err)
		}
	}
	// _time_format=sqlite stores times as text SQLite's date functions read,
	// without Go's monotonic clock suffix; _txlock=immediate takes the write
	// lock at BEGIN so a transaction never fails half-way on SQLITE_BUSY.
	// synchronous=FULL syncs the WAL at every commit: a message acknowledged
	// to a customer's mail server survives a power cut, not only a crash
	// (measured: about a quarter less ingest throughput than NORMAL).
	params := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "foreign_keys(1)", "busy_timeout(10000)", "synchronous(FULL)"} {
		params.Add("_pragma", p)
	}
	params.Set("_time_format", "sqlite")
	params.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + params.Encode()

	connector, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	write := sql.OpenDB(keptStatements{connector})
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	read, err := sql.Open("sqlite", dsn)
	if err != nil {
		write.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	n := o.MaxConns
	if n == 0 {
		n = DefaultMaxConns(SQLite)
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	probe, err := openProbe("sqlite", dsn)
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return &DB{Engine: SQLite, write: write, read: read, probe: probe}, nil
}

func openPostgres(ctx context.Context, rawURL string, o Options) (*DB, error) {
	db, err := sql.Open("pgx", rawURL)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", redact(rawURL), err)
	}
	n := o.MaxConns
	if n == 0 {
		n = DefaultMaxConns(Postgres)
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect to %s: %w", redact(rawURL), err)
	}
	probe, err := openProbe("pgx", rawURL)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", redact(rawURL), err)
	}
	return &DB{Engine: Postgres, write: db, read: db, probe: probe}, nil
}

// Close closes every connection.
func (db *DB) Close() error {
	err := errors.Join(db.write.Close(), db.probe.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Read returns the pool for queries that do not write.
func (db *DB) Read() *sql.DB { return db.read }

// Ping checks that the database answers, on a connection of its own so
// that a busy pool does not make a live database look down; /readyz uses it.
func (db *DB) Ping(ctx context.Context) error { return db.probe.PingContext(ctx) }

// Tx runs fn in one write transaction: committed when fn returns nil, rolled
// back otherwise (and on panic). Every domain operation goes through here.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// ForUpdate is the clause that makes a SELECT lock the rows it reads until
// the transaction ends, for a read-check-write that concurrent writers
// must not interleave: " FOR NO KEY UPDATE" on PostgreSQL, the lock an
// UPDATE takes. (FOR UPDATE would also wait on the key-share locks that
// inserts referencing the row hold, and deadlock with them; see
// migrations/postgres/00025.) On SQLite it is empty: a write transaction
// holds the database's one write lock from BEGIN (_txlock=immediate), so
// nothing else can change the rows meanwhile.
func (db *DB) ForUpdate() string {
	if db.Engine == Postgres {
		return " FOR NO KEY UPDATE"
	}
	return ""
}

// IsUniqueViolation reports whether err is a unique-constraint violation.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || liteErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// IsDiskFull reports whether err is the database refusing a write for want
// of disk space (SQLite's SQLITE_FULL, PostgreSQL's disk_full). Nothing of
// the refused transaction was stored.
func IsDiskFull(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "53100"
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return liteErr.Code()&0xff == sqlite3.SQLITE_FULL
	}
	return false
}

// IsUnavailable reports whether err is the database being out of reach:
// the server refusing or dropping connections while it shuts down, starts
// or recovers, or the network between. Such an error passes by itself; the
// pool reconnects on the next query.
func IsUnavailable(err error) bool {
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// Class 08 is "connection exception"; 57P01-57P03 are the server
		// shutting down, crashing or not yet accepting connections.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" || pgErr.Code == "57P03"
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn)
}

// redact hides the password in a database URL before it reaches a log.
func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.User == nil {
		return rawURL
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Writer returns the write pool, for the job queue, which manages its own
// transactions on the desk's database. Domain code uses Tx instead.
func (db *DB) Writer() *sql.DB { return db.write }

// Backup writes a consistent copy of a SQLite database to path while it
// stays in use (VACUUM INTO). PostgreSQL has its own tools: pg_dump.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.Engine != SQLite {
		return errors.New("store: backup copies SQLite databases; for PostgreSQL use pg_dump")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("store: backup: %s exists; choose a new file", path)
	}
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("store: backup to %s: %w", path, err)
	}
	return nil
}
