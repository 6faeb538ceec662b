package analyze

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// readingModelBin is the reading model trained by tools/train-reading.
//
//go:embed data/reading.bin
var readingModelBin []byte

// WithReadingModel returns a copy of a whose anger, complaint, sentiment
// and signals are decided by m (nil: by the rules alone, as before the
// reading model). m must have been trained over a's emotion model.
func (a *Analyzer) WithReadingModel(m *ReadingModel) (*Analyzer, error) {
	b := *a
	b.reading, b.readingRow = m, nil
	if m == nil {
		return &b, nil
	}
	if want := a.denseInputs(); !slices.Equal(m.dense, want) {
		return nil, fmt.Errorf("analyze: reading model reads %d dense inputs, this analyzer gives %d others", len(m.dense), len(want))
	}
	if !slices.Equal(m.labels, readingLabels) {
		return nil, errors.New("analyze: reading model has other labels than this version reads")
	}
	b.readingRow = make([]int32, len(a.emo.vocab))
	for i, w := range a.emo.vocab {
		b.readingRow[i] = m.table.get(wordHash(w))
	}
	return &b, nil
}

// ReadingModel returns the analyzer's reading model (nil: none).
func (a *Analyzer) ReadingModel() *ReadingModel { return a.reading }

// denseInputs names the reading model's dense inputs for this analyzer.
func (a *Analyzer) denseInputs() []string {
	out := make([]string, 0, numDense(len(a.emo.labels)))
	for _, l := range a.emo.labels {
		out = append(out, "emotion."+l)
	}
	return append(out, denseNames...)
}

// loadDefaultReading returns a with the embedded reading model, if one
// is embedded.
func loadDefaultReading(a *Analyzer) *Analyzer {
	if len(readingModelBin) == 0 {
		return a
	}
	m, err := LoadReadingModel(bytes.NewReader(readingModelBin))
	if err != nil {
		panic("analyze: embedded reading model: " + err.Error())
	}
	b, err := a.WithReadingModel(m)
	if err != nil {
		panic("analyze: embedded reading model: " + err.Error())
	}
	return b
}

// ReadingScores returns the reading model's probability for each of its
// labels (ReadingModel.Labels) on text, and the rules' anger (0-100): for
// evaluation and for choosing thresholds. It returns nil without a
// reading model or for text the analyzer cannot read.
func (a *Analyzer) ReadingScores(text string) ([]float32, float64) {
	if a.reading == nil {
		return nil, 0
	}
	s := a.pool.Get().(*scratch)
	defer a.pool.Put(s)
	r, err := a.readWith(text, s)
	if err != nil || !r.Supported {
		return nil, 0
	}
	m := a.reading
	dec := make([]float32, len(m.labels))
	m.decisions(s.gramRows, len(s.ngrams), s.dense, dec)
	m.probs(dec, dec)
	return dec, s.ruleAnger
}

