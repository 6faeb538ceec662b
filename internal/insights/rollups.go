package insights

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/calmdesk/calmdesk/internal/store"
)

// Summary computes the figures for p and its previous period. They are
// read from case_rollups (migration 00018): one row per case holding what
// it contributes, kept by the desk's writing transactions, summed day by
// day and kept in memory until a write moves the day's version. They equal
// what summaryFull computes from every row of the cases (a test holds the
// two equal after random writes).
func (in *Insights) Summary(ctx context.Context, p Period, f Filter) (Summary, error) {
	prev := p.Previous()
	figs, err := in.rolled(ctx, []Period{prev, p}, f)
	if err != nil {
		return Summary{}, err
	}
	return Summary{Figures: figs[1], Filter: f, Previous: figs[0]}, nil
}

// Trend is the figures of a period bucket by bucket: by day for periods
// of up to 31 days, else by week (Monday to Sunday; the first and last
// weeks are clipped to the period). Read from the rollups, as Summary.
func (in *Insights) Trend(ctx context.Context, p Period, f Filter) ([]Figures, error) {
	return in.rolled(ctx, Buckets(p), f)
}

// dayAgg is what one UTC day's cases (of one slice) contribute, apart from
// what depends on the time of asking, which it keeps as due times.
type dayAgg struct {
	version int64

	cases, angry, deescalated                 int
	firstAnswered, firstMet                   int // answered with a target; met
	resolveDone, resolveMet                   int
	surveysSent, csat, scoreSum               int
	promisesDue, promisesKept                 int
	escalated, repeat, reopened               int
	goodwill                                  int64
	reasons                                   map[string]int
	calm, first, resolve                      []int64     // durations (ms), sorted
	firstPending, resolvePending, openPromise []time.Time // due times not yet settled, sorted
}

// dayCache keeps day aggregates per slice; at most maxSlices slices (the
// least recently used goes first), so memory stays bounded.
type dayCache struct {
	mu     sync.Mutex
	slices map[Filter]*sliceDays
	tick   int64
}

type sliceDays struct {
	used int64
	days map[string]*dayAgg
}

const maxSlices = 8

// rolled computes the figures of each of the contiguous periods ps.
func (in *Insights) rolled(ctx context.Context, ps []Period, f Filter) ([]Figures, error) {
	now := in.Now()
	start, end := ps[0].Start(), ps[len(ps)-1].End()
	// Versions first, then the rows: a write committing in between leaves
	// a newer aggregate under an older version, recomputed next time.
	first, last := start.Format(time.DateOnly), end.AddDate(0, 0, -1).Format(time.DateOnly)
	versions, err := in.dayVersions(ctx, first, last)
	if err != nil {
		return nil, err
	}
	in.cache.mu.Lock()
	sd := in.cache.slices[f]
	if sd == nil {
		if len(in.cache.slices) >= maxSlices {
			var old Filter
			oldest := int64(-1)
			for k, v := range in.cache.slices {
				if oldest < 0 || v.used < oldest {
					old, oldest = k, v.used
				}
			}
			delete(in.cache.slices, old)
		}
		sd = &sliceDays{days: map[string]*dayAgg{}}
		in.cache.slices[f] = sd
	}
	in.cache.tick++
	sd.used = in.cache.tick
	days := map[string]*dayAgg{}
	var stale []time.Time
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		k := d.Format(time.DateOnly)
		v := versions[k]
		if a := sd.days[k]; a != nil && a.version == v {
			days[k] = a
		} else {
			stale = append(stale, d)
		}
	}
	in.cache.mu.Unlock()

	// The stale days persisted under their current version need no
	// recomputation: after a start, that is every day nobody wrote to.
	if len(stale) > 0 {
		stored, err := in.storedDays(ctx, f, stale[0].Format(time.DateOnly), stale[len(stale)-1].Format(time.DateOnly), versions)
		if err != nil {
			return nil, err
		}
		in.cache.mu.Lock()
		rest := stale[:0]
		for _, d := range stale {
			k := d.Format(time.DateOnly)
			if a := stored[k]; a != nil {
				days[k], sd.days[k] = a, a
			} else {
				rest = append(rest, d)
			}
		}
		in.cache.mu.Unlock()
		stale = rest
	}

	// Recompute the others, one query over each run of them, and persist
	// them for the next start.
	computed := map[string]*dayAgg{}
	for i := 0; i < len(stale); {
		j := i + 1
		for j < len(stale) && stale[j].Equal(stale[j-1].AddDate(0, 0, 1)) {
			j++
		}
		fresh, err := in.aggregateDays(ctx, stale[i], stale[j-1].AddDate(0, 0, 1), f)
		if err != nil {
			return nil, err
		}
		in.cache.mu.Lock()
		for _, d := range stale[i:j] {
			k := d.Format(time.DateOnly)
			a := fresh[k]
			if a == nil {
				a = &dayAgg{reasons: map[string]int{}}
			}
			a.version = versions[k]
			days[k], sd.days[k] = a, a
			computed[k] = a
		}
		in.cache.mu.Unlock()
		i = j
	}
	if err := in.storeDays(ctx, f, computed); err != nil {
		// Only the next start pays: the figures are exact without it.
		slog.Warn("insights: persisting day aggregates", "err", err)
	}

	out := make([]Figures, len(ps))
	for i, p := range ps {
		var in []*dayAgg
		for d := p.Start(); d.Before(p.End()); d = d.AddDate(0, 0, 1) {
			in = append(in, days[d.Format(time.DateOnly)])
		}
		out[i] = figuresOfDays(p, in, now)
	}
	return out, nil
}

