package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func goodwillCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "goodwill",
		Usage: "goodwill gestures and their approval",
		Commands: []*ucli.Command{
			{
				Name:   "list",
				Usage:  "list gestures",
				Flags:  []ucli.Flag{&ucli.StringFlag{Name: "status", Value: "pending", Usage: "pending, approved or declined"}, jsonFlag()},
				Action: deskAction(goodwillList),
			},
			{Name: "approve", Usage: "approve a pending gesture", ArgsUsage: "ID", Flags: []ucli.Flag{asFlag(), &ucli.StringFlag{Name: "note"}},
				Before: checkID, Action: deskAction(goodwillDecision(true))},
			{Name: "decline", Usage: "decline a pending gesture", ArgsUsage: "ID", Flags: []ucli.Flag{asFlag(), &ucli.StringFlag{Name: "note"}},
				Before: checkID, Action: deskAction(goodwillDecision(false))},
		},
	}
}

func goodwillList(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	list, err := d.GoodwillOffers(ctx, desk.GoodwillQuery{Status: cmd.String("status")})
	if err != nil {
		return err
	}
	return printList(cmd, list, list, "ID\tCASE\tSTATUS\tKIND\tAMOUNT\tREASON", func(g desk.Goodwill) string {
		return fmt.Sprintf("%d\t%d\t%s\t%s\t%d.%02d %s\t%s", g.ID, g.CaseID, g.Status, g.Kind, g.AmountCents/100, g.AmountCents%100, g.Currency, g.Reason)
	})
}

// goodwillDecision approves or declines the gesture named by the ID argument.
func goodwillDecision(approve bool) func(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	return func(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
		id, err := idArg(cmd)
		if err != nil {
			return err
		}
		u, err := actingUser(ctx, cmd, d)
		if err != nil {
			return err
		}
		g, err := d.DecideGoodwill(ctx, u, id, approve, cmd.String("note"))
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(cmd.Root().Writer, "goodwill %d %s\n", g.ID, g.Status)
		return err
	}
}
