// Package storetest gives tests a fresh, migrated database on every engine
// calmdesk supports, so one test body covers SQLite and PostgreSQL.
//
// SQLite always runs (a file in t.TempDir). PostgreSQL runs when
// CALMDESK_TEST_POSTGRES_URL names a server (scripts/test starts a throwaway
// one); each test gets its own schema. With CALMDESK_REQUIRE_POSTGRES=1 a
// missing server fails the test instead of skipping it, so CI cannot pass
// while silently testing one engine.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/calmdesk/calmdesk/internal/store"
)

// Each runs fn once per engine as a subtest named after the engine.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			fn(t, Open(t, engine))
		})
	}
}

// Open returns a fresh migrated database of the given engine, closed and
// removed when the test ends.
func Open(t testing.TB, engine store.Engine) *store.DB {
	t.Helper()
	db, _ := OpenURL(t, engine)
	return db
}

// OpenURL is Open that also returns the database's URL, for tests that
// connect a second time, as a second instance would.
func OpenURL(t testing.TB, engine store.Engine) (*store.DB, string) {
	t.Helper()
	ctx := context.Background()
	var dbURL string
	switch engine {
	case store.SQLite:
		dbURL = "sqlite:" + filepath.Join(t.TempDir(), "calmdesk.db")
	case store.Postgres:
		dbURL = postgresSchema(t)
	}
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db, dbURL
}

// postgresSchema creates a schema of its own for the test and returns a URL
// whose search_path points at it.
func postgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv("CALMDESK_TEST_POSTGRES_URL")
	if base == "" {
		if os.Getenv("CALMDESK_REQUIRE_POSTGRES") == "1" {
			t.Fatal("CALMDESK_REQUIRE_POSTGRES=1 but CALMDESK_TEST_POSTGRES_URL is empty: start PostgreSQL with scripts/test")
		}
		t.Skip("PostgreSQL not configured: set CALMDESK_TEST_POSTGRES_URL (scripts/test does)")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	// pg_trgm (migration 00023) is installed once, in public, as a DBA
	// would: created by a test's migration it would land in that test's
	// schema and go with it, and two tests would race to create it.
	if _, err := admin.Exec("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"); err != nil {
		var n int
		if admin.QueryRow("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'").Scan(&n); n == 0 {
			t.Fatalf("create extension pg_trgm: %v", err)
		}
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer admin.Close()
		_, _ = admin.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
