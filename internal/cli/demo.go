package cli

import (
	"context"
	"fmt"
	"io"

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
	res, err := loadDemoData(ctx, cmd, d)
	if err == nil {
		printDemoAccounts(cmd.Root().ErrWriter, res.Accounts)
	}
	return err
}

func loadDemoData(ctx context.Context, cmd *ucli.Command, d *desk.Desk) (demo.Result, error) {
	res, err := demo.Load(ctx, d)
	if err != nil {
		return res, fmt.Errorf("demo data: %w", err)
	}
	fmt.Fprintf(cmd.Root().ErrWriter, "Demo data: %d new messages on %d cases.\n", res.Messages, res.Cases)
	return res, nil
}

// printDemoAccounts lists the demo sign-ins; serve --demo prints them on
// every start, after the job queue's start-up lines, and shows them on the
// sign-in page.
func printDemoAccounts(out io.Writer, accounts []demo.NewUser) {
	if len(accounts) == 0 {
		return
	}
	fmt.Fprintln(out, "\nDemo sign-ins (also shown on the sign-in page while serving with --demo):")
	for _, u := range accounts {
		fmt.Fprintf(out, "  demo %-10s %-24s password %s\n", u.Role, u.Email, u.Password)
	}
	fmt.Fprintln(out)
}
