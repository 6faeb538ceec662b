package store

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// SQLite's write-ahead log is checkpointed (copied back into the database
// file, which is then synced) in the background, once a second, instead of
// by the commit that happens to push the log past 1,000 pages: with
// synchronous=FULL that commit paid for copying and syncing the whole
// log, and every message sharing its group commit waited with it — the
// ingest's rare second-long tails. A PASSIVE checkpoint takes no lock a
// writer needs, so commits go on while it runs. The writer connection
// still checkpoints by itself past walAutoCheckpointPages, should the
// background ever fall that far behind.
const (
	checkpointEvery        = time.Second
	walAutoCheckpointPages = 10000 // about 40 MB of log at 4 KiB pages
)

// checkpointer runs the background checkpoints of one SQLite database.
type checkpointer struct {
	stop, done chan struct{}
	stopOnce   sync.Once
	// Runs that found frames to copy, and the frames copied in all: for
	// tests and the curious.
	runs, frames atomic.Int64
}

func (db *DB) startCheckpoints() {
	c := &checkpointer{stop: make(chan struct{}), done: make(chan struct{})}
	db.ckpt = c
	go func() {
		defer close(c.done)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				db.checkpoint()
			}
		}
	}()
}

// checkpoint copies what it can of the log into the database file
// without waiting for readers or the writer. An error (the database is
// closing, the disk is full) is left to the next run and to the writer's
// own checkpoints.
func (db *DB) checkpoint() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var busy, log, done int64
	if err := db.read.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &log, &done); err != nil {
		return
	}
	if done > 0 {
		db.ckpt.runs.Add(1)
		db.ckpt.frames.Add(done)
	}
}

func (db *DB) stopCheckpoints() {
	if db.ckpt != nil {
		db.ckpt.stopOnce.Do(func() { close(db.ckpt.stop) })
		<-db.ckpt.done
	}
}
