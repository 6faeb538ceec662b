package desk

import (
	"context"
	"database/sql"
	"sync"

	"github.com/calmdesk/calmdesk/internal/store"
)

// groupCommit runs concurrent ingests on SQLite in shared transactions:
// SQLite has one writer and, with synchronous=FULL, one disk sync per
// commit, so committing messages one by one caps throughput at one over
// the disk's sync time. The first caller becomes the leader and runs every
// ingest that queued up while the previous batch was committing; each runs
// in its own savepoint, so one failing message does not take the others
// with it, and nobody's answer comes before the batch is committed.
//
// PostgreSQL commits concurrently on its own, so there each ingest has its
// own transaction.
type groupCommit struct {
	mu      sync.Mutex
	pending []*batchedTx
	leading bool
}

type batchedTx struct {
	fn   func(tx *sql.Tx) error
	done chan error
}

// maxBatch bounds how many messages share one commit.
const maxBatch = 128

// writeTx runs fn in a write transaction, shared with other ingests on SQLite.
func (d *Desk) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if d.db.Engine != store.SQLite {
		return d.db.Tx(ctx, fn)
	}
	call := &batchedTx{fn: fn, done: make(chan error, 1)}
	g := &d.group
	g.mu.Lock()
	g.pending = append(g.pending, call)
	if g.leading {
		g.mu.Unlock()
		return <-call.done
	}
	g.leading = true
	for len(g.pending) > 0 {
		n := min(len(g.pending), maxBatch)
		batch := append([]*batchedTx(nil), g.pending[:n]...)
		g.pending = append(g.pending[:0], g.pending[n:]...)
		g.mu.Unlock()
		d.runBatch(context.WithoutCancel(ctx), batch)
		g.mu.Lock()
	}
	g.leading = false
	g.mu.Unlock()
	return <-call.done
}

func (d *Desk) runBatch(ctx context.Context, batch []*batchedTx) {
	errs := make([]error, len(batch))
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		for i, call := range batch {
			if _, err := tx.ExecContext(ctx, `SAVEPOINT ingest`); err != nil {
				return err
			}
			if errs[i] = call.fn(tx); errs[i] != nil {
				if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT ingest`); err != nil {
					return err
				}
			}
			if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT ingest`); err != nil {
				return err
			}
		}
		return nil
	})
	for i, call := range batch {
		if err != nil {
			call.done <- err
		} else {
			call.done <- errs[i]
		}
	}
}
