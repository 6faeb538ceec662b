package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// The workflow commands (cases, promises, goodwill, survey, sweep) give
// operators the desk without a browser.

func casesCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "cases",
		Usage: "list and show cases",
		Commands: []*ucli.Command{
			{
				Name:  "list",
				Usage: "list cases, hottest first",
				Flags: []ucli.Flag{
					&ucli.StringFlag{Name: "status", Usage: "new, open, pending, escalated, resolved or closed"},
					&ucli.IntFlag{Name: "limit", Value: 25},
					jsonFlag(),
				},
				Action: deskAction(casesList),
			},
			{
				Name:      "show",
				Usage:     "show a case with its messages and the handoff summary of its escalations",
				ArgsUsage: "ID",
				Flags:     []ucli.Flag{jsonFlag()},
				Before:    checkID,
				Action:    deskAction(casesShow),
			},
		},
	}
}

func casesList(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	page, err := d.Cases(ctx, desk.CaseQuery{Status: desk.Status(cmd.String("status")), Limit: int(cmd.Int("limit"))})
	if err != nil {
		return err
	}
	return printList(cmd, page, page.Cases, "ID\tPRIORITY\tANGER\tSTATUS\tCUSTOMER\tSUBJECT", func(c desk.Case) string {
		return fmt.Sprintf("%d\t%d\t%d\t%s\t%s\t%s", c.ID, c.Priority, c.Anger.Latest, c.Status, c.Customer.Email, c.Subject)
	})
}

func casesShow(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	id, err := idArg(cmd)
	if err != nil {
		return err
	}
	c, err := d.Case(ctx, id)
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		return printJSON(cmd, c)
	}
	out := cmd.Root().Writer
	fmt.Fprintf(out, "Case #%d: %s\nStatus %s, priority %d, anger %d (first %d, peak %d, %s)\nCustomer %s <%s>\n",
		c.ID, c.Subject, c.Status, c.Priority, c.Anger.Latest, c.Anger.First, c.Anger.Peak, c.Anger.Trend, c.Customer.Name, c.Customer.Email)
	for _, m := range c.Messages {
		anger := ""
		if m.Reading != nil {
			anger = fmt.Sprintf(" (anger %d)", m.Reading.Anger)
		}
		fmt.Fprintf(out, "\n[%s %s%s]\n%s\n", m.CreatedAt.Format("2006-01-02 15:04"), m.Direction, anger, m.CleanText)
	}
	for _, e := range c.Escalations {
		fmt.Fprintf(out, "\nEscalated %s (%s)\n%s\n", e.CreatedAt.Format("2006-01-02 15:04"), e.Rule, e.Summary)
	}
	for _, p := range c.Promises {
		fmt.Fprintf(out, "\nPromise #%d %s: %s%s\n", p.ID, p.Status, p.Action, due(p))
	}
	return nil
}

func due(p desk.Promise) string {
	if p.DueAt == nil {
		return " (no date)"
	}
	return " (due " + p.DueAt.Format("Mon 2 Jan 15:04 MST") + ")"
}
