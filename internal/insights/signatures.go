package insights

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"time"

	"github.com/calmdesk/calmdesk/internal/store"
)

// The problems list clusters the concern words of a period's cases and
// counts the same words over the four weeks before it. Tokenising every
// concern of those five weeks on each request grows with the desk, so
// each UTC day's cases are kept as a signature — their concern words
// (docOf), each word's cases (an inverted index) and the slice fields —
// persisted in rollup_day_aggs under the day's version like the day
// aggregates: every write that can change a case's concerns or slice
// (a message written, re-read or moved; category, channel, assignee or
// tier) moves its day's version (migration 00018), so a signature whose
// version is current is exact. A request reads the signatures, not text.

// sigSlice is the rollup_day_aggs slice of the day signatures (no filter
// is stored as this: a filter is applied to the signature's cases).
const sigSlice = "concerns"

// daySig is one day's cases with concerns, as stored.
type daySig struct {
	version  int64
	dict     []string // the day's words and pairs, and the slice values
	cases    []sigCase
	postings map[int32][]int32 // term (dict index) → indexes into cases, ascending
	docs     []byte            // each case's phrases and spellings, decoded only when needed
}

type sigCase struct {
	id                      int64
	category, channel, tier int32 // dict indexes
	assignee                int64 // 0 when none
}

// sigFilter decides which of a day's cases pass f.
type sigFilter struct {
	f      Filter
	agents map[int64]bool // the users f.Agent names (by id or email)
}

func (in *Insights) newSigFilter(ctx context.Context, f Filter) (sigFilter, error) {
	sf := sigFilter{f: f}
	if f.Agent == "" {
		return sf, nil
	}
	sf.agents = map[int64]bool{}
	err := in.query(ctx, `SELECT id FROM users WHERE CAST(id AS TEXT) = $1 OR email = $1`, []any{f.Agent}, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		sf.agents[id] = true
		return nil
	})
	if err != nil {
		return sf, fmt.Errorf("insights: agent: %w", err)
	}
	return sf, nil
}

func (sf sigFilter) pass(d *daySig, c sigCase) bool {
	f := sf.f
	return (f.Category == "" || d.dict[c.category] == f.Category) && (f.Channel == "" || d.dict[c.channel] == f.Channel) &&
		(f.Tier == "" || d.dict[c.tier] == f.Tier) && (f.Agent == "" || sf.agents[c.assignee])
}

