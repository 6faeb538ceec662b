package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestIsDiskFull fills a SQLite database to its limit (max_page_count
// stands in for a full disk: SQLite answers both with SQLITE_FULL) and
// checks the error is told apart from the others.
func TestIsDiskFull(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite)
	w := db.Writer() // one connection: the pragma stays set on it
	if _, err := w.ExecContext(ctx, `CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	var pages int
	if err := w.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ExecContext(ctx, fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+5)); err != nil {
		t.Fatal(err)
	}
	var full error
	for range 20 {
		if full = db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO filler (b) VALUES (randomblob(8000))`)
			return err
		}); full != nil {
			break
		}
	}
	if !store.IsDiskFull(full) || store.IsUnavailable(full) {
		t.Fatalf("filling the database: %v; IsDiskFull %v, IsUnavailable %v", full, store.IsDiskFull(full), store.IsUnavailable(full))
	}
	if store.IsDiskFull(errors.New("boom")) || store.IsDiskFull(&pgconn.PgError{Code: "23505"}) {
		t.Error("IsDiskFull is true for other errors")
	}
	if !store.IsDiskFull(fmt.Errorf("desk: x: %w", &pgconn.PgError{Code: "53100"})) {
		t.Error("IsDiskFull is false for PostgreSQL's disk_full")
	}
}

// TestIsUnavailable checks the errors of a database out of reach: a server
// nobody listens for, and (on PostgreSQL) a connection the server ends, as
// it does to every connection when it shuts down or restarts.
func TestIsUnavailable(t *testing.T) {
	ctx := context.Background()
	_, err := store.Open(ctx, "postgres://calmdesk@127.0.0.1:1/calmdesk?sslmode=disable&connect_timeout=5")
	if err == nil || !store.IsUnavailable(err) {
		t.Errorf("connecting to a closed port: %v; IsUnavailable false", err)
	}
	for _, err := range []error{errors.New("boom"), sql.ErrNoRows, &pgconn.PgError{Code: "23505"}, context.Canceled} {
		if store.IsUnavailable(err) {
			t.Errorf("IsUnavailable(%v) = true", err)
		}
	}
	for _, code := range []string{"57P01", "57P02", "57P03", "08006"} {
		if !store.IsUnavailable(fmt.Errorf("desk: x: %w", &pgconn.PgError{Code: code})) {
			t.Errorf("IsUnavailable(SQLSTATE %s) = false", code)
		}
	}

	db := storetest.Open(t, store.Postgres)
	conn, err := db.Read().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var pid int
	if err := conn.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	var ended bool
	if err := db.Read().QueryRowContext(ctx, `SELECT pg_terminate_backend($1)`, pid).Scan(&ended); err != nil || !ended {
		t.Fatalf("terminate backend %d: %v %v", pid, ended, err)
	}
	err = conn.QueryRowContext(ctx, `SELECT 1`).Scan(new(int))
	if err == nil || !store.IsUnavailable(err) {
		t.Errorf("a query on a connection the server ended: %v; IsUnavailable false", err)
	}
}
