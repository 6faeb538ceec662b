package desk

import (
	"context"
	"database/sql"
	"slices"
	"sync"

	"github.com/calmdesk/calmdesk/internal/store"
)

// groupCommit runs concurrent ingests on SQLite in shared transactions:
// SQLite has one writer and, with synchronous=FULL, one disk sync per
// commit, so committing messages one by one caps throughput at one over
// the disk's sync time. A caller who finds no leader becomes the leader and
// commits what has queued up; each ingest runs in its own savepoint, so one
// failing message does not take the others with it, and nobody's answer
// comes before their batch is committed.
//
// Once the leader's own write is committed it hands leadership to the
// oldest waiter and returns, so under steady load no caller waits for a
// lull. A waiter whose context ends before a batch takes its write leaves
// the queue with the context's error; once taken, the write is committed
// or not with its batch, and the waiter gets that answer.
//
// PostgreSQL commits concurrently on its own, so there each ingest has its
// own transaction.
type groupCommit struct {
	mu      sync.Mutex
	pending []*batchedTx
	leading bool
}

type batchedTx struct {
	fn    func(tx *sql.Tx) error
	done  chan error    // the write's outcome, once its batch commits
	lead  chan struct{} // closed when this waiter is to lead
	taken bool          // in a batch: the outcome is coming (guarded by mu)
	asked bool          // lead was closed (guarded by mu)
}

// maxBatch bounds how many messages share one commit.
const maxBatch = 128

// writeTx runs fn in a write transaction, shared with other ingests on SQLite.
func (d *Desk) writeTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if d.db.Engine != store.SQLite {
		return d.db.Tx(ctx, fn)
	}
	call := &batchedTx{fn: fn, done: make(chan error, 1), lead: make(chan struct{})}
	g := &d.group
	g.mu.Lock()
	g.pending = append(g.pending, call)
	if !g.leading {
		g.leading = true
		return d.lead(ctx, call) // with g.mu held
	}
	g.mu.Unlock()
	select {
	case err := <-call.done:
		return err
	case <-call.lead:
		g.mu.Lock()
		return d.lead(ctx, call)
	case <-ctx.Done():
		g.mu.Lock()
		switch {
		case call.asked: // leadership came at the same moment: it cannot be refused
			return d.lead(ctx, call)
		case call.taken:
			g.mu.Unlock()
			return <-call.done
		}
		g.pending = slices.DeleteFunc(g.pending, func(c *batchedTx) bool { return c == call })
		g.mu.Unlock()
		return ctx.Err()
	}
}

// lead commits batches until call's own is committed, then hands the lead
// to the oldest waiter, or gives it up when nobody waits. g.mu is held on
// entry and released on return.
func (d *Desk) lead(ctx context.Context, call *batchedTx) error {
	g := &d.group
	for !call.taken {
		n := min(len(g.pending), maxBatch)
		batch := slices.Clone(g.pending[:n])
		g.pending = append(g.pending[:0], g.pending[n:]...)
		for _, c := range batch {
			c.taken = true
		}
		g.mu.Unlock()
		d.runBatch(context.WithoutCancel(ctx), batch)
		g.mu.Lock()
	}
	if len(g.pending) > 0 {
		next := g.pending[0]
		next.asked = true
		close(next.lead)
	} else {
		g.leading = false
	}
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
