package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenWithPoolSize: the pool's size is the one asked for (PostgreSQL:
// the instance's connections; SQLite: its readers, beside one writer),
// the default when none is, and a size out of range is refused.
func TestOpenWithPoolSize(t *testing.T) {
	ctx := context.Background()
	urls := map[Engine]string{SQLite: "sqlite:" + filepath.Join(t.TempDir(), "pool.db")}
	if u := os.Getenv("CALMDESK_TEST_POSTGRES_URL"); u != "" {
		urls[Postgres] = u
	}
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