// figuresOfDays sums the days of p, deciding at now what depends on it.
func figuresOfDays(p Period, days []*dayAgg, now time.Time) Figures {
	f := Figures{From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly), EscalationReasons: map[string]int{}}
	scoreSum := 0
	var calm, first, res [][]int64
	due := func(ts []time.Time) int { // due times at or before now
		return sort.Search(len(ts), func(i int) bool { return ts[i].After(now) })
	}
	for _, a := range days {
		f.Cases += a.cases
		f.AngryCases += a.angry
		f.DeescalatedCases += a.deescalated
		f.CalmedCases += len(a.calm)
		f.FirstResponseDue += a.firstAnswered + due(a.firstPending)
		f.FirstResponseMet += a.firstMet
		f.ResolutionDue += a.resolveDone + due(a.resolvePending)
		f.ResolutionMet += a.resolveMet
		f.SurveysSent += a.surveysSent
		f.CSATResponses += a.csat
		scoreSum += a.scoreSum
		f.PromisesDue += a.promisesDue + due(a.openPromise)
		f.PromisesKept += a.promisesKept
		f.EscalatedCases += a.escalated
		f.RepeatContactCases += a.repeat
		f.ReopenedCases += a.reopened
		f.GoodwillSpentCents += a.goodwill
		for r, n := range a.reasons {
			f.EscalationReasons[r] += n
		}
		calm, first, res = append(calm, a.calm), append(first, a.first), append(res, a.resolve)
	}
	f.MedianTimeToCalmMinutes, f.P90TimeToCalmMinutes = rankMinutes(calm, 5), rankMinutes(calm, 9)
	f.MedianFirstResponseMinutes = rankMinutes(first, 5)
	f.MedianResolutionMinutes = rankMinutes(res, 5)
	f.finish(scoreSum)
	return f
}

