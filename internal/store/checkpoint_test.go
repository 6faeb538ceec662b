package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSQLiteCheckpointsInTheBackground: the writer no longer checkpoints
// at 1,000 pages of log; the background does, and empties the log of
// what was committed, while writes go on; Close stops it (twice is fine).
func TestSQLiteCheckpointsInTheBackground(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "ckpt.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var pages int
	if err := db.write.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil || pages != walAutoCheckpointPages {
		t.Fatalf("writer's wal_autocheckpoint = %d (%v), want %d", pages, err, walAutoCheckpointPages)
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)`); err != nil {
		t.Fatal(err)
	}
	body := strings.Repeat("x", 3000)
	deadline := time.Now().Add(20 * time.Second)
	for db.ckpt.runs.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("no background checkpoint in 20 s (runs %d)", db.ckpt.runs.Load())
		}
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			for range 50 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO t (body) VALUES ($1)`, body); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if db.ckpt.frames.Load() == 0 {
		t.Fatal("checkpoints copied no frames")
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db.stopCheckpoints() // a second stop does not block or panic
}