// applyReading decides the Reading's anger, complaint, sentiment and
// signals with the reading model, from the inputs read left in s.
func (a *Analyzer) applyReading(work, text string, s *scratch, r *Reading) {
	m := a.reading
	nl := len(m.labels)
	// A word in the emotion model's vocabulary (most words) was looked up
	// already: its row comes from an array; others from the model's table.
	s.gramRows = slices.Grow(s.gramRows[:0], len(s.ngrams))
	for _, g := range s.ngrams {
		row := int32(-1)
		if v := s.vocab[g.from]; v >= 0 && g.key == s.toks[g.from].hash {
			row = a.readingRow[v]
		} else {
			row = m.table.get(g.key)
		}
		s.gramRows = append(s.gramRows, row)
	}
	var buf [64]float32
	dec := buf[:nl]
	m.decisions(s.gramRows, len(s.ngrams), s.dense, dec)
	var p, reach [64]float32
	m.probs(dec, p[:nl])
	for l := range nl {
		reach[l] = float32(m.reach(l, p[l], s.dense))
	}
	on := func(l int) bool { return reach[l] >= 1 }
	r.Complaint = on(labelComplaint)

	score := sentimentScore(float64(reach[labelNegative]), float64(reach[labelPositive]))
	r.SentimentScore = math.Round(score*1000) / 1000
	r.Sentiment = "neutral"
	switch {
	case score <= -0.2:
		r.Sentiment = "negative"
	case score >= 0.2:
		r.Sentiment = "positive"
	}

	// Signals: the model decides which kinds are present; the rules' spans
	// say where, or else the words that weighed most for the kind.
	sigs := r.Signals[:0]
	var found [len(signalKinds)]bool
	for _, sg := range r.Signals {
		if k := signalIndex(sg.Kind); on(labelSignals + k) {
			sigs = append(sigs, sg)
			found[k] = true
		}
	}
	for k := range signalKinds {
		l := labelSignals + k
		kind := signalKinds[k].kind
		if on(l) && !found[k] {
			if st, en, ok := longestHint(kind, s); ok {
				sigs = append(sigs, Signal{Kind: kind, Text: text[st:en], Start: st, End: en})
			} else if st, en, ok := m.heaviest(l, s); ok {
				sigs = append(sigs, Signal{Kind: kind, Text: text[st:en], Start: st, End: en})
			}
		}
	}
	sortSignals(sigs)
	r.Signals = sigs

	// The anger ladder: how far the message is towards annoyed-or-worse
	// (the model, and the rules' floor, see reading_thresholds.go), then
	// angry-or-worse and furious.
	r.Anger = angerLadder(reach[labelAngry : labelAnger3+1])
	if r.Anger >= 50 {
		// How angry, once both say annoyed or worse: the rules' score may
		// say more (shouting, threats and swearing add up there).
		r.Anger = max(r.Anger, int(math.Round(min(100, s.ruleAnger))))
	}
	// A threat the model finds on its own (not only a rule's word: "leave
	// a review? Loved the stay!") says the customer is at least annoyed (a
	// legal, regulator, chargeback or public threat: angry), as every such
	// message in the labelled corpus and the dev set is.
	for k, sk := range signalKinds {
		if l := labelSignals + k; p[l] < m.alone[l] {
			continue
		}
		switch sk.kind {
		case SignalLegalThreat, SignalRegulatorComplaint, SignalChargeback, SignalPublicExposure:
			r.Anger = max(r.Anger, 65)
		case SignalManagerRequest, SignalChurnThreat:
			r.Anger = max(r.Anger, 50)
		}
	}
	r.Level = LevelOf(r.Anger)
	r.Angry = r.Level != Calm

	r.Reasons = m.addWords(r.Reasons, labelAngry, s, text)
}

// angerLadder maps how far a message is towards annoyed-or-worse,
// angry-or-worse and furious (1: there) to 0-100, each level's bar on its
// lower bound: calm below 50, then annoyed, angry (65), furious (85).
func angerLadder(reach []float32) int {
	r := func(k int) float64 { return float64(reach[k]) }
	var x float64
	switch {
	case r(0) < 1:
		x = min(49, math.Floor(50*max(0, r(0))))
	case r(1) < 1:
		x = min(64, 50+math.Floor(15*r(1)))
	case r(2) < 1:
		x = min(84, 65+math.Floor(20*r(2)))
	default:
		x = min(100, 85+math.Round(15*(r(2)-1)))
	}
	return int(max(0, min(100, x)))
}

// sentimentScore maps how far a message is towards negative and towards
// positive (1: there) to -1..1, each bar on ∓0.2, the bounds of neutral.
func sentimentScore(n, q float64) float64 {
	switch {
	case n >= 1 && n >= q:
		return -0.2 - 0.8*min(1, n-1)
	case q >= 1:
		return 0.2 + 0.8*min(1, q-1)
	}
	return max(-0.199, min(0.199, 0.2*(q-n)))
}

// longestHint returns the longest hint of a signal kind (the first of
// equals, a word alone last): the most specific words that showed it.
func longestHint(kind string, s *scratch) (int, int, bool) {
	best := -1
	for i, mt := range s.hints {
		if mt.p.tag.group == groupHint && mt.p.tag.name == kind && (best < 0 || mt.to-mt.from > s.hints[best].to-s.hints[best].from) {
			best = i
		}
	}
	if best < 0 {
		// Else the first word that is a hint of the kind by itself.
		bit := uint16(1) << signalIndex(kind)
		for i, wi := range s.infos {
			if wi != nil && wi.hints&bit != 0 {
				return int(s.toks[i].start), int(s.toks[i].end), true
			}
		}
		return 0, 0, false
	}
	mt := s.hints[best]
	return int(s.toks[mt.from].start), int(s.toks[mt.to-1].end), true
}

