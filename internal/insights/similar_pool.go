package insights

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// "Resolved N like this" compares an open case with up to SimilarPool
// resolved cases of its category. Reading and tokenising their concerns
// on every case view cost 1.1–1.7 s of CPU at 1,000,000 cases, so each
// (category, UTC day)'s resolved cases are kept in memory as their
// concern words, under the day's version: every write that can change a
// case's status, category or concerns moves its day's version (migration
// 00018), so a kept day whose version is current is exact and only the
// days written since are read again (on a live desk, today).

// poolDoc is one resolved case: when it opened and its concern words.
type poolDoc struct {
	id      int64
	created time.Time
	terms   []string // unigrams and bigrams, as doc.terms
}

type poolDay struct {
	version int64
	docs    []poolDoc
}

type poolKey struct{ category, day string }

// poolCache holds the kept days; at most maxPoolDays (a full cache is
// emptied: days of every category over the window fit many times over).
type poolCache struct {
	mu   sync.Mutex
	days map[poolKey]*poolDay
}

const maxPoolDays = 4096

// resolvedPool returns the resolved (or closed) cases of category (all
// when "") opened in [from, to], with their concern words.
func (in *Insights) resolvedPool(ctx context.Context, category string, from, to time.Time) ([]poolDoc, error) {
	first, last := from.Truncate(24*time.Hour), to.Truncate(24*time.Hour)
	versions, err := in.dayVersions(ctx, first.Format(time.DateOnly), last.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	var days []time.Time
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		days = append(days, d)
	}
	kept := make([]*poolDay, len(days))
	var stale []int
	in.pool.mu.Lock()
	for i, d := range days {
		k := poolKey{category, d.Format(time.DateOnly)}
		if pd := in.pool.days[k]; pd != nil && pd.version == versions[k.day] {
			kept[i] = pd
		} else {
			stale = append(stale, i)
		}
	}
	in.pool.mu.Unlock()

	// Read the stale days, a run of consecutive days at a time. The
	// versions were read first: a write in between leaves a day kept
	// under an older version, read again next time.
	made := map[poolKey]*poolDay{}
	for i := 0; i < len(stale); {
		j := i + 1
		for j < len(stale) && stale[j] == stale[j-1]+1 {
			j++
		}
		start, end := days[stale[i]], days[stale[j-1]].AddDate(0, 0, 1)
		cases, err := in.loadFor(ctx, start, end, Filter{Category: category}, needConcerns)
		if err != nil {
			return nil, err
		}
		byDay := map[string]*poolDay{}
		for _, s := range stale[i:j] {
			byDay[days[s].Format(time.DateOnly)] = &poolDay{version: versions[days[s].Format(time.DateOnly)]}
		}
		for _, c := range cases {
			if c.Status != string(desk.StatusResolved) && c.Status != string(desk.StatusClosed) {
				continue
			}
			pd := byDay[c.CreatedAt.UTC().Format(time.DateOnly)]
			if pd == nil {
				continue
			}
			d := docOf(c)
			terms := make([]string, 0, len(d.terms))
			for t := range d.terms {
				terms = append(terms, t)
			}
			slices.Sort(terms)
			pd.docs = append(pd.docs, poolDoc{id: c.ID, created: c.CreatedAt.UTC(), terms: terms})
		}
		for _, s := range stale[i:j] {
			k := poolKey{category, days[s].Format(time.DateOnly)}
			kept[s], made[k] = byDay[k.day], byDay[k.day]
		}
		i = j
	}
	if len(made) > 0 {
		in.pool.mu.Lock()
		if len(in.pool.days)+len(made) > maxPoolDays {
			clear(in.pool.days)
		}
		for k, pd := range made {
			if old := in.pool.days[k]; old == nil || old.version <= pd.version {
				in.pool.days[k] = pd
			}
		}
		in.pool.mu.Unlock()
	}

	var out []poolDoc
	for _, pd := range kept {
		for _, d := range pd.docs {
			if !d.created.Before(from) && !d.created.After(to) {
				out = append(out, d)
			}
		}
	}
	return out, nil
}
