package insights

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
)

// Problem is a group of cases whose customers raised the same concern,
// named from the words they used.
type Problem struct {
	Label    string   `json:"label"`
	Terms    []string `json:"terms"`    // the shared words that define it
	Category string   `json:"category"` // the most common category of its cases
	Count    int      `json:"count"`    // its cases in the period
	// Baseline is its average count per period of the same length over the
	// four weeks before the period.
	Baseline float64 `json:"baseline"`
	Spike    bool    `json:"spike"`
	CaseIDs  []int64 `json:"case_ids"`
}

// Spike thresholds: a problem spikes when it has at least SpikeMinCases
// cases and at least SpikeFactor times its baseline.
const (
	SpikeMinCases = 5
	SpikeFactor   = 3.0
	baselineWeeks = 4
	maxProblems   = 50
)

// Problems clusters the concerns of the customers whose cases opened in p
// into problems, biggest first. It reads the days' concern signatures
// (signatures.go), not the concerns' text.
func (in *Insights) Problems(ctx context.Context, p Period, f Filter) ([]Problem, error) {
	baseStart := p.Start().AddDate(0, 0, -7*baselineWeeks)
	sigs, err := in.signatures(ctx, baseStart, p.End())
	if err != nil {
		return nil, err
	}
	sf, err := in.newSigFilter(ctx, f)
	if err != nil {
		return nil, err
	}
	var cur []doc
	base := &sigBase{sf: sf, counts: map[string]int{}}
	for d := baseStart; d.Before(p.End()); d = d.AddDate(0, 0, 1) {
		sig := sigs[d.Format(time.DateOnly)]
		if d.Before(p.Start()) {
			base.add(sig)
			continue
		}
		docs, err := sig.docsFor(sf)
		if err != nil {
			return nil, fmt.Errorf("insights: signature of %s: %w", d.Format(time.DateOnly), err)
		}
		cur = append(cur, docs...)
	}
	slices.SortFunc(cur, func(a, b doc) int { return cmp.Compare(a.caseID, b.caseID) })
	scale := float64(p.Days()) / float64(7*baselineWeeks)
	return cluster(cur, base, scale), nil
}

// problemsFull is Problems from the concerns' text, the reference the
// signatures are tested against.
func (in *Insights) problemsFull(ctx context.Context, p Period, f Filter) ([]Problem, error) {
	baseStart := p.Start().AddDate(0, 0, -7*baselineWeeks)
	cases, err := in.loadFor(ctx, baseStart, p.End(), f, needConcerns)
	if err != nil {
		return nil, err
	}
	var cur []doc
	base := docBase{}
	for _, c := range cases {
		d := docOf(c)
		if len(d.terms) == 0 {
			continue
		}
		if c.CreatedAt.Before(p.Start()) {
			base = append(base, d)
		} else {
			cur = append(cur, d)
		}
	}
	scale := float64(p.Days()) / float64(7*baselineWeeks)
	return cluster(cur, base, scale), nil
}

// baseCounts answers what clustering asks of the cases before the period:
// how many there are, how many use a term, and how many use any of a
// problem's terms.
type baseCounts interface {
	docs() int
	df(term string) int
	using(terms []string) int
}

type docBase []doc

func (b docBase) docs() int { return len(b) }

func (b docBase) df(t string) int {
	n := 0
	for _, d := range b {
		if d.terms[t] {
			n++
		}
	}
	return n
}

func (b docBase) using(terms []string) int {
	n := 0
	for _, d := range b {
		for _, t := range terms {
			if d.terms[t] {
				n++
				break
			}
		}
	}
	return n
}

// sigBase counts from the days' inverted indexes, without the words of
// any case.
type sigBase struct {
	sf     sigFilter
	n      int
	counts map[string]int
	days   []*daySig
	terms  []map[string][]int32 // per day, each term's postings
	pass   [][]bool             // per day, per case: passes the filter
}

func (b *sigBase) add(d *daySig) {
	if d == nil {
		return
	}
	pass := make([]bool, len(d.cases))
	for i, c := range d.cases {
		if pass[i] = b.sf.pass(d, c); pass[i] {
			b.n++
		}
	}
	terms := make(map[string][]int32, len(d.postings))
	for k, l := range d.postings {
		terms[d.dict[k]] = l
		n := 0
		for _, i := range l {
			if pass[i] {
				n++
			}
		}
		if n > 0 {
			b.counts[d.dict[k]] += n
		}
	}
	b.days, b.terms, b.pass = append(b.days, d), append(b.terms, terms), append(b.pass, pass)
}

func (b *sigBase) docs() int { return b.n }

func (b *sigBase) df(t string) int { return b.counts[t] }

func (b *sigBase) using(terms []string) int {
	n := 0
	for di, d := range b.days {
		seen := make([]bool, len(d.cases))
		for _, t := range terms {
			for _, i := range b.terms[di][t] {
				if b.pass[di][i] && !seen[i] {
					seen[i] = true
					n++
				}
			}
		}
	}
	return n
}

