package cli

import (
	"context"
	"errors"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func tokenCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "token",
		Usage: "manage API tokens",
		Commands: []*ucli.Command{{
			Name:      "revoke",
			Usage:     "stop an API token from working",
			ArgsUsage: "TOKEN",
			Action:    deskAction(tokenRevoke),
		}, {
			Name:  "create",
			Usage: "create an API token for a user and print it (alone, on standard output)",
			Flags: []ucli.Flag{
				&ucli.StringFlag{Name: "user", Required: true, Usage: "the user's email"},
				&ucli.StringFlag{Name: "name", Usage: "what the token is for"},
			},
			Action: deskAction(tokenCreate),
		}},
	}
}

func tokenRevoke(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	if err := d.RevokeToken(ctx, desk.SystemActor, cmd.Args().First()); err != nil {
		if errors.Is(err, desk.ErrNotFound) {
			return fmt.Errorf("no active token matches")
		}
		return err
	}
	_, err := fmt.Fprintln(cmd.Root().Writer, "token revoked")
	return err
}

func tokenCreate(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	token, err := d.CreateToken(ctx, desk.SystemActor, cmd.String("user"), cmd.String("name"))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(cmd.Root().Writer, token)
	return err
}
