package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"text/tabwriter"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// The workflow commands give operators the desk without a browser: cases
// and their handoff summaries, promises, goodwill approvals, surveys and
// the timer pass.

func jsonFlag() ucli.Flag { return &ucli.BoolFlag{Name: "json", Usage: "print JSON"} }

func printJSON(cmd *ucli.Command, v any) error {
	enc := json.NewEncoder(cmd.Root().Writer)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func idArg(cmd *ucli.Command) (int64, error) {
	id, err := strconv.ParseInt(cmd.Args().First(), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("give the id as the argument, e.g. `calmdesk %s 42`", cmd.FullName())
	}
	return id, nil
}

// actingUser is the user a command acts as (--as), for permissions and the audit log.
func actingUser(ctx context.Context, cmd *ucli.Command, d *desk.Desk) (desk.User, error) {
	email := cmd.String("as")
	if email == "" {
		return desk.User{}, fmt.Errorf("--as EMAIL is required: the user this is done as")
	}
	return d.UserByEmail(ctx, email)
}

func asFlag() ucli.Flag {
	return &ucli.StringFlag{Name: "as", Usage: "the email of the user doing this", Sources: ucli.EnvVars("CALMDESK_AS")}
}

func casesCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "cases",
		Usage: "list and show cases",
		Commands: []*ucli.Command{
			{
				Name:  "list",
				Usage: "list cases, hottest first",
				Flags: []ucli.Flag{&ucli.StringFlag{Name: "status", Usage: "new, open, pending, escalated, resolved or closed"}, &ucli.IntFlag{Name: "limit", Value: 25}, jsonFlag()},
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					return withDesk(ctx, cmd, func(d *desk.Desk) error {
						page, err := d.ListCases(ctx, desk.CaseQuery{Status: desk.Status(cmd.String("status")), Limit: int(cmd.Int("limit"))})
						if err != nil {
							return err
						}
						if cmd.Bool("json") {
							return printJSON(cmd, page)
						}
						tw := tabwriter.NewWriter(cmd.Root().Writer, 0, 4, 2, ' ', 0)
						fmt.Fprintln(tw, "ID\tPRIORITY\tANGER\tSTATUS\tCUSTOMER\tSUBJECT")
						for _, c := range page.Cases {
							fmt.Fprintf(tw, "%d\t%d\t%d\t%s\t%s\t%s\n", c.ID, c.Priority, c.Anger.Latest, c.Status, c.Customer.Email, c.Subject)
						}
						return tw.Flush()
					})
				},
			},
			{
				Name:      "show",
				Usage:     "show a case with its messages and the handoff summary of its escalations",
				ArgsUsage: "ID",
				Flags:     []ucli.Flag{jsonFlag()},
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					id, err := idArg(cmd)
					if err != nil {
						return err
					}
					return withDesk(ctx, cmd, func(d *desk.Desk) error {
						c, err := d.GetCase(ctx, id)
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
						for _, p := range c.Commitments {
							fmt.Fprintf(out, "\nPromise #%d %s: %s%s\n", p.ID, p.Status, p.Action, due(p))
						}
						return nil
					})
				},
			},
		},
	}
}

func due(p desk.Commitment) string {
	if p.DueAt == nil {
		return " (no date)"
	}
	return " (due " + p.DueAt.Format("Mon 2 Jan 15:04 MST") + ")"
}

func promisesCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "promises",
		Usage: "the promises agents made to customers",
		Commands: []*ucli.Command{
			{
				Name:  "list",
				Usage: "list promises, soonest due first",
				Flags: []ucli.Flag{&ucli.StringFlag{Name: "status", Value: "open", Usage: "open, kept, broken or cancelled"}, jsonFlag()},
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					return withDesk(ctx, cmd, func(d *desk.Desk) error {
						list, err := d.Commitments(ctx, desk.CommitmentQuery{Status: cmd.String("status")})
						if err != nil {
							return err
						}
						if cmd.Bool("json") {
							return printJSON(cmd, list)
						}
						tw := tabwriter.NewWriter(cmd.Root().Writer, 0, 4, 2, ' ', 0)
						fmt.Fprintln(tw, "ID\tCASE\tSTATUS\tDUE\tPROMISE")
						for _, p := range list {
							when := "-"
							if p.DueAt != nil {
								when = p.DueAt.Format("2006-01-02 15:04")
							}
							fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\n", p.ID, p.CaseID, p.Status, when, p.Action)
						}
						return tw.Flush()
					})
				},
			},
			{
				Name:      "kept",
				Usage:     "mark a promise kept",
				ArgsUsage: "ID",
				Flags:     []ucli.Flag{asFlag(), &ucli.StringFlag{Name: "note", Usage: "e.g. the refund reference"}},
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					id, err := idArg(cmd)
					if err != nil {
						return err
					}
					return withDesk(ctx, cmd, func(d *desk.Desk) error {
						u, err := actingUser(ctx, cmd, d)
						if err != nil {
							return err
						}
						p, err := d.CloseCommitment(ctx, u, id, "kept", cmd.String("note"))
						if err != nil {
							return err
						}
						_, err = fmt.Fprintf(cmd.Root().Writer, "promise %d kept: %s\n", p.ID, p.Action)
						return err
					})
				},
			},
		},
	}
}

func goodwillCommand() *ucli.Command {
	decide := func(approve bool) ucli.ActionFunc {
		return func(ctx context.Context, cmd *ucli.Command) error {
			id, err := idArg(cmd)
			if err != nil {
				return err
			}
			return withDesk(ctx, cmd, func(d *desk.Desk) error {
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
			})
		}
	}
	return &ucli.Command{
		Name:  "goodwill",
		Usage: "goodwill gestures and their approval",
		Commands: []*ucli.Command{
			{
				Name:  "list",
				Usage: "list gestures",
				Flags: []ucli.Flag{&ucli.StringFlag{Name: "status", Value: "pending", Usage: "pending, approved or declined"}, jsonFlag()},
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					return withDesk(ctx, cmd, func(d *desk.Desk) error {
						list, err := d.GoodwillList(ctx, desk.GoodwillQuery{Status: cmd.String("status")})
						if err != nil {
							return err
						}
						if cmd.Bool("json") {
							return printJSON(cmd, list)
						}
						tw := tabwriter.NewWriter(cmd.Root().Writer, 0, 4, 2, ' ', 0)
						fmt.Fprintln(tw, "ID\tCASE\tSTATUS\tKIND\tAMOUNT\tREASON")
						for _, g := range list {
							fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%d.%02d %s\t%s\n", g.ID, g.CaseID, g.Status, g.Kind, g.AmountCents/100, g.AmountCents%100, g.Currency, g.Reason)
						}
						return tw.Flush()
					})
				},
			},
			{Name: "approve", Usage: "approve a pending gesture", ArgsUsage: "ID", Flags: []ucli.Flag{asFlag(), &ucli.StringFlag{Name: "note"}}, Action: decide(true)},
			{Name: "decline", Usage: "decline a pending gesture", ArgsUsage: "ID", Flags: []ucli.Flag{asFlag(), &ucli.StringFlag{Name: "note"}}, Action: decide(false)},
		},
	}
}

func surveyCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "survey",
		Usage: "satisfaction surveys",
		Commands: []*ucli.Command{{
			Name:      "answer",
			Usage:     "record a customer's answer given by other means (phone, chat), with the token from their link",
			ArgsUsage: "TOKEN",
			Flags:     []ucli.Flag{&ucli.IntFlag{Name: "score", Required: true, Usage: "1 to 5"}, &ucli.StringFlag{Name: "comment"}},
			Action: func(ctx context.Context, cmd *ucli.Command) error {
				return withDesk(ctx, cmd, func(d *desk.Desk) error {
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
				})
			},
		}},
	}
}

func sweepCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "sweep",
		Usage: "run the timer pass once (reminders, broken promises, SLA checks, surveys); serve runs it every minute",
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			return withDesk(ctx, cmd, func(d *desk.Desk) error {
				r, err := d.Sweep(ctx)
				if err != nil {
					return err
				}
				return printJSON(cmd, r)
			})
		},
	}
}
