package cli

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/analyze"
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
		format = formatOf(path)
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
	log, err := logger(cmd)
	if err != nil {
		return err
	}
	if cmd.Bool("check") {
		return checkExport(src, log, cmd.Root().Writer)
	}
	db, err := openDB(ctx, cmd, log)
	if err != nil {
		return err
	}
	defer db.Close()
	// The desk runs on the clock of the history being imported, so messages,
	// replies and outcomes keep their own dates (and insights see the real
	// time to resolve). It has no outbox: importing never emails anyone.
	clock := &historyClock{}
	d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Logger: log, Now: clock.now})
	as, err := importingUser(ctx, d, cmd.String("as"))
	if err != nil {
		return err
	}
	imp := newHistoryImport(d, clock, as, log)
	imp.progress = newProgress(cmd.Root().ErrWriter, size, src.BytesRead)
	if err := imp.run(ctx, src); err != nil {
		return err
	}
	fmt.Fprintln(cmd.Root().Writer, imp.stats.summary())
	if imp.stats.Failed > 0 {
		return fmt.Errorf("import: %d records could not be imported (see the log); run again after fixing them, imported ones are skipped", imp.stats.Failed)
	}
	return nil
}

func formatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".mbox", ".mbx":
		return "mbox"
	}
	return "csv"
}

