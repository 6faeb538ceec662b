package cli

import (
	"context"
	"fmt"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// correctionsCommand groups what the desk learned from its people's
// corrections of readings.
func correctionsCommand() *ucli.Command {
	return &ucli.Command{
		Name:  "corrections",
		Usage: "what the desk learned from its people's corrections of readings, and learning it now",
		Commands: []*ucli.Command{{
			Name:   "status",
			Usage:  "the corrections so far and what was learned from them, measured out of fold",
			Flags:  []ucli.Flag{jsonFlag()},
			Action: deskAction(correctionsStatus),
		}, {
			Name:   "learn",
			Usage:  "learn from the corrections now (serve does this hourly)",
			Flags:  []ucli.Flag{jsonFlag()},
			Action: deskAction(correctionsLearn),
		}},
	}
}

func correctionsStatus(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	st, err := d.CorrectionLearningStatus(ctx)
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		return printJSON(cmd, st)
	}
	w := cmd.Root().Writer
	if st.Model == nil {
		fmt.Fprintln(w, "nothing learned yet")
	} else {
		printAdjusters(cmd, st.Model)
	}
	for _, k := range st.Kinds {
		fmt.Fprintf(w, "corrected %s: %d messages by %d people\n", adjusterName(k), k.Messages, k.People)
	}
	if st.Since > 0 {
		fmt.Fprintf(w, "%d corrections since the last learning\n", st.Since)
	}
	return nil
}

func correctionsLearn(ctx context.Context, cmd *ucli.Command, d *desk.Desk) error {
	res, err := d.LearnCorrections(ctx)
	if err != nil {
		return err
	}
	if cmd.Bool("json") {
		return printJSON(cmd, res)
	}
	switch w := cmd.Root().Writer; {
	case res.Trained:
		printAdjusters(cmd, res.Model)
	case res.Model != nil:
		fmt.Fprintf(w, "kept model %d: %s\n", res.Model.ID, res.Skipped)
	default:
		fmt.Fprintf(w, "nothing learned: %s\n", res.Skipped)
	}
	return nil
}

func printAdjusters(cmd *ucli.Command, m *desk.CorrectionModelInfo) {
	w := cmd.Root().Writer
	fmt.Fprintf(w, "model %d, learned %s from %d corrections\n", m.ID, m.TrainedAt.Format("2006-01-02 15:04 MST"), m.Corrections)
	for _, a := range m.Adjusters {
		switch {
		case a.Applies:
			fmt.Fprintf(w, "  %s: adjusts new readings (out of fold: %d of %d corrected put right, %d of %d uncorrected changed)\n",
				adjusterName(a), a.Adjusted, a.Messages, a.Falsely, a.Compared)
		default:
			fmt.Fprintf(w, "  %s: does not adjust: %s\n", adjusterName(a), a.Why)
		}
	}
}

func adjusterName(a desk.AdjusterInfo) string {
	if a.Signal != "" {
		return string(a.Correction) + " " + a.Signal
	}
	return string(a.Correction)
}
