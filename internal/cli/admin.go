package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"text/tabwriter"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/store"
)

// withDB opens and migrates the database and runs fn on it.
func withDB(ctx context.Context, cmd *ucli.Command, fn func(db *store.DB, log *slog.Logger) error) error {
	log, err := logger(cmd)
	if err != nil {
		return err
	}
	db, err := openDB(ctx, cmd, log)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db, log)
}

// withDesk opens the database and runs fn with a desk on it.
func withDesk(ctx context.Context, cmd *ucli.Command, fn func(d *desk.Desk) error) error {
	return withDB(ctx, cmd, func(db *store.DB, log *slog.Logger) error {
		return fn(desk.New(db, desk.Options{Analyzer: analyze.Default(), Logger: log}))
	})
}

func migrateCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "migrate",
		Usage: "apply database migrations, the desk's and the job queue's (serve does this too)",
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			return withDB(ctx, cmd, func(db *store.DB, _ *slog.Logger) error {
				if err := jobs.Migrate(ctx, db); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.Root().Writer, "database is up to date (%s)\n", db.Engine)
				return err
			})
		},
	}
}

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
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					return withDesk(ctx, cmd, func(d *desk.Desk) error {
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
					})
				},
			},
			{
				Name:  "skills",
				Usage: "set the case categories an agent handles (automatic assignment respects them)",
				Flags: []ucli.Flag{
					&ucli.StringFlag{Name: "email", Required: true, Usage: "the user's email"},
					&ucli.StringSliceFlag{Name: "set", Usage: "categories, comma-separated; empty means any"},
				},
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					return withDesk(ctx, cmd, func(d *desk.Desk) error {
						u, err := d.SetSkills(ctx, desk.SystemActor, cmd.String("email"), cmd.StringSlice("set"))
						if err != nil {
							return err
						}
						_, err = fmt.Fprintf(cmd.Root().Writer, "%s handles: %s\n", u.Email, skillList(u.Skills))
						return err
					})
				},
			},
			{
				Name:  "reset-password",
				Usage: "give a user a new random password (printed alone) and end their sessions",
				Flags: []ucli.Flag{&ucli.StringFlag{Name: "email", Required: true, Usage: "the user's email"}},
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					return withDesk(ctx, cmd, func(d *desk.Desk) error {
						_, password, err := d.ResetPassword(ctx, desk.SystemActor, cmd.String("email"))
						if err != nil {
							return err
						}
						_, err = fmt.Fprintln(cmd.Root().Writer, password)
						return err
					})
				},
			},
			{
				Name:  "list",
				Usage: "list users",
				Action: func(ctx context.Context, cmd *ucli.Command) error {
					return withDesk(ctx, cmd, func(d *desk.Desk) error {
						users, err := d.Users(ctx)
						if err != nil {
							return err
						}
						tw := tabwriter.NewWriter(cmd.Root().Writer, 0, 4, 2, ' ', 0)
						fmt.Fprintln(tw, "ID\tEMAIL\tNAME\tROLE\tSKILLS\tDISABLED")
						for _, u := range users {
							fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%v\n", u.ID, u.Email, u.Name, u.Role, skillList(u.Skills), u.Disabled)
						}
						return tw.Flush()
					})
				},
			},
		},
	}
}

func tokenCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "token",
		Usage: "manage API tokens",
		Commands: []*ucli.Command{{
			Name:      "revoke",
			Usage:     "stop an API token from working",
			ArgsUsage: "TOKEN",
			Action: func(ctx context.Context, cmd *ucli.Command) error {
				return withDesk(ctx, cmd, func(d *desk.Desk) error {
					if err := d.RevokeToken(ctx, desk.SystemActor, cmd.Args().First()); err != nil {
						if errors.Is(err, desk.ErrNotFound) {
							return fmt.Errorf("no active token matches")
						}
						return err
					}
					_, err := fmt.Fprintln(cmd.Root().Writer, "token revoked")
					return err
				})
			},
		}, {
			Name:  "create",
			Usage: "create an API token for a user and print it (alone, on standard output)",
			Flags: []ucli.Flag{
				&ucli.StringFlag{Name: "user", Required: true, Usage: "the user's email"},
				&ucli.StringFlag{Name: "name", Usage: "what the token is for"},
			},
			Action: func(ctx context.Context, cmd *ucli.Command) error {
				return withDesk(ctx, cmd, func(d *desk.Desk) error {
					token, err := d.CreateToken(ctx, desk.SystemActor, cmd.String("user"), cmd.String("name"))
					if err != nil {
						return err
					}
					_, err = fmt.Fprintln(cmd.Root().Writer, token)
					return err
				})
			},
		}},
	}
}

func skillList(skills []string) string {
	if len(skills) == 0 {
		return "any"
	}
	return strings.Join(skills, ",")
}

func backupCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "backup",
		Usage: "copy the SQLite database to a new file while the desk runs (PostgreSQL: use pg_dump)",
		Flags: []ucli.Flag{&ucli.StringFlag{Name: "out", Required: true, Usage: "the new file, e.g. calmdesk-2026-11-26.db"}},
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			return withDB(ctx, cmd, func(db *store.DB, _ *slog.Logger) error {
				if err := db.Backup(ctx, cmd.String("out")); err != nil {
					return err
				}
				_, err := fmt.Fprintf(cmd.Root().Writer, "backed up to %s\n", cmd.String("out"))
				return err
			})
		},
	}
}