// checkExport reads a whole export without storing anything, so a large
// file's problems show before an import half-loads it.
func checkExport(src *importer.Reader, log *slog.Logger, out io.Writer) error {
	var records, replies, resolved, skipped, failed int
	threads := map[string]bool{}
	for {
		rec, err := src.Next()
		if err == io.EOF {
			break
		}
		var rerr *importer.RecordError
		switch {
		case errors.Is(err, importer.ErrAutomatic):
			skipped++
			continue
		case errors.As(err, &rerr):
			if failed++; failed <= maxLoggedFailures {
				log.Warn("record cannot be imported", "record", rerr.Position, "err", rerr.Err)
			}
			continue
		case err != nil:
			return err
		}
		records++
		threads[rec.Thread] = true
		if rec.Direction == importer.Outbound {
			replies++
		}
		if rec.Status == "resolved" {
			resolved++
		}
	}
	fmt.Fprintf(out, "%d records in %d cases (%d agents' replies, %d records marked resolved), %d skipped, %d cannot be imported\n",
		records, len(threads), replies, resolved, skipped, failed)
	if failed > 0 {
		return fmt.Errorf("import: %d records cannot be imported (see the log)", failed)
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

// historyClock is the desk's clock during an import: the time of the record
// being imported, or now when the record has none.
type historyClock struct{ at time.Time }

func (c *historyClock) now() time.Time {
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// importStats counts what an import did.
type importStats struct {
	Records, Messages, Duplicates, Cases, Replies, KnownReplies int
	Resolved, Categorized, Skipped, Failed                      int
}

func (s importStats) summary() string {
	return fmt.Sprintf("imported %d records: %d new cases, %d customer messages (%d already there), %d replies (%d already there), %d resolved, %d categorised, %d skipped, %d failed",
		s.Records, s.Cases, s.Messages, s.Duplicates, s.Replies, s.KnownReplies, s.Resolved, s.Categorized, s.Skipped, s.Failed)
}

// outcome is what the history says of a case once all its records are in.
type outcome struct {
	status, category string
	last             time.Time // the case's latest imported record
}

// historyImport brings records onto the desk. Customer messages go through
// desk.Ingest (deduplicated by external id), agents' replies through
// desk.Reply (deduplicated against the case's replies by text and time),
// and outcomes are applied once the whole file is read, so a case
// exported with its status on every row is resolved once, at its end.
type historyImport struct {
	d        *desk.Desk
	clock    *historyClock
	as       desk.User
	log      *slog.Logger
	progress *progress

	cases    map[string]int64          // thread -> case
	fresh    map[int64]bool            // cases opened by this run
	live     map[int64]bool            // cases not imported (a message already received live): history leaves them alone
	replies  map[int64]map[string]bool // case -> fingerprints of its replies
	agents   map[string]desk.User      // agent email -> user (the importer when unknown)
	outcomes map[int64]*outcome
	order    []int64 // cases with an outcome, in first-seen order
	stats    importStats

	warnedOrder bool
}

func newHistoryImport(d *desk.Desk, clock *historyClock, as desk.User, log *slog.Logger) *historyImport {
	return &historyImport{d: d, clock: clock, as: as, log: log,
		cases: map[string]int64{}, fresh: map[int64]bool{}, live: map[int64]bool{}, replies: map[int64]map[string]bool{},
		agents: map[string]desk.User{}, outcomes: map[int64]*outcome{}}
}

// maxLoggedFailures bounds the log of a badly broken file; the count is exact.
const maxLoggedFailures = 20

func (h *historyImport) run(ctx context.Context, src *importer.Reader) error {
	for {
		rec, err := src.Next()
		if err == io.EOF {
			break
		}
		var rerr *importer.RecordError
		if errors.As(err, &rerr) {
			h.fail(rerr.Position, err)
			continue
		}
		if err != nil {
			return err
		}
		h.stats.Records++
		if err := h.record(ctx, rec); err != nil {
			var verr *desk.ValidationError
			var cerr *desk.ConflictError
			if !errors.As(err, &verr) && !errors.As(err, &cerr) && !errors.Is(err, errNoCase) {
				return fmt.Errorf("import: record %d: %w", rec.Position, err)
			}
			h.fail(rec.Position, err)
		}
		h.progress.update(h.stats, false)
	}
	if err := h.applyOutcomes(ctx); err != nil {
		return err
	}
	h.progress.update(h.stats, true)
	return nil
}

func (h *historyImport) fail(pos int, err error) {
	if errors.Is(err, importer.ErrAutomatic) {
		h.stats.Skipped++
		return
	}
	h.stats.Failed++
	if h.stats.Failed <= maxLoggedFailures {
		h.log.Warn("record not imported", "record", pos, "err", err)
	}
}

var errNoCase = errors.New("an agent's reply comes before any customer message of its thread (records must be oldest first)")

func (h *historyImport) record(ctx context.Context, rec importer.Record) error {
	h.clock.at = rec.At.UTC().Truncate(time.Microsecond)
	var caseID int64
	if rec.Direction == importer.Outbound {
		caseID = h.cases[rec.Thread]
		if caseID == 0 {
			return errNoCase
		}
		if err := h.reply(ctx, caseID, rec); err != nil {
			return err
		}
	} else {
		res, err := h.ingest(ctx, rec)
		if err != nil {
			return err
		}
		caseID = res.CaseID
	}
	o := h.outcomes[caseID]
	if o == nil {
		o = &outcome{}
		h.outcomes[caseID] = o
		h.order = append(h.order, caseID)
	}
	if rec.Status != "" {
		o.status = rec.Status
	}
	if rec.Category != "" {
		o.category = rec.Category
	}
	if !rec.At.IsZero() && rec.At.Before(o.last) && !h.warnedOrder {
		// Messages show in the order they were stored: a case read backwards
		// helps nobody. Say so once; the import itself goes on.
		h.warnedOrder = true
		h.log.Warn("records of a case are not oldest first: its messages will show out of order; sort the export by date and import it into a fresh database",
			"record", rec.Position, "thread", rec.Thread)
	}
	if rec.At.After(o.last) {
		o.last = rec.At
	}
	return nil
}

func (h *historyImport) ingest(ctx context.Context, rec importer.Record) (desk.IngestResult, error) {
	// Over-long history is stored shortened, as the mail channel does,
	// rather than refused.
	refs := rec.InReplyTo
	if len(refs) > 20 {
		refs = refs[len(refs)-20:]
	}
	in := desk.InboundMessage{
		CustomerEmail: rec.CustomerEmail, CustomerName: desk.Clip(rec.CustomerName, desk.MaxNameBytes),
		Subject: desk.Clip(rec.Subject, desk.MaxSubjectBytes), Text: desk.Clip(rec.Text, desk.MaxTextBytes), RawText: desk.Clip(rec.RawText, desk.MaxRawTextBytes),
		// Imported cases are history: the channel keeps replies on them from
		// ever being emailed.
		Channel:    "import",
		Category:   rec.Category,
		ExternalID: rec.ExternalID, CaseID: h.cases[rec.Thread],
		InReplyTo: refs, ReceivedAt: rec.At,
	}
	res, err := h.d.Ingest(ctx, in)
	var verr *desk.ValidationError
	if errors.As(err, &verr) && len(verr.Fields) == 1 && verr.Fields["case_id"] != "" {
		// A thread that changes customer: the new customer gets a case of their own.
		in.CaseID = 0
		res, err = h.d.Ingest(ctx, in)
	}
	if err != nil {
		return res, err
	}
	if res.Duplicate {
		h.stats.Duplicates++
	} else {
		h.stats.Messages++
	}
	if res.NewCase {
		h.stats.Cases++
		h.fresh[res.CaseID] = true
	}
	h.cases[rec.Thread] = res.CaseID
	return res, nil
}

// reply stores an agent's reply unless the case already has it. Its
// promises were kept or not long ago, outside calmdesk: they are cancelled
// at once, so the sweep does not break them and escalate a closed story.
func (h *historyImport) reply(ctx context.Context, caseID int64, rec importer.Record) error {
	known, err := h.knownReplies(ctx, caseID)
	if err != nil {
		return err
	}
	if h.live[caseID] {
		// The desk already holds this conversation (mail received live,
		// then the same mailbox exported): its replies are there too.
		h.stats.Skipped++
		return nil
	}
	text := desk.Clip(rec.Text, desk.MaxReplyBytes)
	key := replyKey(text, rec.At)
	if known[key] {
		h.stats.KnownReplies++
		return nil
	}
	author, err := h.author(ctx, rec.AgentEmail)
	if err != nil {
		return err
	}
	res, err := h.d.Reply(ctx, author, desk.ReplyInput{CaseID: caseID, Text: text})
	if err != nil {
		return err
	}
	for _, c := range res.Commitments {
		if _, err := h.d.CloseCommitment(ctx, author, c.ID, "cancelled", "imported history: made before calmdesk tracked promises"); err != nil {
			return err
		}
	}
	known[key], known[replyKey(text, time.Time{})] = true, true
	h.stats.Replies++
	return nil
}

// knownReplies loads the fingerprints of a case's replies once per case; a
// case this run opened has none but those the run adds.
func (h *historyImport) knownReplies(ctx context.Context, caseID int64) (map[string]bool, error) {
	if known, ok := h.replies[caseID]; ok {
		return known, nil
	}
	known := map[string]bool{}
	if !h.fresh[caseID] {
		c, err := h.d.GetCase(ctx, caseID)
		if err != nil {
			return nil, err
		}
		h.live[caseID] = c.Channel != "import"
		for _, m := range c.Messages {
			if m.Direction == desk.Outbound {
				known[replyKey(m.CleanText, m.CreatedAt)], known[replyKey(m.CleanText, time.Time{})] = true, true
			}
		}
	}
	h.replies[caseID] = known
	return known, nil
}

// replyKey identifies a reply by its text and, when known, its time.
func replyKey(text string, at time.Time) string {
	sum := sha256.Sum256([]byte(strings.TrimSpace(text)))
	key := string(sum[:16])
	if !at.IsZero() {
		key += strconv.FormatInt(at.UTC().UnixMicro(), 10)
	}
	return key
}

// author is the desk user an exported reply was written by, when the export
// names one that exists here, else the importing user.
func (h *historyImport) author(ctx context.Context, email string) (desk.User, error) {
	if email == "" {
		return h.as, nil
	}
	if u, ok := h.agents[email]; ok {
		return u, nil
	}
	u, err := h.d.UserByEmail(ctx, email)
	if errors.Is(err, desk.ErrNotFound) {
		u, err = h.as, nil
	}
	if err != nil {
		return desk.User{}, err
	}
	h.agents[email] = u
	return u, nil
}

// applyOutcomes resolves and categorises the imported cases as the history
// says, at the time of each case's last record, then settles them as
// history (desk.SettleImported: no survey, SLA clocks from now). A case that has heard from
// its customer since (a live message after an earlier import) is left as
// it is: the history no longer describes it.
func (h *historyImport) applyOutcomes(ctx context.Context) error {
	for start := 0; start < len(h.order); start += 500 {
		ids := h.order[start:min(start+500, len(h.order))]
		cases, err := h.d.CasesByID(ctx, ids)
		if err != nil {
			return fmt.Errorf("import: outcomes: %w", err)
		}
		for _, c := range cases {
			if c.Channel != "import" {
				continue // a live case: the export's outcome is not its own
			}
			o := h.outcomes[c.ID]
			h.clock.at = o.last.UTC().Truncate(time.Microsecond)
			if o.category != "" && o.category != c.Category {
				if _, err := h.d.SetCategory(ctx, desk.UserActor(h.as), c.ID, o.category); err != nil {
					return fmt.Errorf("import: categorise case %d: %w", c.ID, err)
				}
				h.stats.Categorized++
			}
			newer := c.LastInboundAt != nil && !o.last.IsZero() && c.LastInboundAt.After(o.last)
			if o.status == "resolved" && c.Status != desk.StatusResolved && c.Status != desk.StatusClosed && !newer {
				if _, err := h.d.Resolve(ctx, desk.UserActor(h.as), c.ID); err != nil {
					return fmt.Errorf("import: resolve case %d: %w", c.ID, err)
				}
				h.stats.Resolved++
			}
			// Settle on the real clock: SLA clocks of open cases start now.
			h.clock.at = time.Time{}
			if err := h.d.SettleImported(ctx, desk.UserActor(h.as), c.ID); err != nil {
				return fmt.Errorf("import: settle case %d: %w", c.ID, err)
			}
		}
		h.progress.update(h.stats, false)
	}
	return nil
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

func (p *progress) update(s importStats, final bool) {
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
