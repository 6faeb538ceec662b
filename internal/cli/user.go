package cli

import (
	"context"
	"fmt"
	"strings"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func userCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "user",
		Usage: "manage the people who sign in",
		Commands: []*ucli.Command{
			{
				Name:  "add",
				Usage: "add a user; prints the password when none is given",
				Flags: []ucli.Flag{
					&ucli.StringFlag{Name: "email", Required: true, Usage: "sign-in email"},
					&ucli.StringFlag{Name: "name", Required: true, Usage: "name shown to colleagues and customers"},
					&ucli.StringFlag{Name: "role", Value: "agent", Usage: "agent, supervisor, admin or trainee"},
					&ucli.StringFlag{Name: "password", Usage: fmt.Sprintf("at least %d characters; generated when empty", desk.MinPasswordLength)},
					&ucli.StringSliceFlag{Name: "skills", Usage: "case categories this agent handles (comma-separated; any when empty)"},
				},
				Action: deskAction(userAdd),
			},
			{
				Name:  "skills",
				Usage: "set the case categories an agent handles (automatic assignment respects them)",
				Flags: []ucli.Flag{
					&ucli.StringFlag{Name: "email", Required: true, Usage: "the user's email"},
					&ucli.StringSliceFlag{Name: "set", Usage: "categories, comma-separated; empty means any"},
				},
				Action: deskAction(userSkills),
			},
			{
				Name:   "reset-password",
				Usage:  "give a user a new random password (printed alone) and end their sessions",
				Flags:  []ucli.Flag{&ucli.StringFlag{Name: "email", Required: true, Usage: "the user's email"}},
				Action: deskAction(userResetPassword),
			},
			{
				Name:   "list",
				Usage:  "list users",
				Action: deskAction(userList),
			},
		},
	}
}

func userAdd(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	u, pw, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{
		Email: cmd.String("email"), Name: cmd.String("name"),
		Role: desk.Role(cmd.String("role")), Password: cmd.String("password"),
	})
	if err != nil {
		return err
	}
	if skills := cmd.StringSlice("skills"); len(skills) > 0 {
		if _, err := d.SetSkills(ctx, desk.SystemActor, u.Email, skills); err != nil {
			return err
		}
	}
	out := cmd.Root().Writer
	fmt.Fprintf(out, "added %s <%s> as %s (id %d)\n", u.Name, u.Email, u.Role, u.ID)
	if cmd.String("password") == "" {
		fmt.Fprintf(out, "password: %s\n", pw)
	}
	return nil
}

func userSkills(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	u, err := d.SetSkills(ctx, desk.SystemActor, cmd.String("email"), cmd.StringSlice("set"))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(cmd.Root().Writer, "%s handles: %s\n", u.Email, skillList(u.Skills))
	return err
}

func userResetPassword(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	_, password, err := d.ResetPassword(ctx, desk.SystemActor, cmd.String("email"))
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(cmd.Root().Writer, password)
	return err
}

func userList(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	users, err := d.Users(ctx)
	if err != nil {
		return err
	}
	return printList(cmd, users, users, "ID\tEMAIL\tNAME\tROLE\tSKILLS\tDISABLED", func(u desk.User) string {
		return fmt.Sprintf("%d\t%s\t%s\t%s\t%s\t%v", u.ID, u.Email, u.Name, u.Role, skillList(u.Skills), u.Disabled)
	})
}

func skillList(skills []string) string {
	if len(skills) == 0 {
		return "any"
	}
	return strings.Join(skills, ",")
}
