package insights

import "context"

// SummaryFull and TrendFull are the figures computed from every row of the
// cases, for the tests that hold the rollups equal to them.
func (in *Insights) SummaryFull(ctx context.Context, p Period, f Filter) (Summary, error) {
	return in.summaryFull(ctx, p, f)
}

func (in *Insights) TrendFull(ctx context.Context, p Period, f Filter) ([]Figures, error) {
	return in.trendFull(ctx, p, f)
}

// ProblemsFull is the problems list clustered from the concerns' text.
func (in *Insights) ProblemsFull(ctx context.Context, p Period, f Filter) ([]Problem, error) {
	return in.problemsFull(ctx, p, f)
}

// SetSimilarPool bounds the cases Similar compares, as SimilarPool does.
func (in *Insights) SetSimilarPool(n int) { in.similarPool = n }
