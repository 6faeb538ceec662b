package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

// keptCount is how many statements the writer's connection keeps.
func keptCount(t *testing.T, db *DB) int {
	t.Helper()
	conn, err := db.write.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	n := -1
	if err := conn.Raw(func(dc any) error {
		n = len(dc.(*keepingConn).stmts)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestKeptStatements: the writer's kept statements give the answers
// statements prepared afresh would, through everything that happens to a
// statement: a trigger firing, the same text run again while its rows are
// still open, a constraint failing and the statement run again, the schema
// changing under it, a cancelled context, and more texts than are kept.
func TestKeptStatements(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "kept.db"))
	if err != nil {
		t.Fatal(err)
	}
	w := db.Writer()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	exec(`CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL UNIQUE)`)
	exec(`CREATE TABLE note_count (n INTEGER NOT NULL)`)
	exec(`INSERT INTO note_count (n) VALUES (0)`)
	exec(`CREATE TRIGGER notes_counted AFTER INSERT ON notes BEGIN UPDATE note_count SET n = n + 1; END`)

	const insert = `INSERT INTO notes (body) VALUES ($1) RETURNING id`
	for i := range 50 {
		var id int64
		if err := w.QueryRowContext(ctx, insert, fmt.Sprintf("note %d", i)).Scan(&id); err != nil || id != int64(i+1) {
			t.Fatalf("insert %d: id %d, %v", i, id, err)
		}
	}
	var n int
	if err := w.QueryRowContext(ctx, `SELECT n FROM note_count WHERE n >= $1`, 0).Scan(&n); err != nil || n != 50 {
		t.Fatalf("the trigger counted %d (%v), want 50", n, err)
	}

	// The same text while its rows are open, inside a transaction.
	const byID = `SELECT id, body FROM notes WHERE id <= $1 ORDER BY id`
	err = func() error {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		outer, err := tx.QueryContext(ctx, byID, 3)
		if err != nil {
			return err
		}
		defer outer.Close()
		for outer.Next() {
			var id int64
			var body string
			if err := outer.Scan(&id, &body); err != nil {
				return err
			}
			var inner int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+byID+`)`, id).Scan(&inner); err != nil {
				return err
			}
			var again string
			if err := tx.QueryRowContext(ctx, `SELECT body FROM notes WHERE id = $1`, id).Scan(&again); err != nil || again != body {
				return fmt.Errorf("note %d read again as %q (%v), want %q", id, again, err, body)
			}
			rows, err := tx.QueryContext(ctx, byID, id) // the busy text itself
			if err != nil {
				return err
			}
			seen := 0
			for rows.Next() {
				seen++
			}
			rows.Close()
			if seen != int(id) || inner != int(id) {
				return fmt.Errorf("at note %d: %d and %d rows, want %d", id, seen, inner, id)
			}
		}
		return outer.Err()
	}()
	if err != nil {
		t.Fatal(err)
	}

	// A constraint fails; the same statement then runs as before.
	if err := w.QueryRowContext(ctx, insert, "note 7").Scan(new(int64)); err == nil {
		t.Fatal("a duplicate body was inserted")
	}
	var id int64
	if err := w.QueryRowContext(ctx, insert, "note 50").Scan(&id); err != nil || id != 51 {
		t.Fatalf("after a failed insert: id %d, %v", id, err)
	}

	// The schema changes under a kept statement.
	exec(`ALTER TABLE notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 1`)
	var pinned int
	if err := w.QueryRowContext(ctx, `SELECT * FROM notes WHERE id = $1`, 2).Scan(&id, new(string), &pinned); err != nil || pinned != 1 {
		t.Fatalf("after the schema changed: pinned %d, %v", pinned, err)
	}

	// A cancelled context fails the run, not the statement.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := w.QueryRowContext(cancelled, insert, "never").Scan(&id); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled insert: %v, want context.Canceled", err)
	}
	if err := w.QueryRowContext(ctx, insert, "note 51").Scan(&id); err != nil || id != 52 {
		t.Fatalf("after a cancelled insert: id %d, %v", id, err)
	}

	// More texts than are kept: every one answers, the cache stays bounded.
	for i := range maxCachedStatements + 40 {
		var got int
		if err := w.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d + $1`, i), 1).Scan(&got); err != nil || got != i+1 {
			t.Fatalf("query %d: %d, %v", i, got, err)
		}
	}
	if k := keptCount(t, db); k > maxCachedStatements || k == 0 {
		t.Errorf("the writer keeps %d statements, want 1 to %d", k, maxCachedStatements)
	}
	if err := db.Close(); err != nil {
		t.Errorf("close with kept statements: %v", err)
	}
	if _, err := w.ExecContext(ctx, `SELECT 1`); !errors.Is(err, sql.ErrConnDone) && err == nil {
		t.Error("the writer still answers after Close")
	}
}
