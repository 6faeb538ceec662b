package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func surveyCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "survey",
		Usage: "satisfaction surveys",
		Commands: []*ucli.Command{{
			Name:      "answer",
			Usage:     "record a customer's answer given by other means (phone, chat), with the token from their link",
			ArgsUsage: "TOKEN",
			Flags:     []ucli.Flag{&ucli.IntFlag{Name: "score", Required: true, Usage: "1 to 5"}, &ucli.StringFlag{Name: "comment"}},
			Action:    deskAction(surveyAnswer),
		}},
	}
}

func surveyAnswer(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	reopened, err := d.AnswerSurvey(ctx, cmd.Args().First(), int(cmd.Int("score")), cmd.String("comment"))
	if err != nil {
		return err
	}
	msg := "answer recorded\n"
	if reopened {
		msg = "answer recorded; the case is open again\n"
	}
	_, err = fmt.Fprint(cmd.Root().Writer, msg)
	return err
}