// signatures returns the signatures of the days in [start, end), reading
// the persisted ones that are current and making (and persisting) the
// others from the cases' concerns.
func (in *Insights) signatures(ctx context.Context, start, end time.Time) (map[string]*daySig, error) {
	first, last := start.Format(time.DateOnly), end.AddDate(0, 0, -1).Format(time.DateOnly)
	versions, err := in.dayVersions(ctx, first, last)
	if err != nil {
		return nil, err
	}
	out := map[string]*daySig{}
	err = in.query(ctx, `SELECT day, version, agg FROM rollup_day_aggs WHERE slice = $1 AND day >= $2 AND day <= $3`,
		[]any{sigSlice, first, last}, func(rows *sql.Rows) error {
			var day string
			var v int64
			var b []byte
			if err := rows.Scan(&day, &v, &b); err != nil {
				return err
			}
			if v != versions[day] {
				return nil // stale
			}
			if d, err := decodeDaySig(b); err == nil {
				d.version = v
				out[day] = d
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("insights: stored signatures: %w", err)
	}
	var stale []time.Time
	for d := start; d.Before(end); d = d.AddDate(0, 0, 1) {
		if out[d.Format(time.DateOnly)] == nil {
			stale = append(stale, d)
		}
	}
	made := map[string][]byte{}
	for i := 0; i < len(stale); {
		j := i + 1
		for j < len(stale) && stale[j].Equal(stale[j-1].AddDate(0, 0, 1)) {
			j++
		}
		cases, err := in.loadFor(ctx, stale[i], stale[j-1].AddDate(0, 0, 1), Filter{}, needConcerns)
		if err != nil {
			return nil, err
		}
		byDay := map[string][]*caseFacts{}
		for _, c := range cases {
			k := c.CreatedAt.Format(time.DateOnly)
			byDay[k] = append(byDay[k], c)
		}
		for _, d := range stale[i:j] {
			k := d.Format(time.DateOnly)
			b := encodeDaySig(byDay[k])
			sig, err := decodeDaySig(b)
			if err != nil {
				return nil, err // a bug: what encodeDaySig wrote must decode
			}
			sig.version = versions[k]
			out[k], made[k] = sig, b
		}
		i = j
	}
	if err := in.storeBlobs(ctx, sigSlice, versions, made); err != nil {
		slog.Warn("insights: persisting concern signatures", "err", err)
	}
	return out, nil
}

// dayVersions reads the version of each day in [first, last] that has one.
func (in *Insights) dayVersions(ctx context.Context, first, last string) (map[string]int64, error) {
	versions := map[string]int64{}
	dayCol := "day"
	if in.db.Engine == store.Postgres {
		dayCol = "CAST(day AS TEXT)"
	}
	err := in.query(ctx, `SELECT `+dayCol+`, sum(version) FROM rollup_day_versions WHERE day >= $1 AND day <= $2 GROUP BY day`,
		[]any{first, last}, func(rows *sql.Rows) error {
			var day string
			var v int64
			if err := rows.Scan(&day, &v); err != nil {
				return err
			}
			versions[day] = v
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("insights: day versions: %w", err)
	}
	return versions, nil
}

// encodeDaySig writes the signature of one day's cases (those with
// concern words), in id order.
func encodeDaySig(cases []*caseFacts) []byte {
	dict := map[string]int32{}
	var words []string
	idx := func(s string) int32 {
		i, ok := dict[s]
		if !ok {
			i = int32(len(words))
			dict[s] = i
			words = append(words, s)
		}
		return i
	}
	var docs []doc
	var sc []sigCase
	for _, c := range cases {
		d := docOf(c)
		if len(d.terms) == 0 {
			continue
		}
		docs = append(docs, d)
		sc = append(sc, sigCase{id: c.ID, category: idx(c.Category), channel: idx(c.Channel), tier: idx(c.Tier), assignee: c.AgentID})
	}
	postings := map[int32][]int32{}
	for i, d := range docs {
		terms := slices.Sorted(maps.Keys(d.terms))
		for _, t := range terms {
			k := idx(t)
			postings[k] = append(postings[k], int32(i))
		}
	}
	var tail []byte // phrases and spellings
	for _, d := range docs {
		tail = binary.AppendUvarint(tail, uint64(len(d.phrases)))
		for _, ph := range d.phrases {
			tail = binary.AppendUvarint(tail, uint64(len(ph)))
			for _, w := range ph {
				tail = binary.AppendUvarint(tail, uint64(idx(w)))
			}
		}
		ws := slices.Sorted(maps.Keys(d.surface))
		tail = binary.AppendUvarint(tail, uint64(len(ws)))
		for _, w := range ws {
			forms := slices.Sorted(maps.Keys(d.surface[w]))
			tail = binary.AppendUvarint(tail, uint64(idx(w)))
			tail = binary.AppendUvarint(tail, uint64(len(forms)))
			for _, s := range forms {
				tail = binary.AppendUvarint(tail, uint64(idx(s)))
				tail = binary.AppendUvarint(tail, uint64(d.surface[w][s]))
			}
		}
	}
	b := []byte{dayAggFormat}
	b = binary.AppendUvarint(b, uint64(len(words)))
	for _, w := range words {
		b = binary.AppendUvarint(b, uint64(len(w)))
		b = append(b, w...)
	}
	b = binary.AppendUvarint(b, uint64(len(sc)))
	prev := int64(0)
	for _, c := range sc {
		b = binary.AppendVarint(b, c.id-prev)
		prev = c.id
		for _, v := range []int32{c.category, c.channel, c.tier} {
			b = binary.AppendUvarint(b, uint64(v))
		}
		b = binary.AppendVarint(b, c.assignee)
	}
	keys := slices.Sorted(maps.Keys(postings))
	b = binary.AppendUvarint(b, uint64(len(keys)))
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(k))
		b = binary.AppendUvarint(b, uint64(len(postings[k])))
		last := int32(0)
		for _, i := range postings[k] {
			b = binary.AppendUvarint(b, uint64(i-last))
			last = i
		}
	}
	return append(b, tail...)
}

// sigReader reads the varints of an encoded signature, remembering a
// malformed one.
type sigReader struct {
	b   []byte
	bad bool
}

func (r *sigReader) uvarint(max int) int {
	v, n := binary.Uvarint(r.b)
	if n <= 0 || v > uint64(max) {
		r.bad = true
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return int(v)
}

func (r *sigReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.bad = true
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// decodeDaySig reads what encodeDaySig wrote, all but the phrases.
func decodeDaySig(b []byte) (*daySig, error) {
	if len(b) == 0 || b[0] != dayAggFormat {
		return nil, errDayAgg
	}
	r := &sigReader{b: b[1:]}
	d := &daySig{dict: make([]string, r.uvarint(len(b)))}
	for i := range d.dict {
		n := r.uvarint(len(r.b))
		d.dict[i] = string(r.b[:n])
		r.b = r.b[n:]
	}
	nd := len(d.dict)
	d.cases = make([]sigCase, r.uvarint(len(r.b)))
	prev := int64(0)
	for i := range d.cases {
		prev += r.varint()
		c := sigCase{id: prev}
		c.category, c.channel, c.tier = int32(r.uvarint(nd-1)), int32(r.uvarint(nd-1)), int32(r.uvarint(nd-1))
		c.assignee = r.varint()
		d.cases[i] = c
	}
	nt := r.uvarint(len(r.b))
	d.postings = make(map[int32][]int32, nt)
	for range nt {
		k := int32(r.uvarint(nd - 1))
		l := make([]int32, r.uvarint(len(d.cases)))
		last := 0
		for i := range l {
			last += r.uvarint(len(d.cases) - 1 - last)
			l[i] = int32(last)
		}
		d.postings[k] = l
	}
	if r.bad {
		return nil, errDayAgg
	}
	d.docs = r.b
	return d, nil
}

// docsFor rebuilds the doc of each case that passes sf: its terms from
// the postings; its phrases and spellings lazily, from the tail.
func (d *daySig) docsFor(sf sigFilter) ([]doc, error) {
	out := make([]doc, len(d.cases))
	for i, c := range d.cases {
		out[i] = doc{caseID: c.id, category: d.dict[c.category], terms: map[string]bool{}}
	}
	for k, l := range d.postings {
		t := d.dict[k]
		for _, i := range l {
			out[i].terms[t] = true
		}
	}
	// One pass over the tail checks it and finds where each case starts.
	nd := len(d.dict)
	r := &sigReader{b: d.docs}
	for i := range out {
		at := d.docs[len(d.docs)-len(r.b):]
		for range r.uvarint(len(r.b)) {
			for range r.uvarint(len(r.b)) {
				r.uvarint(nd - 1)
			}
		}
		for range r.uvarint(len(r.b)) {
			r.uvarint(nd - 1)
			for range r.uvarint(len(r.b)) {
				r.uvarint(nd - 1)
				r.uvarint(1 << 40)
			}
		}
		out[i].lazy = func() [][]string { phrases, _ := d.phrasesAt(at); return phrases }
		out[i].lazySurface = func(want func(string) bool) map[string]map[string]int {
			_, rest := d.phrasesAt(at)
			return d.surfaceAt(rest, want)
		}
	}
	if r.bad || len(r.b) != 0 {
		return nil, errDayAgg
	}
	kept := out[:0]
	for i, o := range out {
		if sf.pass(d, d.cases[i]) {
			kept = append(kept, o)
		}
	}
	return kept, nil
}

// phrasesAt decodes the phrases of the case starting at b (a tail docsFor
// has checked) and returns them with the bytes after them, its spellings.
func (d *daySig) phrasesAt(b []byte) ([][]string, []byte) {
	r := &sigReader{b: b}
	nd := len(d.dict)
	var phrases [][]string
	for range r.uvarint(len(r.b)) {
		ph := make([]string, r.uvarint(len(r.b)))
		for j := range ph {
			ph[j] = d.dict[r.uvarint(nd-1)]
		}
		phrases = append(phrases, ph)
	}
	return phrases, r.b
}

// surfaceAt decodes the spellings (phrasesAt's rest) of the words want
// accepts, skipping the others.
func (d *daySig) surfaceAt(b []byte, want func(string) bool) map[string]map[string]int {
	r := &sigReader{b: b}
	nd := len(d.dict)
	surface := map[string]map[string]int{}
	for range r.uvarint(len(r.b)) {
		w := d.dict[r.uvarint(nd-1)]
		keep := want(w)
		var forms map[string]int
		if keep {
			forms = map[string]int{}
			surface[w] = forms
		}
		for range r.uvarint(len(r.b)) {
			s := d.dict[r.uvarint(nd-1)]
			n := r.uvarint(1 << 40)
			if keep {
				forms[s] = n
			}
		}
	}
	return surface
}
