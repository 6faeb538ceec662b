package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
)

// maxCachedStatements bounds the statements one connection keeps.
const maxCachedStatements = 128

// keptStatements opens SQLite connections that keep the statements they
// run, prepared, for the next run of the same text. SQLite compiles a
// statement together with every trigger it may fire, and the insight
// rollups' triggers expand a view of a dozen subqueries: compiling them
// again on each write was most of an ingest's time in the writer
// (docs/performance.md, "Ingest tails on SQLite"). database/sql prepares
// nothing by itself, and its prepared statements cannot be used by code
// that takes a *sql.Tx, so the cache sits in the driver, under it.
//
// Only the writer's connection keeps statements: it runs a fixed set of
// texts, all of them; the readers run the inbox's many shapes of query,
// and the case read they repeat most is prepared in desk (preparedReads).
type keptStatements struct{ driver.Connector }

func (k keptStatements) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := k.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	for _, ok := range []bool{
		implements[driver.ConnPrepareContext](c), implements[driver.ConnBeginTx](c),
		implements[driver.ExecerContext](c), implements[driver.QueryerContext](c),
		implements[driver.Pinger](c), implements[driver.SessionResetter](c), implements[driver.Validator](c),
	} {
		if !ok {
			c.Close()
			return nil, errors.New("store: the sqlite driver's connection lacks an interface the statement cache needs")
		}
	}
	return &keepingConn{Conn: c, stmts: map[string]*keptStmt{}}, nil
}

func implements[T any](c driver.Conn) bool { _, ok := c.(T); return ok }

// keepingConn is a driver connection that keeps its statements. database/sql
// uses a connection from one goroutine at a time, so it needs no lock.
type keepingConn struct {
	driver.Conn
	stmts map[string]*keptStmt
}

type keptStmt struct {
	driver.Stmt
	busy bool // its rows are open: another run of the text prepares its own
}

// stmt returns the kept statement for query, preparing it on first use, or
// nil when the query should run as given: the statement is busy with open
// rows, or it does not prepare (its error comes from running it).
func (c *keepingConn) stmt(ctx context.Context, query string) *keptStmt {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil
		}
		return s
	}
	ds, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	if len(c.stmts) >= maxCachedStatements {
		for text, s := range c.stmts { // make room: any idle one
			if !s.busy {
				s.Close()
				delete(c.stmts, text)
				break
			}
		}
	}
	s := &keptStmt{Stmt: ds}
	c.stmts[query] = s
	return s
}

func (c *keepingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s := c.stmt(ctx, query); s != nil {
		return s.Stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	}
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *keepingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.stmt(ctx, query)
	if s == nil {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	rows, err := s.Stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &keptRows{Rows: rows, stmt: s}, nil
}

func (c *keepingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *keepingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *keepingConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *keepingConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *keepingConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

// Close finalizes the kept statements before the connection: SQLite does
// not close a connection that still has statements.
func (c *keepingConn) Close() error {
	var errs []error
	for text, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, text)
	}
	return errors.Join(append(errs, c.Conn.Close())...)
}

// keptRows frees its statement for the next run when closed. It passes on
// the column-type interfaces of the driver's rows.
type keptRows struct {
	driver.Rows
	stmt *keptStmt
}

func (r *keptRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy = false
	return err
}

func (r *keptRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *keptRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *keptRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

func (r *keptRows) ColumnTypeLength(i int) (length int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return t.ColumnTypeLength(i)
	}
	return 0, false
}

func (r *keptRows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return t.ColumnTypePrecisionScale(i)
	}
	return 0, 0, false
}
