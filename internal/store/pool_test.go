package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// engineURLs names a database per engine to open with options: a SQLite
// file, and the PostgreSQL server when CALMDESK_TEST_POSTGRES_URL names one.
func engineURLs(t *testing.T) map[Engine]string {
	urls := map[Engine]string{SQLite: "sqlite:" + filepath.Join(t.TempDir(), "pool.db")}
	if u := os.Getenv("CALMDESK_TEST_POSTGRES_URL"); u != "" {
		urls[Postgres] = u
	}
	return urls
}

// TestOpenWithPoolSize: the pool's size is the one asked for (PostgreSQL:
// the instance's connections; SQLite: its readers, beside one writer),
// the default when none is, and a size out of range is refused.
func TestOpenWithPoolSize(t *testing.T) {
	ctx := context.Background()
	urls := engineURLs(t)
	for engine, u := range urls {
		for _, tc := range []struct{ asked, want int }{{0, DefaultMaxConns(engine)}, {3, 3}, {40, 40}} {
			db, err := OpenWith(ctx, u, Options{MaxConns: tc.asked})
			if err != nil {
				t.Fatalf("%s: %v", engine, err)
			}
			if got := db.read.Stats().MaxOpenConnections; got != tc.want {
				t.Errorf("%s, asked %d: pool of %d, want %d", engine, tc.asked, got, tc.want)
			}
			if engine == SQLite && db.write.Stats().MaxOpenConnections != 1 {
				t.Errorf("SQLite writer pool of %d, want 1", db.write.Stats().MaxOpenConnections)
			}
			db.Close()
		}
		for _, bad := range []int{-1, 10001} {
			if db, err := OpenWith(ctx, u, Options{MaxConns: bad}); err == nil || !strings.Contains(err.Error(), "pool size") {
				if db != nil {
					db.Close()
				}
				t.Errorf("%s: pool of %d accepted (%v)", engine, bad, err)
			}
		}
	}
	if len(urls) == 1 {
		t.Log("CALMDESK_TEST_POSTGRES_URL not set: PostgreSQL not checked")
	}
}

// TestPingWhilePoolIsBusy: with every pooled connection taken (a saturated
// instance), Ping still answers at once. It used to wait for a pooled
// connection, so /readyz timed out under load and the proxy took the
// instance out of service.
func TestPingWhilePoolIsBusy(t *testing.T) {
	ctx := context.Background()
	urls := engineURLs(t)
	for engine, u := range urls {
		db, err := OpenWith(ctx, u, Options{MaxConns: 2})
		if err != nil {
			t.Fatalf("%s: %v", engine, err)
		}
		var held []*sql.Conn
		pools := []*sql.DB{db.read}
		if db.write != db.read {
			pools = append(pools, db.write)
		}
		for _, pool := range pools {
			for range pool.Stats().MaxOpenConnections {
				c, err := pool.Conn(ctx)
				if err != nil {
					t.Fatalf("%s: %v", engine, err)
				}
				held = append(held, c)
			}
		}
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		if err := db.Ping(pctx); err != nil {
			t.Errorf("%s: Ping with every pooled connection taken: %v", engine, err)
		}
		cancel()
		for _, c := range held {
			c.Close()
		}
		if err := db.Close(); err != nil {
			t.Errorf("%s: close: %v", engine, err)
		}
	}
}
