package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/calendar"
	"github.com/calmdesk/calmdesk/internal/coach"
)

// coachCommand reviews an agent's reply, or drafts one.
func coachCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "coach",
		Usage: "review a reply to a customer against the de-escalation method, or draft one",
		ArgsUsage: "[REPLY]  (or the reply on standard input)\n\n" +
			"   calmdesk coach --customer \"You charged me twice!\" \"Hi Dana, I'm sorry…\"\n" +
			"   calmdesk coach --draft --customer \"You charged me twice!\" --name \"Dana Reyes\"",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "json", Usage: "print the Review (or the draft) as JSON"},
			&ucli.StringSliceFlag{Name: "customer", Usage: "the customer's message; repeat for several, oldest first (read by the analyzer)"},
			&ucli.StringFlag{Name: "name", Usage: "the customer's name, for the greeting"},
			&ucli.StringFlag{Name: "category", Usage: "case category (billing, delivery, product, subscription, account, technical, service); default: the analyzer's"},
			&ucli.StringFlag{Name: "level", Usage: "the customer's anger level (calm, annoyed, angry, furious); default: read from --customer, else annoyed"},
			&ucli.StringFlag{Name: "sent-at", Usage: "when the reply is sent, RFC 3339; default now"},
			&ucli.StringFlag{Name: "tz", Value: "UTC", Usage: "the customer's time zone (IANA name) for business days and due times"},
			&ucli.StringSliceFlag{Name: "holiday", Usage: "a closed day, YYYY-MM-DD; repeatable"},
			&ucli.BoolFlag{Name: "venting", Usage: fmt.Sprintf("the customer sent several angry messages in a row (automatic from %d --customer messages, most of them angry)", coach.VentingWaveLength)},
			&ucli.BoolFlag{Name: "draft", Usage: "write a reply following the method instead of reviewing one"},
			&ucli.StringFlag{Name: "agent", Usage: "the agent's name, to sign a draft"},
		},
		Action: coachReply,
	}
}

// coachReply reviews the reply given as arguments or on standard input,
// or drafts one with --draft.
func coachReply(ctx context.Context, cmd *ucli.Command) error {
	cctx, err := coachContext(cmd)
	if err != nil {
		return err
	}
	c := coach.New(nil)
	out := cmd.Root().Writer
	if cmd.Bool("draft") {
		text, err := c.Draft(cctx)
		if err != nil {
			return err
		}
		if cmd.Bool("json") {
			return json.NewEncoder(out).Encode(map[string]string{"draft": text})
		}
		_, err = fmt.Fprintln(out, text)
		return err
	}
	reply := strings.Join(cmd.Args().Slice(), " ")
	if cmd.Args().Len() == 0 {
		b, err := io.ReadAll(io.LimitReader(cmd.Root().Reader, coach.MaxReplyBytes+1))
		if err != nil {
			return fmt.Errorf("coach: read standard input: %w", err)
		}
		reply = string(b)
	}
	rv, err := c.Review(reply, cctx)
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(rv)
	}
	return printReview(out, reply, rv)
}

// coachContext builds the coach's context from the flags, reading each
// customer message with the analyzer.
func coachContext(cmd *ucli.Command) (coach.Context, error) {
	loc, err := time.LoadLocation(cmd.String("tz"))
	if err != nil {
		return coach.Context{}, fmt.Errorf("coach: --tz: %w", err)
	}
	cal := calendar.Default().In(loc)
	for _, h := range cmd.StringSlice("holiday") {
		d, err := calendar.ParseDate(h)
		if err != nil {
			return coach.Context{}, fmt.Errorf("coach: --holiday: %w", err)
		}
		cal.Holidays = append(cal.Holidays, d)
	}
	sent := time.Now()
	if s := cmd.String("sent-at"); s != "" {
		if sent, err = time.Parse(time.RFC3339, s); err != nil {
			return coach.Context{}, fmt.Errorf("coach: --sent-at: want RFC 3339 like 2026-11-27T23:10:00Z: %w", err)
		}
	}
	cctx := coach.Context{
		CustomerName: cmd.String("name"),
		Category:     cmd.String("category"),
		SentAt:       sent,
		Calendar:     cal,
		VentingWave:  cmd.Bool("venting"),
		AgentName:    cmd.String("agent"),
	}
	if l := cmd.String("level"); l != "" {
		switch analyze.Level(l) {
		case analyze.Calm, analyze.Annoyed, analyze.Angry, analyze.Furious:
			cctx.Level = analyze.Level(l)
		default:
			return coach.Context{}, fmt.Errorf("coach: --level %q: want calm, annoyed, angry or furious", l)
		}
	}
	for i, text := range cmd.StringSlice("customer") {
		r, err := analyze.Read(text)
		if err != nil {
			if errors.Is(err, analyze.ErrEmpty) {
				continue
			}
			return coach.Context{}, fmt.Errorf("coach: read customer message %d: %w", i+1, err)
		}
		cctx.Readings = append(cctx.Readings, r)
	}
	if cctx.Category == "" && len(cctx.Readings) > 0 {
		cctx.Category = cctx.Readings[len(cctx.Readings)-1].Category
	}
	if coach.VentingWave(cctx.Readings) {
		cctx.VentingWave = true
	}
	return cctx, nil
}

