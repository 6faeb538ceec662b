package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/store"
)

func backupCommand() *ucli.Command {
	return &ucli.Command{
		Name:   "backup",
		Usage:  "copy the SQLite database to a new file while the desk runs (PostgreSQL: use pg_dump)",
		Flags:  []ucli.Flag{&ucli.StringFlag{Name: "out", Required: true, Usage: "the new file, e.g. calmdesk-2026-11-26.db"}},
		Action: backup,
	}
}

func backup(ctx context.Context, cmd *ucli.Command) error {
	return withDB(ctx, cmd, func(db *store.DB) error {
		if err := db.Backup(ctx, cmd.String("out")); err != nil {
			return err
		}
		_, err := fmt.Fprintf(cmd.Root().Writer, "backed up to %s\n", cmd.String("out"))
		return err
	})
}