// heaviest returns the words that weigh most for label l: the run of up to
// eight words within a sentence whose n-grams add the most to its score.
func (m *ReadingModel) heaviest(l int, s *scratch) (int, int, bool) {
	nl := len(m.labels)
	if len(s.ngrams) == 0 {
		return 0, 0, false
	}
	// Each n-gram's weight, shared by the words it covers.
	w := slices.Grow(s.weights[:0], len(s.toks))[:len(s.toks)]
	clear(w)
	s.weights = w
	for i, g := range s.ngrams {
		if r := s.gramRows[i]; r >= 0 {
			v := float64(m.rows[int(r)*nl+l]) * float64(m.scale[l])
			for k := g.from; k < g.to; k++ {
				w[k] += v / float64(g.to-g.from)
			}
		}
	}
	best, bs, be := 0.0, -1, -1
	for _, se := range s.sents {
		for i := se[0]; i < se[1]; i++ {
			sum := 0.0
			for j := i; j < min(se[1], i+8); j++ {
				sum += w[j]
				if sum > best && w[i] > 0 && w[j] > 0 {
					best, bs, be = sum, i, j+1
				}
			}
		}
	}
	if bs < 0 {
		return 0, 0, false
	}
	return int(s.toks[bs].start), int(s.toks[be-1].end), true
}

// addWords adds to reasons, as kind "word", up to five words whose n-grams
// pushed label l up the most, unless a reason already covers them.
func (m *ReadingModel) addWords(reasons []Reason, l int, s *scratch, text string) []Reason {
	nl := len(m.labels)
	inv := 1 / math.Sqrt(float64(max(1, len(s.ngrams))))
	// The eight heaviest words, in order, found in one pass; up to five of
	// them become reasons (a word repeated, or covered by a reason, is not
	// said twice).
	best := s.cands[:0]
	for i, g := range s.ngrams {
		r := s.gramRows[i]
		if r < 0 {
			continue
		}
		v := float64(m.rows[int(r)*nl+l]) * float64(m.scale[l]) * inv
		if v < 0.05 || len(best) == 8 && v <= best[7].w {
			continue
		}
		k := len(best)
		if k < 8 {
			best = append(best, wordCand{})
		} else {
			k = 7
		}
		for k > 0 && best[k-1].w < v {
			best[k] = best[k-1]
			k--
		}
		best[k] = wordCand{g.from, g.to, v}
	}
	s.cands = best
	added := 0
	for _, c := range best {
		if added == 5 {
			break
		}
		st, en := int(s.toks[c.from].start), int(s.toks[c.to-1].end)
		covered := false
		for _, x := range reasons {
			covered = covered || x.Kind == "word" && (st < x.End && x.Start < en || strings.EqualFold(x.Text, text[st:en]))
		}
		if covered {
			continue
		}
		reasons = append(reasons, Reason{Kind: "word", Text: text[st:en], Start: st, End: en, Weight: math.Round(c.w*100) / 100})
		added++
	}
	slices.SortStableFunc(reasons, func(a, b Reason) int { return a.Start - b.Start })
	return reasons
}

// wordCand is a word that weighed for a label, a candidate reason.
type wordCand struct {
	from, to int32
	w        float64
}

// scaleSentences puts the sentences' anger on the scale of the message's:
// the hottest sentence reads as the message does, the others in proportion.
func scaleSentences(r *Reading) {
	hot := 0
	for _, x := range r.Sentences {
		hot = max(hot, x.Anger)
	}
	if hot == 0 {
		return
	}
	f := float64(r.Anger) / float64(hot)
	for i := range r.Sentences {
		r.Sentences[i].Anger = int(math.Round(min(100, float64(r.Sentences[i].Anger)*f)))
	}
}