// rankMinutes is the nearest-rank quantile tenths/10 (rank ceil(q·n)) of
// the union of the sorted lists, in minutes, or nil when they are empty.
// It searches the value, counting in each list, without merging them.
func rankMinutes(lists [][]int64, tenths int) *float64 {
	n := 0
	lo, hi := int64(0), int64(0)
	for _, l := range lists {
		if len(l) == 0 {
			continue
		}
		if n == 0 || l[0] < lo {
			lo = l[0]
		}
		if n == 0 || l[len(l)-1] > hi {
			hi = l[len(l)-1]
		}
		n += len(l)
	}
	if n == 0 {
		return nil
	}
	k := (tenths*n + 9) / 10 // ceil(q·n)
	for lo < hi {            // the smallest v with at least k values ≤ v
		mid := lo + (hi-lo)/2
		c := 0
		for _, l := range lists {
			c += sort.Search(len(l), func(i int) bool { return l[i] > mid })
		}
		if c >= k {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	v := minutes(time.Duration(lo) * time.Millisecond)
	return &v
}

// aggregateDays reads the case_rollups rows of the cases opened in
// [start, end) that pass f and sums them by UTC day.
func (in *Insights) aggregateDays(ctx context.Context, start, end time.Time, f Filter) (map[string]*dayAgg, error) {
	where := "r.created_at >= $1 AND r.created_at < $2"
	args := []any{start, end}
	add := func(cond, v string) {
		if v == "" {
			return
		}
		args = append(args, v)
		where += strings.ReplaceAll(cond, "$N", fmt.Sprintf("$%d", len(args)))
	}
	add(" AND r.category = $N", f.Category)
	add(" AND r.channel = $N", f.Channel)
	add(" AND r.tier = $N", f.Tier)
	add(" AND r.assignee_id IN (SELECT u.id FROM users u WHERE CAST(u.id AS TEXT) = $N OR u.email = $N)", f.Agent)
	day := "date(r.created_at)"
	if in.db.Engine == store.Postgres {
		day = "CAST(CAST(r.created_at AT TIME ZONE 'UTC' AS DATE) AS TEXT)"
	}
	out := map[string]*dayAgg{}
	of := func(d string) *dayAgg {
		a := out[d]
		if a == nil {
			a = &dayAgg{reasons: map[string]int{}}
			out[d] = a
		}
		return a
	}
	err := in.query(ctx, `SELECT `+day+`, r.angry, r.deescalated, r.calm_ms,
	    r.first_due_at, r.first_ms, r.first_met, r.resolve_due_at, r.resolve_ms, r.resolve_met,
	    r.survey_sent, r.survey_score, r.promises_due, r.promises_kept, r.escalation_rules, r.repeat_contact, r.reopened, r.goodwill_cents
	  FROM case_rollups r WHERE `+where, args, func(rows *sql.Rows) error {
		var d, rules string
		var angry, deesc, firstMet, resMet, sent, pDue, pKept, repeat, reopened int
		var calm, firstMS, resMS, score sql.NullInt64
		var firstDue, resDue sql.NullTime
		var goodwill int64
		if err := rows.Scan(&d, &angry, &deesc, &calm, &firstDue, &firstMS, &firstMet,
			&resDue, &resMS, &resMet, &sent, &score, &pDue, &pKept, &rules, &repeat, &reopened, &goodwill); err != nil {
			return err
		}
		a := of(d)
		a.cases++
		a.angry += angry
		a.deescalated += deesc
		if calm.Valid {
			a.calm = append(a.calm, calm.Int64)
		}
		if firstMS.Valid {
			a.first = append(a.first, firstMS.Int64)
			if firstDue.Valid {
				a.firstAnswered++
			}
		} else if firstDue.Valid {
			a.firstPending = append(a.firstPending, firstDue.Time)
		}
		a.firstMet += firstMet
		if resMS.Valid {
			a.resolve = append(a.resolve, resMS.Int64)
			if resDue.Valid {
				a.resolveDone++
			}
		} else if resDue.Valid {
			a.resolvePending = append(a.resolvePending, resDue.Time)
		}
		a.resolveMet += resMet
		a.surveysSent += sent
		if score.Valid {
			a.csat++
			a.scoreSum += int(score.Int64)
		}
		a.promisesDue += pDue
		a.promisesKept += pKept
		if rules != "" {
			a.escalated++
			for _, r := range strings.Split(rules, ";") {
				a.reasons[r]++
			}
		}
		a.repeat += repeat
		a.reopened += reopened
		a.goodwill += goodwill
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: rollups: %w", err)
	}
	// Promises still open: due once their due time has passed.
	err = in.query(ctx, `SELECT `+day+`, k.due_at FROM commitments k JOIN case_rollups r ON r.case_id = k.case_id
	  WHERE k.status = 'open' AND k.due_at IS NOT NULL AND `+where, args, func(rows *sql.Rows) error {
		var d string
		var at time.Time
		if err := rows.Scan(&d, &at); err != nil {
			return err
		}
		a := of(d)
		a.openPromise = append(a.openPromise, at)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("insights: open promises: %w", err)
	}
	for _, a := range out {
		slices.Sort(a.calm)
		slices.Sort(a.first)
		slices.Sort(a.resolve)
		for _, ts := range [][]time.Time{a.firstPending, a.resolvePending, a.openPromise} {
			slices.SortFunc(ts, func(x, y time.Time) int { return x.Compare(y) })
		}
	}
	return out, nil
}
