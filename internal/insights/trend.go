package insights

import (
	"context"
	"sort"
)

// trendFull is Trend computed from every row of the period's cases: the
// reference the rollups are held to.
func (in *Insights) trendFull(ctx context.Context, p Period, f Filter) ([]Figures, error) {
	now := in.Now()
	cases, err := in.loadFor(ctx, p.Start(), p.End(), f, needFigures)
	if err != nil {
		return nil, err
	}
	buckets := Buckets(p)
	groups := make([][]*caseFacts, len(buckets))
	for _, c := range cases { // by id, which is not always by time (an import, a clock set back)
		i := sort.Search(len(buckets)-1, func(i int) bool { return c.CreatedAt.Before(buckets[i].End()) })
		groups[i] = append(groups[i], c)
	}
	out := make([]Figures, len(buckets))
	for j, b := range buckets {
		out[j] = figuresOf(b, groups[j], now)
	}
	return out, nil
}

// Buckets splits p into days (up to 31 days) or Monday-to-Sunday weeks.
func Buckets(p Period) []Period {
	var out []Period
	if p.Days() <= 31 {
		for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
			out = append(out, Period{From: d, To: d})
		}
		return out
	}
	for d := p.From; !d.After(p.To); {
		sunday := d.AddDate(0, 0, (7-int(d.Weekday()))%7)
		if sunday.After(p.To) {
			sunday = p.To
		}
		out = append(out, Period{From: d, To: sunday})
		d = sunday.AddDate(0, 0, 1)
	}
	return out
}
