package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func promisesCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "promises",
		Usage: "the promises agents made to customers",
		Commands: []*ucli.Command{
			{
				Name:   "list",
				Usage:  "list promises, soonest due first",
				Flags:  []ucli.Flag{&ucli.StringFlag{Name: "status", Value: "open", Usage: "open, kept, broken or cancelled"}, jsonFlag()},
				Action: deskAction(promisesList),
			},
			{
				Name:      "kept",
				Usage:     "mark a promise kept",
				ArgsUsage: "ID",
				Flags:     []ucli.Flag{asFlag(), &ucli.StringFlag{Name: "note", Usage: "e.g. the refund reference"}},
				Before:    checkID,
				Action:    deskAction(promiseKept),
			},
		},
	}
}

func promisesList(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	list, err := d.Promises(ctx, desk.PromiseQuery{Status: cmd.String("status")})
	if err != nil {
		return err
	}
	return printList(cmd, list, list, "ID\tCASE\tSTATUS\tDUE\tPROMISE", func(p desk.Promise) string {
		when := "-"
		if p.DueAt != nil {
			when = p.DueAt.Format("2006-01-02 15:04")
		}
		return fmt.Sprintf("%d\t%d\t%s\t%s\t%s", p.ID, p.CaseID, p.Status, when, p.Action)
	})
}

func promiseKept(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	id, err := idArg(cmd)
	if err != nil {
		return err
	}
	u, err := actingUser(ctx, cmd, d)
	if err != nil {
		return err
	}
	p, err := d.ClosePromise(ctx, u, id, "kept", cmd.String("note"))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.Root().Writer, "promise %d kept: %s\n", p.ID, p.Action)
	return err
}
