package cli

import (
	"context"
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func sweepCommand() *ucli.Command {
	return &ucli.Command{
		Name:   "sweep",
		Usage:  "run the timer pass once (reminders, broken promises, SLA checks, surveys); serve runs it every minute",
		Action: deskAction(sweep),
	}
}

func sweep(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	r, err := d.Sweep(ctx)
	if errors.Is(err, desk.ErrNoPublicURL) {
		return fmt.Errorf("%w: set --public-url or CALMDESK_PUBLIC_URL to where customers reach the desk", err)
	}
	if err != nil {
		return err
	}
	return printJSON(cmd, r)
}
