package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/store"
)

func migrateCommand() *ucli.Command {
	return &ucli.Command{
		Name:   "migrate",
		Usage:  "apply database migrations, the desk's and the job queue's (serve does this too)",
		Action: migrate,
	}
}

func migrate(ctx context.Context, cmd *ucli.Command) error {
	return withDB(ctx, cmd, func(db *store.DB) error {
		if err := jobs.Migrate(ctx, db); err != nil {
			return err
		}
		_, err := fmt.Fprintf(cmd.Root().Writer, "database is up to date (%s)\n", db.Engine)
		return err
	})
}