// doc is one case's concerns as terms.
type doc struct {
	caseID   int64
	category string
	terms    map[string]bool // unigrams and bigrams
	phrases  [][]string      // each concern's content words, in order
	surface  map[string]map[string]int
	// lazy, when set, gives phrases, and lazySurface the spellings of the
	// words want accepts (a stored signature decodes them only for the
	// cases a label is made from, and the spellings only of its words).
	lazy        func() [][]string
	lazySurface func(want func(string) bool) map[string]map[string]int
}

// stopwords are words that name no problem: function words and the
// vocabulary every support message shares.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`a about above after again against all also am an and any are aren't as at be because been before being
	below between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from
	further had hadn't has hasn't have haven't having he her here hers herself him himself his how i i'm i've i'd i'll if in into is isn't it
	it's its itself just let's me more most mustn't my myself no nor not now of off on once only or other ought our ours ourselves out
	over own same she should shouldn't so some such than that that's the their theirs them themselves then there there's these they
	they're this those through to too under until up very was wasn't we we're were weren't what what's when where which while who
	whom why with won't would wouldn't you you're your yours yourself yourselves
	again already always anyone anything ask asked asking back still even ever every get gets getting got going gone help hello hi
	hey know let like make made many may might much need needs never new one please really right said say says see seems since
	someone something thank thanks time times today try tried trying two three use used want wanted way week weeks day days
	yesterday told tell well will yet keep keeps kept us im ive dont cant wont doesnt didnt isnt thing things
	customer service support problem issue issues team company contact contacted email emailed message wrote write writing
	order orders account`) {
		stopwords[w] = true
	}
}

// words splits text into lower-cased words, keeping each word's written
// form for labels.
func words(text string) (lower, surface []string) {
	for _, w := range strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}) {
		w = strings.Trim(w, "'")
		if w == "" {
			continue
		}
		lower = append(lower, strings.ToLower(strings.ReplaceAll(w, "’", "'")))
		surface = append(surface, w)
	}
	return lower, surface
}

func contentWord(w string) bool {
	if stopwords[w] {
		return false
	}
	if len([]rune(w)) < 3 && !strings.ContainsAny(w, "0123456789") {
		return false
	}
	return true
}

func docOf(c *caseFacts) doc {
	d := doc{caseID: c.ID, category: c.Category, terms: map[string]bool{}, surface: map[string]map[string]int{}}
	for _, m := range c.Inbound {
		for _, text := range m.Concerns {
			lower, surf := words(text)
			var phrase []string
			for i, w := range lower {
				if !contentWord(w) {
					continue
				}
				phrase = append(phrase, w)
				if d.surface[w] == nil {
					d.surface[w] = map[string]int{}
				}
				d.surface[w][surf[i]]++
			}
			for i, w := range phrase {
				d.terms[w] = true
				if i > 0 {
					d.terms[phrase[i-1]+" "+w] = true
				}
			}
			if len(phrase) > 0 {
				d.phrases = append(d.phrases, phrase)
			}
		}
	}
	return d
}

// cluster groups the current docs greedily: the term most worth naming a
// problem — shared by many unassigned cases, rare in the desk's other
// cases — seeds a problem with every unassigned case using it, which then
// takes in the cases using a word almost only its own cases use. Each
// case joins at most one problem; a problem needs two cases.
func cluster(cur []doc, base baseCounts, scale float64) []Problem {
	all := len(cur) + base.docs()
	// Every term clustering weighs is a term of a current case.
	assigned := make([]bool, len(cur))
	rejected := map[string]bool{}
	// df counts the unassigned cases using each term: counted once, then
	// lowered as cases join problems (a rejected seed changes nothing).
	df := map[string]int{}
	for _, d := range cur {
		for t := range d.terms {
			df[t]++
		}
	}
	var out []Problem
	dfAll := make(map[string]int, len(df))
	for t, n := range df {
		dfAll[t] = n + base.df(t)
	}
	idf := func(t string) float64 { return math.Log(float64(all+1) / float64(dfAll[t])) }
	for len(out) < maxProblems {
		seed, best := "", 0.0
		for t, n := range df {
			if n < 2 || rejected[t] {
				continue
			}
			score := float64(n) * idf(t)
			if strings.Contains(t, " ") {
				score *= 1.2 // a shared phrase says more than a shared word
			}
			if score > best || (score == best && t < seed) {
				seed, best = t, score
			}
		}
		if seed == "" {
			break
		}
		var members []int
		for i, d := range cur {
			if !assigned[i] && d.terms[seed] {
				members = append(members, i)
			}
		}
		if !related(cur, members, seed) {
			rejected[seed] = true // one shared word is a coincidence, not a problem
			continue
		}
		terms := []string{seed}
		// Words most of the members share and few others use widen the problem
		// to the cases that put it differently.
		inCluster := map[string]int{}
		for _, i := range members {
			for t := range cur[i].terms {
				inCluster[t]++
			}
		}
		for t, n := range inCluster {
			if t == seed || strings.Contains(t, " ") || 2*n < len(members) || n < 3 {
				continue
			}
			if float64(n)/float64(dfAll[t]) >= 0.6 {
				terms = append(terms, t)
			}
		}
		sort.Strings(terms[1:])
		for i, d := range cur {
			if assigned[i] || d.terms[seed] {
				continue
			}
			for _, t := range terms[1:] {
				if d.terms[t] {
					members = append(members, i)
					break
				}
			}
		}
		p := Problem{Terms: terms, Count: len(members)}
		cats := map[string]int{}
		var docs []doc
		for _, i := range members {
			assigned[i] = true
			for t := range cur[i].terms {
				df[t]--
			}
			p.CaseIDs = append(p.CaseIDs, cur[i].caseID)
			cats[cur[i].category]++
			docs = append(docs, cur[i])
		}
		sort.Slice(p.CaseIDs, func(a, b int) bool { return p.CaseIDs[a] < p.CaseIDs[b] })
		p.Category = topKey(cats)
		p.Label = label(docs, seed)
		p.Baseline = round(float64(base.using(terms)) * scale)
		p.Spike = p.Count >= SpikeMinCases && float64(p.Count) >= SpikeFactor*p.Baseline
		out = append(out, p)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Count > out[b].Count })
	return out
}

// related reports whether the members share more than a coincidence: a
// shared phrase, or a second word that at least half of them use.
func related(cur []doc, members []int, seed string) bool {
	if strings.Contains(seed, " ") {
		return true
	}
	n := map[string]int{}
	for _, i := range members {
		for t := range cur[i].terms {
			if t != seed && !strings.Contains(t, " ") {
				n[t]++
			}
		}
	}
	for _, c := range n {
		if c >= 2 && 2*c >= len(members) {
			return true
		}
	}
	return false
}

// label names a problem in the words at least half its cases used: the
// longest such run of words (up to four), then the next most shared words,
// three words in all, each in the form customers wrote it most often.
func label(docs []doc, seed string) string {
	for i := range docs {
		if docs[i].lazy != nil {
			docs[i].phrases = docs[i].lazy()
		}
	}
	// Only runs used by at least half the cases count, and a run can be
	// only if each of its words is: count the words first, then the runs
	// of those words alone (a big problem has thousands of cases, each
	// with dozens of runs). Runs as arrays, not joined strings.
	wordDF := map[string]int{}
	seenWord := map[string]bool{}
	for _, d := range docs {
		clear(seenWord)
		for _, ph := range d.phrases {
			for _, w := range ph {
				seenWord[w] = true
			}
		}
		for w := range seenWord {
			wordDF[w]++
		}
	}
	frequent := func(w string) bool { return 2*wordDF[w] >= len(docs) }
	df := map[ngram]int{}
	seen := map[ngram]bool{}
	for _, d := range docs {
		clear(seen)
		for _, ph := range d.phrases {
			for i := range ph {
				for n := 1; n <= 4 && i+n <= len(ph) && frequent(ph[i+n-1]); n++ {
					g := ngram{n: n}
					copy(g.w[:], ph[i:i+n])
					seen[g] = true
				}
			}
		}
		for g := range seen {
			df[g]++
		}
	}
	best, bestScore := seed, -1.0
	common := map[string]int{} // the single words at least half used
	for g, n := range df {
		if 2*n < len(docs) {
			continue
		}
		gs := strings.Join(g.w[:g.n], " ")
		if g.n == 1 {
			common[gs] = n
		}
		score := float64(g.n)*10 + float64(n)/float64(len(docs))
		if score > bestScore || (score == bestScore && gs < best) {
			best, bestScore = gs, score
		}
	}
	parts := []string{best}
	used := map[string]bool{}
	for _, w := range strings.Fields(best) {
		used[w] = true
	}
	var more []string
	for g := range common {
		if !used[g] {
			more = append(more, g)
		}
	}
	sort.Slice(more, func(a, b int) bool {
		if common[more[a]] != common[more[b]] {
			return common[more[a]] > common[more[b]]
		}
		return more[a] < more[b]
	})
	return spell(docs, parts, used, more)
}

// spell completes a label: parts (the longest run), then words of more
// until three words in all, each spelled as customers wrote it most.
func spell(docs []doc, parts []string, used map[string]bool, more []string) string {
	for _, w := range more {
		if len(used) >= 3 {
			break
		}
		used[w] = true
		parts = append(parts, w)
	}
	for i := range docs {
		if docs[i].lazySurface != nil {
			docs[i].surface = docs[i].lazySurface(func(w string) bool { return used[w] })
		}
	}
	for i, part := range parts {
		ws := strings.Fields(part)
		for j, w := range ws {
			forms := map[string]int{}
			for _, d := range docs {
				for s, n := range d.surface[w] {
					forms[s] += n
				}
			}
			if s := topKey(forms); s != "" {
				ws[j] = s
			}
		}
		parts[i] = strings.Join(ws, " ")
	}
	return strings.Join(parts, ", ")
}

// ngram is a run of up to four words.
type ngram struct {
	n int
	w [4]string
}

func topKey(m map[string]int) string {
	best, n := "", 0
	for k, v := range m {
		if v > n || (v == n && k < best) {
			best, n = k, v
		}
	}
	return best
}
