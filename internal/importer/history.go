package importer

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"github.com/calmdesk/calmdesk/internal/textkit"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// Clock is the desk's clock during an import: the time of the record being
// imported, or the real time when the record has none. The desk the
// History writes to must run on it (desk.Options.Now = clock.Now), so
// messages, replies and outcomes keep their own dates and insights see the
// real time to resolve.
type Clock struct{ at time.Time }

// Now is the time of the record being imported, or time.Now.
func (c *Clock) Now() time.Time {
	if c.at.IsZero() {
		return time.Now()
	}
	return c.at
}

// set puts the clock at t (the zero time: back on the real clock).
func (c *Clock) set(t time.Time) { c.at = t.UTC().Truncate(time.Microsecond) }

// Stats counts what an import did.
type Stats struct {
	Records, Messages, Duplicates, Cases, Replies, KnownReplies int
	Resolved, Categorized, Skipped, Failed                      int
}

// String is the one-line summary of an import.
func (s Stats) String() string {
	return fmt.Sprintf("imported %d records: %d new cases, %d customer messages (%d already there), %d replies (%d already there), %d resolved, %d categorised, %d skipped, %d failed",
		s.Records, s.Cases, s.Messages, s.Duplicates, s.Replies, s.KnownReplies, s.Resolved, s.Categorized, s.Skipped, s.Failed)
}

// maxLoggedFailures bounds the log of a badly broken file; the count is exact.
const maxLoggedFailures = 20

// outcome is what the history says of a case once all its records are in.
type outcome struct {
	status, category string
	last             time.Time // the case's latest imported record
}

// History brings an export's records onto a desk; running it again over
// the same export adds nothing. Customer messages go through desk.Ingest
// (deduplicated by external id), agents' replies through desk.Reply
// (deduplicated against the case's replies by text and time), and
// outcomes are applied once the whole file is read, so a case exported
// with its status on every row is resolved once, at its end.
type History struct {
	d     *desk.Desk
	clock *Clock
	as    desk.User
	log   *slog.Logger

	// Progress, when set, is told the counts after each record and each
	// batch of outcomes, for a progress report.
	Progress func(Stats)

	cases    map[string]int64          // thread -> case
	fresh    map[int64]bool            // cases opened by this run
	live     map[int64]bool            // cases not imported (a message already received live): history leaves them alone
	replies  map[int64]map[string]bool // case -> fingerprints of its replies
	agents   map[string]desk.User      // agent email -> user (the importer when unknown)
	outcomes map[int64]*outcome
	order    []int64 // cases with an outcome, in first-seen order
	stats    Stats

	warnedOrder bool
}

// NewHistory returns an import onto d, which runs on clock. Replies by
// agents the desk does not know, and the outcomes, are recorded as the
// user as; failed records are logged to log.
func NewHistory(d *desk.Desk, clock *Clock, as desk.User, log *slog.Logger) *History {
	return &History{d: d, clock: clock, as: as, log: log,
		cases: map[string]int64{}, fresh: map[int64]bool{}, live: map[int64]bool{}, replies: map[int64]map[string]bool{},
		agents: map[string]desk.User{}, outcomes: map[int64]*outcome{}}
}

// Stats is what the import did so far.
func (h *History) Stats() Stats { return h.stats }

// Run imports every record src yields, then applies the outcomes. A record
// the desk refuses is counted as failed and logged, and the import goes
// on; only a failure of the desk itself stops it.
func (h *History) Run(ctx context.Context, src *Reader) error {
	for {
		rec, err := src.Next()
		if err == io.EOF {
			break
		}
		var rerr *RecordError
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
		h.progress()
	}
	return h.applyOutcomes(ctx)
}

func (h *History) progress() {
	if h.Progress != nil {
		h.Progress(h.stats)
	}
}

func (h *History) fail(pos int, err error) {
	if errors.Is(err, ErrAutomatic) {
		h.stats.Skipped++
		return
	}
	h.stats.Failed++
	if h.stats.Failed <= maxLoggedFailures {
		h.log.Warn("record not imported", "record", pos, "err", err)
	}
}

var errNoCase = errors.New("an agent's reply comes before any customer message of its thread (records must be oldest first)")

func (h *History) record(ctx context.Context, rec Record) error {
	h.clock.set(rec.At)
	var caseID int64
	if rec.Direction == Outbound {
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

func (h *History) ingest(ctx context.Context, rec Record) (desk.IngestResult, error) {
	// Over-long history is stored shortened, as the mail channel does,
	// rather than refused.
	refs := rec.InReplyTo
	if len(refs) > 20 {
		refs = refs[len(refs)-20:]
	}
	in := desk.InboundMessage{
		CustomerEmail: rec.CustomerEmail, CustomerName: textkit.Clip(rec.CustomerName, desk.MaxNameBytes),
		Subject: textkit.Clip(rec.Subject, desk.MaxSubjectBytes), Text: textkit.Clip(rec.Text, desk.MaxTextBytes), RawText: textkit.Clip(rec.RawText, desk.MaxRawTextBytes),
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
func (h *History) reply(ctx context.Context, caseID int64, rec Record) error {
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
	text := textkit.Clip(rec.Text, desk.MaxReplyBytes)
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
	for _, c := range res.Promises {
		if _, err := h.d.ClosePromise(ctx, author, c.ID, "cancelled", "imported history: made before calmdesk tracked promises"); err != nil {
			return err
		}
	}
	known[key], known[replyKey(text, time.Time{})] = true, true
	h.stats.Replies++
	return nil
}

// knownReplies loads the fingerprints of a case's replies once per case; a
// case this run opened has none but those the run adds.
func (h *History) knownReplies(ctx context.Context, caseID int64) (map[string]bool, error) {
	if known, ok := h.replies[caseID]; ok {
		return known, nil
	}
	known := map[string]bool{}
	if !h.fresh[caseID] {
		c, err := h.d.Case(ctx, caseID)
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
func (h *History) author(ctx context.Context, email string) (desk.User, error) {
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
func (h *History) applyOutcomes(ctx context.Context) error {
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
			h.clock.set(o.last)
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
			h.clock.set(time.Time{})
			if err := h.d.SettleImported(ctx, desk.UserActor(h.as), c.ID); err != nil {
				return fmt.Errorf("import: settle case %d: %w", c.ID, err)
			}
		}
		h.progress()
	}
	return nil
}
