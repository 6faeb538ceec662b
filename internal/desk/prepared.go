package desk

import (
	"context"
	"database/sql"
	"sync"
)

// maxPrepared bounds preparedReads: a statement past it runs unprepared.
const maxPrepared = 64

// preparedReads is a querier on the read pool that prepares each statement
// once and runs it again from then on (database/sql prepares it anew on
// each connection that runs it, once). For reads made on every request —
// the case's seven queries, the request's user by token or session: on
// SQLite, parsing and preparing them again on each request was about an
// eighth of a case read's CPU, and most of a kept answer's. Only fixed query texts go
// through it; the cache is bounded all the same. Only on SQLite: pgx keeps
// its own statement cache on each connection, and database/sql's prepared
// statements on top of it cost more CPU than they save.
type preparedReads struct {
	db    *sql.DB
	on    bool // prepare (SQLite); otherwise every query runs as given
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (p *preparedReads) stmt(ctx context.Context, query string) *sql.Stmt {
	if !p.on {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if s, ok := p.stmts[query]; ok {
		return s
	}
	if len(p.stmts) >= maxPrepared {
		return nil
	}
	s, err := p.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // run unprepared: the query itself reports the error
	}
	if p.stmts == nil {
		p.stmts = map[string]*sql.Stmt{}
	}
	p.stmts[query] = s
	return s
}

func (p *preparedReads) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return p.db.QueryContext(ctx, query, args...)
}

func (p *preparedReads) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := p.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return p.db.QueryRowContext(ctx, query, args...)
}
