package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/demo"
	"github.com/calmdesk/calmdesk/internal/desk"
)

func demoCommand() *ucli.Command {
	return &ucli.Command{
		Name:   "demo",
		Usage:  "load sample customers, cases and users into the database (safe to run again)",
		Action: deskAction(loadDemo),
	}
}

func loadDemo(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	res, err := demo.Load(ctx, d)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	out := cmd.Root().ErrWriter
	fmt.Fprintf(out, "Demo data: %d new messages on %d cases.\n", res.Messages, res.Cases)
	for _, u := range res.NewUsers {
		fmt.Fprintf(out, "  demo %-10s %-24s password %s\n", u.Role, u.Email, u.Password)
	}
	return nil
}
