// Package cli is calmdesk's command line: it parses flags and environment
// variables and hands over to the packages that do the work.
package cli

import (
	"context"
	"io"

	ucli "github.com/urfave/cli/v3"
)

// Version is set at build time with -ldflags "-X github.com/calmdesk/calmdesk/internal/cli.Version=…".
var Version = "dev"

// Run executes the command line args (args[0] is the program name).
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	root := &ucli.Command{
		Name:      "calmdesk",
		Usage:     "a customer-support desk that turns angry customers into satisfied ones",
		Version:   Version,
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		Flags:     globalFlags(),
		Commands: []*ucli.Command{
			serveCommand(),
			migrateCommand(),
			userCommand(),
			tokenCommand(),
			demoCommand(),
			casesCommand(),
			promisesCommand(),
			goodwillCommand(),
			surveyCommand(),
			sweepCommand(),
			backupCommand(),
			analyzeCommand(),
			categoriesCommand(),
			correctionsCommand(),
			coachCommand(),
			trainCommand(),
			importCommand(),
			versionCommand(),
		},
	}
	return root.Run(ctx, args)
}

func versionCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "version",
		Usage: "print the version",
		Action: func(ctx context.Context, cmd *ucli.Command) error {
			_, err := io.WriteString(cmd.Root().Writer, Version+"\n")
			return err
		},
	}
}
