package cli

import (
	"context"
	"fmt"
	"strconv"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// idArg is the numeric ID a command takes as its argument.
func idArg(cmd *ucli.Command) (int64, error) {
	id, err := strconv.ParseInt(cmd.Args().First(), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("give the id as the argument, e.g. `%s 42`", cmd.FullName())
	}
	return id, nil
}

// checkID refuses a missing or malformed ID argument before the database
// is opened (a command's Before).
func checkID(ctx context.Context, cmd *ucli.Command) (context.Context, error) {
	_, err := idArg(cmd)
	return ctx, err
}

func asFlag() ucli.Flag {
	return &ucli.StringFlag{Name: "as", Usage: "the email of the user doing this", Sources: ucli.EnvVars("CALMDESK_AS")}
}

// actingUser is the user a command acts as (--as), for permissions and the audit log.
func actingUser(ctx context.Context, cmd *ucli.Command, d *desk.Desk) (desk.User, error) {
	email := cmd.String("as")
	if email == "" {
		return desk.User{}, fmt.Errorf("--as EMAIL is required: the user this is done as")
	}
	return d.UserByEmail(ctx, email)
}
