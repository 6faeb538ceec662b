package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/importer"
)

func importCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "import",
		Usage:     "bring past cases in from a CSV, JSON Lines or mbox export (safe to run again)",
		ArgsUsage: "FILE",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "format", Usage: "csv, jsonl or mbox (default: from the file name)"},
			&ucli.StringFlag{Name: "as", Usage: "email of the user agents' replies and outcomes are recorded as (default: the first admin)"},
			&ucli.StringSliceFlag{Name: "support-address", Usage: "mbox: the desk's own address, or @domain, whose mail is an agent's reply (repeatable)"},
			&ucli.BoolFlag{Name: "check", Usage: "only read the file and report what it holds and what is wrong with it; the database is not touched"},
		},
		Action: runImport,
	}
}

func runImport(ctx context.Context, cmd *ucli.Command) error {
	if cmd.Args().Len() != 1 {
		return errors.New("import: name one FILE (see calmdesk import --help)")
	}
	path := cmd.Args().First()
	format := cmd.String("format")
	if format == "" {
		format = importer.FormatOf(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	defer f.Close()
	var size int64
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	src, err := importer.Open(format, f, importer.Options{SupportAddresses: cmd.StringSlice("support-address")})
	if err != nil {
		return err
	}
	if cmd.Bool("check") {
		log, err := logger(cmd)
		if err != nil {
			return err
		}
		return checkExport(src, log, cmd.Root().Writer)
	}
	// The desk runs on the clock of the history being imported. It has no
	// outbox: importing never emails anyone.
	m, err := newMain(cmd)
	if err != nil {
		return err
	}
	defer m.Close()
	clock := &importer.Clock{}
	m.Config.Mail, m.Now = nil, clock.Now
	if err := m.Run(ctx); err != nil {
		return err
	}
	d, log := m.Desk, m.Config.Logger
	as, err := importingUser(ctx, d, cmd.String("as"))
	if err != nil {
		return err
	}
	imp := importer.NewHistory(d, clock, as, log)
	p := newProgress(cmd.Root().ErrWriter, size, src.BytesRead)
	imp.Progress = func(s importer.Stats) { p.update(s, false) }
	if err := imp.Run(ctx, src); err != nil {
		return err
	}
	stats := imp.Stats()
	p.update(stats, true)
	fmt.Fprintln(cmd.Root().Writer, stats)
	if stats.Failed > 0 {
		return fmt.Errorf("import: %d records could not be imported (see the log); run again after fixing them, imported ones are skipped", stats.Failed)
	}
	return nil
}

// checkExport reports what an export holds without touching the database.
func checkExport(src *importer.Reader, log *slog.Logger, out io.Writer) error {
	c, err := importer.Inspect(src, log)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, c)
	if c.Failed > 0 {
		return fmt.Errorf("import: %d records cannot be imported (see the log)", c.Failed)
	}
	return nil
}

// importingUser is the user imported replies and outcomes are recorded as.
func importingUser(ctx context.Context, d *desk.Desk, email string) (desk.User, error) {
	if email != "" {
		u, err := d.UserByEmail(ctx, email)
		if err != nil {
			return desk.User{}, fmt.Errorf("import: --as %s: %w", email, err)
		}
		return u, nil
	}
	users, err := d.Users(ctx)
	if err != nil {
		return desk.User{}, err
	}
	for _, u := range users {
		if u.Role == desk.RoleAdmin && !u.Disabled {
			return u, nil
		}
	}
	return desk.User{}, errors.New("import: no admin to record the import as: add one with `calmdesk user add --role admin` or pass --as")
}

// progress reports a long import on standard error: a line rewritten in
// place a few times a second on a terminal, a line every few seconds in a
// log. An import that takes under a second prints nothing.
type progress struct {
	w           io.Writer
	size        int64
	read        func() int64
	tty         bool
	start, last time.Time
	shown       bool
}

func newProgress(w io.Writer, size int64, read func() int64) *progress {
	p := &progress{w: w, size: size, read: read, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(s importer.Stats, final bool) {
	if p == nil {
		return
	}
	now := time.Now()
	every := 5 * time.Second
	if p.tty {
		every = 250 * time.Millisecond
	}
	if final {
		if p.shown && p.tty {
			fmt.Fprintln(p.w)
		}
		return
	}
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < every {
		return
	}
	p.last, p.shown = now, true
	line := fmt.Sprintf("%d records, %d new cases, %d failed", s.Records, s.Cases, s.Failed)
	if p.size > 0 {
		line += fmt.Sprintf(", %.0f%%", 100*float64(p.read())/float64(p.size))
	}
	line += fmt.Sprintf(", %.0f records/s", float64(s.Records)/now.Sub(p.start).Seconds())
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	} else {
		fmt.Fprintln(p.w, "import: "+line)
	}
}
