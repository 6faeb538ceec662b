package jobs

import (
	"context"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// learnArgs is the periodic job that retrains the category model from the
// cases agents filed since the last one (desk.LearnCategories).
type learnArgs struct{}

// Kind implements river.JobArgs.
func (learnArgs) Kind() string { return "calmdesk.learn_categories" }

type learnWorker struct {
	river.WorkerDefaults[learnArgs]
	desk *desk.Desk
	log  *slog.Logger
}

func (w *learnWorker) Work(ctx context.Context, _ *river.Job[learnArgs]) error {
	res, err := w.desk.LearnCategories(ctx)
	if err != nil {
		return err
	}
	if res.Trained {
		w.log.InfoContext(ctx, "learned categories", "model", res.Model.ID, "examples", res.Model.Examples,
			"categories", len(res.Model.Categories), "accuracy", res.Model.Accuracy)
	}
	return nil
}
