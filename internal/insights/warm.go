package insights

import (
	"context"
	"time"
)

// WarmDays is how many days back Warm fills: the longest period the pages
// offer as a choice (90 days) and its previous period.
const WarmDays = 180

// Warm fills the stored day sums (rollup_day_aggs) of the last WarmDays
// days for all cases, so that the first summary or trend after an upgrade
// or on a new instance reads a row per day instead of every case of those
// days (16.5 s for a 90-day summary at 1,000,000 cases, once). The periodic
// insights job calls it before the spike check, which fills the concern
// signatures of the weeks the problems list reads. Days already stored
// under their current version cost one small read each.
func (in *Insights) Warm(ctx context.Context) error {
	today := in.Now().Truncate(24 * time.Hour)
	_, err := in.Trend(ctx, Period{From: today.AddDate(0, 0, -(WarmDays - 1)), To: today}, Filter{})
	return err
}
