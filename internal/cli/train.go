package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/playbook"
	"github.com/calmdesk/calmdesk/internal/training"
)

// trainCommand plays a training scenario in the terminal: no desk, no
// browser, the same simulator as /training.
func trainCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "train",
		Usage: "practise de-escalation on a simulated customer in the terminal",
		Description: "Each line you type is one reply; the customer answers until they are satisfied,\n" +
			"escalate or give up, then the scorecard is printed. Ctrl-D ends the session early.",
		Flags: []ucli.Flag{
			&ucli.StringFlag{Name: "scenario", Usage: "scenario id (see --list); without it you choose from the list"},
			&ucli.Uint64Flag{Name: "seed", Usage: "the seed: the same seed and replies always play the same way (default: from the clock)"},
			&ucli.BoolFlag{Name: "exam", Usage: "no coach feedback until the end"},
			&ucli.BoolFlag{Name: "list", Usage: "list the scenarios and exit"},
		},
		Action: train,
	}
}

func train(ctx context.Context, cmd *ucli.Command) error {
	sim := training.NewSimulator()
	out := cmd.Root().Writer
	in := bufio.NewScanner(cmd.Root().Reader)
	in.Buffer(make([]byte, 0, 64*1024), 2*coach.MaxReplyBytes)
	scs := sim.Library.Scenarios
	if cmd.Bool("list") {
		for _, sc := range scs {
			fmt.Fprintf(out, "%-34s %-14s %-7s %s\n", sc.ID, sc.Industry, sc.Difficulty, sc.Title)
		}
		return nil
	}
	id := cmd.String("scenario")
	if id == "" {
		for i, sc := range scs {
			fmt.Fprintf(out, "%2d. %s (%s, %s)\n", i+1, sc.Title, sc.Industry, sc.Difficulty)
		}
		fmt.Fprint(out, "Scenario number or id: ")
		if !in.Scan() {
			return errors.New("train: no scenario chosen")
		}
		id = strings.TrimSpace(in.Text())
		if n, err := strconv.Atoi(id); err == nil && n >= 1 && n <= len(scs) {
			id = scs[n-1].ID
		}
	}
	sc, err := sim.Library.Scenario(id)
	if err != nil {
		return fmt.Errorf("train: %w (calmdesk train --list shows them)", err)
	}
	seed := cmd.Uint64("seed")
	if !cmd.IsSet("seed") {
		seed = uint64(time.Now().UnixNano())
	}
	s, err := sim.Start(sc, seed)
	if err != nil {
		return err
	}
	s.Exam = cmd.Bool("exam")
	fmt.Fprintf(out, "\n%s — %s, %s customer (seed %d). Up to %d replies; one line each.\n\n",
		sc.Title, sc.Persona.Name, sc.Persona.Temperament, seed, sc.TurnLimit)
	fmt.Fprintf(out, "%s [anger %d]: %s\n", sc.Persona.Name, s.State.Anger, s.Opening)
	for !s.Done {
		if err := ctx.Err(); err != nil {
			return err
		}
		fmt.Fprint(out, "\nYou: ")
		if !in.Scan() {
			if err := in.Err(); err != nil {
				return fmt.Errorf("train: read reply: %w", err)
			}
			fmt.Fprintln(out, "\n(ended early)")
			break
		}
		text := in.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		t, err := sim.Reply(s, text)
		if err != nil {
			return err
		}
		if !s.Exam {
			printCoachLine(out, t)
		}
		fmt.Fprintf(out, "\n%s [anger %d]: %s\n", sc.Persona.Name, t.Anger, t.Customer)
	}
	printScorecard(out, sim.Score(s))
	return nil
}

func printCoachLine(out io.Writer, t training.Turn) {
	var pits []string
	pb := playbook.Default()
	for _, f := range t.Review.Findings {
		if r := pb.Rule(f.Rule); r != nil && r.Kind == "pitfall" {
			p := f.Rule
			if f.Text != "" {
				p += fmt.Sprintf(" %q", f.Text)
			}
			pits = append(pits, p)
		}
	}
	line := fmt.Sprintf("  coach: %d/100", t.Review.Score)
	if len(pits) > 0 {
		line += "; pitfalls: " + strings.Join(pits, ", ")
	}
	fmt.Fprintln(out, line)
}

func printScorecard(out io.Writer, c training.Scorecard) {
	outcome := c.Outcome
	if outcome == "" {
		outcome = "unfinished"
	}
	fmt.Fprintf(out, "\n== Scorecard: %s after %d replies, score %d/100 ==\n", outcome, c.Turns, c.Score)
	curve := make([]string, len(c.AngerCurve))
	for i, a := range c.AngerCurve {
		curve[i] = strconv.Itoa(a)
	}
	fmt.Fprintf(out, "anger: %s\n", strings.Join(curve, " → "))
	var done, missed []string
	for _, st := range c.Steps {
		if st.Done {
			done = append(done, fmt.Sprintf("%s (reply %d)", st.ID, st.Turn))
		} else {
			missed = append(missed, st.ID)
		}
	}
	fmt.Fprintf(out, "steps done: %s\n", orNone(done))
	fmt.Fprintf(out, "steps missed: %s\n", orNone(missed))
	var pits []string
	for _, p := range c.Pitfalls {
		pits = append(pits, fmt.Sprintf("reply %d %s %q", p.Turn, p.Rule, p.Words))
	}
	fmt.Fprintf(out, "pitfalls: %s\n", orNone(pits))
	var cs []string
	for _, cr := range c.Concerns {
		if cr.Covered {
			cs = append(cs, fmt.Sprintf("%s ✓ (reply %d)", cr.ID, cr.Turn))
		} else {
			cs = append(cs, cr.ID+" ✗")
		}
	}
	fmt.Fprintf(out, "concerns: %s\n", orNone(cs))
	fmt.Fprintf(out, "promise quality: %d%%, mean coach score %d\n", c.PromiseQuality, c.CoachScore)
}

func orNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}
