package jobs

import (
	"context"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// learnCorrectionsArgs is the periodic job that relearns the desk's
// adjustment of readings from what people corrected since the last one
// (desk.LearnCorrections). It runs as often as category learning.
type learnCorrectionsArgs struct{}

// Kind implements river.JobArgs.
func (learnCorrectionsArgs) Kind() string { return "calmdesk.learn_corrections" }

type learnCorrectionsWorker struct {
	river.WorkerDefaults[learnCorrectionsArgs]
	desk *desk.Desk
	log  *slog.Logger
}

func (w *learnCorrectionsWorker) Work(ctx context.Context, _ *river.Job[learnCorrectionsArgs]) error {
	res, err := w.desk.LearnCorrections(ctx)
	if err != nil {
		return err
	}
	if res.Trained {
		applying := 0
		for _, a := range res.Model.Adjusters {
			if a.Applies {
				applying++
			}
		}
		w.log.InfoContext(ctx, "learned from corrections", "model", res.Model.ID, "corrections", res.Model.Corrections,
			"kinds", len(res.Model.Adjusters), "applying", applying)
	}
	return nil
}