// printReview writes the review for a person: the verdict, the reply with
// each finding marked where it is, then the details.
func printReview(w io.Writer, reply string, rv coach.Review) error {
	var b strings.Builder
	errs, warns, infos := 0, 0, 0
	for _, f := range rv.Findings {
		switch f.Severity {
		case "error":
			errs++
		case "warning":
			warns++
		default:
			infos++
		}
	}
	verdict := "ready to send"
	if !rv.Ready {
		verdict = "not ready"
	}
	fmt.Fprintf(&b, "Score %d/100 — %s (%d errors, %d warnings, %d notes; customer %s)\n", rv.Score, verdict, errs, warns, infos, rv.Level)
	if !rv.Supported {
		fmt.Fprintf(&b, "Language %q is not supported: the reply was not reviewed.\n", rv.Language)
	}
	b.WriteString("\n" + markReply(reply, rv.Findings) + "\n\n")
	if len(rv.Findings) > 0 {
		b.WriteString("Findings\n")
		for i, f := range rv.Findings {
			where := ""
			if f.End > f.Start {
				where = fmt.Sprintf(" [%d] %q", i+1, f.Text)
			}
			fmt.Fprintf(&b, "  %-7s %-17s%s\n          %s\n          Try: %s\n", f.Severity, f.Rule, where, f.Message, f.Hint)
			if f.Rewrite != "" {
				fmt.Fprintf(&b, "          Say: %q for %q\n", f.Rewrite, reply[f.RewriteStart:f.RewriteEnd])
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("Steps   ")
	for _, s := range rv.Steps {
		mark := "✗"
		if s.Done {
			mark = "✓"
		} else if !s.Required {
			mark = "·"
		}
		fmt.Fprintf(&b, " %s %s", mark, s.ID)
	}
	fmt.Fprintf(&b, "\nASAP     apologize %s  sympathize %s  accept responsibility %s  prepare to act %s\n",
		tick(rv.ASAP.Apologize), tick(rv.ASAP.Sympathize), tick(rv.ASAP.AcceptResponsibility), tick(rv.ASAP.PrepareToAct))
	if len(rv.Concerns) > 0 {
		b.WriteString("\nConcerns\n")
		for _, c := range rv.Concerns {
			text := c.Paraphrase
			if text == "" {
				text = c.Text
			}
			fmt.Fprintf(&b, "  %s %s\n", tick(c.Addressed), text)
		}
	}
	if len(rv.Promises) > 0 {
		b.WriteString("\nPromises\n")
		for _, c := range rv.Promises {
			due := "no date (vague)"
			if c.DueAt != nil {
				due = "due " + c.DueAt.Format("Mon 2 Jan 2006 15:04 MST")
			} else if c.DueText != "" {
				due = c.DueText
			}
			amount := ""
			if c.Amount != "" {
				amount = " — " + c.Amount
			}
			fmt.Fprintf(&b, "  • %s%s — %s\n", c.Action, amount, due)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func tick(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

// markReply writes the reply with each finding's span in ⟦…⟧ followed by
// its number. Overlapping spans are marked once, by the first.
func markReply(reply string, fs []coach.Finding) string {
	type mark struct{ start, end, n int }
	var ms []mark
	for i, f := range fs {
		if f.End > f.Start && f.End <= len(reply) {
			ms = append(ms, mark{f.Start, f.End, i + 1})
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].start < ms[j].start })
	var b strings.Builder
	pos := 0
	for _, m := range ms {
		if m.start < pos {
			continue
		}
		b.WriteString(reply[pos:m.start])
		fmt.Fprintf(&b, "⟦%s⟧%d", reply[m.start:m.end], m.n)
		pos = m.end
	}
	b.WriteString(reply[pos:])
	return strings.TrimSpace(b.String())
}
