package analyze

import (
	"errors"
	"io"
	"strings"
	"sync"
)

// EmotionModel scores text for emotions (GoEmotions' 27 plus neutral, and
// any derived labels it was trained with, such as "anger_or_annoyance").
type EmotionModel struct {
	m *linearModel
}

// EmotionExample is one labelled text for TrainEmotions.
type EmotionExample struct {
	Text   string
	Labels []string
}

// EmotionOptions steer TrainEmotions; zero fields take the defaults
// documented in docs/models.md.
type EmotionOptions struct {
	Bits     uint      // hashed feature space is 2^Bits buckets (default 20)
	C        float64   // SVM cost (default 0.1)
	Cs       []float64 // costs to try per label, chosen by out-of-fold F1 (default: C only)
	PosExp   float64   // positives weighted by (negatives/positives)^PosExp (default 0.5)
	Epochs   int       // solver passes at most (default 30)
	Folds    int       // cross-validation folds for calibration and thresholds (default 5)
	MinCount int       // words seen this often get precomputed sums (default 2)
	Stack    bool      // add a second stage over all labels' scores
	Bag      bool      // average the cross-validation models instead of retraining on all
}

// TrainEmotions trains one linear scorer per label, calibrates probabilities
// and picks per-label thresholds on out-of-fold scores. It is deterministic.
func TrainEmotions(examples []EmotionExample, labels []string, o EmotionOptions) (*EmotionModel, error) {
	if len(examples) == 0 || len(labels) == 0 {
		return nil, errors.New("analyze: train emotions: no examples or labels")
	}
	if o.Folds == 0 {
		o.Folds = 5
	}
	texts := make([]string, len(examples))
	y := make([][]bool, len(labels))
	for l := range y {
		y[l] = make([]bool, len(examples))
	}
	index := map[string]int{}
	for l, name := range labels {
		index[name] = l
	}
	for i, ex := range examples {
		texts[i] = ex.Text
		for _, name := range ex.Labels {
			if l, ok := index[name]; ok {
				y[l][i] = true
			}
		}
	}
	m := trainLinear(defaultLexicon(), texts, labels, y, trainOptions{
		Bits: o.Bits, C: o.C, Cs: o.Cs, PosExp: o.PosExp, Epochs: o.Epochs, Folds: o.Folds, MinCount: o.MinCount, Stack: o.Stack, Bag: o.Bag,
	})
	return &EmotionModel{m: m}, nil
}

// LoadEmotionModel reads a model written by Save.
func LoadEmotionModel(r io.Reader) (*EmotionModel, error) {
	m, err := loadLinearModel(r)
	if err != nil {
		return nil, err
	}
	return &EmotionModel{m: m}, nil
}

// Save writes the model in calmdesk's compact binary format, uncompressed
// (it is embedded; git and the linker store it as they like).
func (e *EmotionModel) Save(w io.Writer) error { return e.m.save(w, false) }

// Prune drops the hashed features whose weights are all within ±k int8
// quantisation steps, trading a little accuracy for size and load time.
func (e *EmotionModel) Prune(k int) { e.m.prune(int8(min(k, 127))) }

// UseSecondStage chooses, per label that has one, whether its probability
// comes from the second stage over all labels' scores (on) or from its own
// score alone. Training chooses by out-of-fold F1; this is for evaluation.
func (e *EmotionModel) UseSecondStage(on func(label string) bool) {
	e.m.useStack(func(l int) bool { return on(e.m.labels[l]) })
}

// Labels returns the label names in score order.
func (e *EmotionModel) Labels() []string { return e.m.labels }

// derivedLabel reports whether a label was derived from others for the
// model's own use ("anger_or_annoyance", "group_negative") rather than
// being an emotion a Reading reports.
func derivedLabel(name string) bool {
	return name == "anger_or_annoyance" || strings.HasPrefix(name, "group_")
}

// Thresholds returns, per label, the probability from which it is asserted.
func (e *EmotionModel) Thresholds() []float32 { return e.m.thresh }

// Predict returns the probability of each label for text.
func (e *EmotionModel) Predict(text string) []float32 {
	var s scratch
	s.toks = tokenize(text, s.toks)
	acc := e.m.newAccumulator()
	e.m.scoreAll(text, &s, &acc)
	dec := make([]float32, len(e.m.labels))
	e.m.decisions(&acc, dec)
	out := make([]float32, len(dec))
	e.m.probs(dec, out)
	return out
}

// scratch is the reusable working memory of one Read.
type scratch struct {
	toks    []token
	infos   []*wordInfo
	vocab   []int32 // per word: its index in the emotion model's vocabulary, or -1
	sents   [][2]int
	clauses [][2]int
	matches []match
	hints   []match   // the matches of hint patterns (see hints.go)
	emoji   []emojiAt // the text's emoji with a mood, found once per Read
	fbuf    []float32
	acc     []int32 // backing of the two accumulators of a Read
	buf     []byte
	grams   []uint32
	// The emotion model's rows to add for a span (linearModel.span), and
	// the working memory of a word's sums (linearModel.wordSums).
	wrows, crows []uint32
	acc2         []int32
	wsum         []int16
	// The reading model's inputs: dense features and n-grams, with each
	// n-gram's row in the model (-1: unknown). wantInputs asks read for
	// them without a reading model (training does).
	dense      []float32
	ruleAnger  float64 // the rules' anger, 0-100
	ngrams     []ngram
	gramRows   []int32
	cands      []wordCand
	weights    []float64
	wantInputs bool
}

// scoreAll accumulates all sentences of s.toks into acc.
func (m *linearModel) scoreAll(text string, s *scratch, acc *accumulator) {
	s.sents = sentences(s.toks, s.sents[:0])
	lx := defaultLexicon()
	s.infos = lx.lookup(s.toks, s.infos[:0])
	for _, se := range s.sents {
		m.span(text, s.toks, se[0], se[1], acc, s)
		limit := len(text)
		if se[1] < len(s.toks) {
			limit = int(s.toks[se[1]].start)
		}
		c := lx.counts(text, s.toks[se[0]:se[1]], s.infos[se[0]:se[1]], limit)
		acc.cues.add(&c)
	}
}

var defaultLexicon = sync.OnceValue(newLexicon)

// floats returns a zeroed scratch slice of n floats.
func (s *scratch) floats(n int) []float32 {
	if cap(s.fbuf) < n {
		s.fbuf = make([]float32, n)
	}
	s.fbuf = s.fbuf[:n]
	clear(s.fbuf)
	return s.fbuf
}

// accumulators returns two zeroed accumulators for nl labels.
func (s *scratch) accumulators(nl int) (accumulator, accumulator) {
	if cap(s.acc) < 4*nl {
		s.acc = make([]int32, 4*nl)
	}
	b := s.acc[:4*nl]
	clear(b)
	return accumulator{w: b[:nl], c: b[nl : 2*nl]}, accumulator{w: b[2*nl : 3*nl], c: b[3*nl:]}
}
