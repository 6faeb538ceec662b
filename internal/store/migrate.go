package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
)

//go:embed migrations
var migrations embed.FS

// Migrate applies every migration not yet applied and returns how many ran.
// Each engine has its own directory of numbered SQL files; the two describe
// the same schema in each engine's types.
func (db *DB) Migrate(ctx context.Context) (int, error) {
	dialect := goose.DialectSQLite3
	if db.Engine == Postgres {
		dialect = goose.DialectPostgres
	}
	dir, err := fs.Sub(migrations, "migrations/"+string(db.Engine))
	if err != nil {
		return 0, fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(dialect, db.write, dir)
	if err != nil {
		return 0, fmt.Errorf("store: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return len(results), fmt.Errorf("store: migrate: %w", err)
	}
	return len(results), nil
}
