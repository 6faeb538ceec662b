package jobs

import (
	"context"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/calmdesk/calmdesk/internal/insights"
)

// spikeArgs is the periodic job that keeps the insights' stored day sums
// filled (insights.Warm), tells supervisors about problems spiking this week (insights.NotifySpikes) and, once a week, that the
// weekly digest is ready (insights.NotifyDigest).
type spikeArgs struct{}

// Kind implements river.JobArgs.
func (spikeArgs) Kind() string { return "calmdesk.insight_spikes" }

type spikeWorker struct {
	river.WorkerDefaults[spikeArgs]
	insights *insights.Insights
	log      *slog.Logger
}

func (w *spikeWorker) Work(ctx context.Context, _ *river.Job[spikeArgs]) error {
	if err := w.insights.Warm(ctx); err != nil {
		return err
	}
	told, err := w.insights.NotifySpikes(ctx)
	for _, s := range told {
		w.log.InfoContext(ctx, "problem spiking", "label", s.Label, "cases", s.Count, "baseline", s.Baseline)
	}
	if err != nil {
		return err
	}
	sent, err := w.insights.NotifyDigest(ctx)
	if sent {
		w.log.InfoContext(ctx, "weekly digest sent to supervisors")
	}
	return err
}
