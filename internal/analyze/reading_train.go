package analyze

import (
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"slices"
)

// ReadingExample is one labelled customer message for TrainReading.
type ReadingExample struct {
	ID        string // names the message; its hash picks its cross-validation fold
	Text      string
	Anger     int // 0 calm, 1 annoyed, 2 angry, 3 furious
	Complaint bool
	Sentiment string   // negative, neutral or positive
	Signals   []string // the signal kinds present
	// Weight multiplies the message's cost in training (0: 1); out-of-fold
	// scores, thresholds and the choice of cost count every message once.
	Weight float64
}

// ReadingOptions steer TrainReading; zero fields take the defaults
// documented in docs/models.md.
type ReadingOptions struct {
	Cs       []float64 // SVM costs tried per label, the best out of fold kept (default 0.03, 0.1, 0.3, 1)
	PosExp   float64   // positives weighted by (negatives/positives)^PosExp (default 0.5)
	Folds    int       // cross-validation folds (default 5)
	MinCount int       // a word is weighed if at least this many messages have it (default 5)
	Epochs   int       // solver passes at most (default 60)
	Prune    int       // drop n-grams whose int8 weights are all within ±Prune (default 0)
	// DenseScale multiplies the dense features while training (default
	// 1): above 1 their weights cost less under the regulariser than the
	// n-grams', so the model leans on the rules and the emotion model.
	DenseScale float64
	NoGrams    bool // dense features only: what the rules and emotions say
	NoDense    bool // n-grams only
}

// ReadingFit is what TrainReading measured on its own examples.
type ReadingFit struct {
	Labels []string
	// OOF holds, per label and example kept, the probability from a model
	// that did not see the example (the calibration of the shipped model).
	OOF     [][]float32
	C       []float64 // the cost chosen per label
	Skipped []string  // ids of the examples not read as English, left out
	truth   [][]bool
}

// BestThreshold returns the out-of-fold probability threshold of label l
// with the best F1 (the label on its own, without the rules).
func (f *ReadingFit) BestThreshold(l int) float32 { return bestThreshold(f.OOF[l], f.truth[l]) }

// readingInputs is a message's inputs to the reading model, for training.
type readingInputs struct {
	grams []string // its n-grams, spelled as in the model file
	n     int      // how many n-grams it has, known or not
	dense []float32
}

// inputsOf reads text without a reading model and returns what the
// reading model would read.
func (a *Analyzer) inputsOf(text string) (readingInputs, bool) {
	var s scratch
	s.wantInputs = true
	r, err := a.readWith(text, &s)
	if err != nil || !r.Supported {
		return readingInputs{}, false
	}
	in := readingInputs{n: len(s.ngrams), dense: slices.Clone(s.dense)}
	var buf []byte
	word := func(i int32) (string, bool) {
		t := s.toks[i]
		buf = lowerWord(text, t, buf)
		return string(buf), wordHash(string(buf)) == t.hash
	}
	for _, g := range s.ngrams {
		w, ok := word(g.from)
		if g.key != s.toks[g.from].hash {
			w = negatedPrefix + w
		}
		if ok && len(w) <= 64 {
			in.grams = append(in.grams, w)
		}
	}
	return in, true
}

// TrainReading trains the reading model over a's rules and emotion model
// on labelled customer messages. Each label is a linear SVM (squared
// hinge, dual coordinate descent) over the messages' n-grams and the dense
// features; the cost is chosen per label out of fold, the shipped weights
// are the average of the fold models, and each label's Platt sigmoid and
// thresholds (see reading_thresholds.go) come from the out-of-fold scores. It is
// deterministic.
func (a *Analyzer) TrainReading(examples []ReadingExample, o ReadingOptions) (*ReadingModel, *ReadingFit, error) {
	if len(examples) < 20 {
		return nil, nil, errors.New("analyze: train reading: too few examples")
	}
	if len(o.Cs) == 0 {
		o.Cs = []float64{0.03, 0.1, 0.3, 1}
	}
	if o.PosExp == 0 {
		o.PosExp = 0.5
	}
	if o.Folds == 0 {
		o.Folds = 5
	}
	if o.MinCount == 0 {
		o.MinCount = 5
	}
	if o.Epochs == 0 {
		o.Epochs = 60
	}
	if o.DenseScale == 0 {
		o.DenseScale = 1
	}
	base, _ := a.WithReadingModel(nil)
	all := make([]readingInputs, len(examples))
	ok := make([]bool, len(examples))
	parallel(len(examples), func(i int) { all[i], ok[i] = base.inputsOf(examples[i].Text) })
	// A message the analyzer does not read as English gets no scores at
	// run time either: it teaches nothing.
	fit := &ReadingFit{Labels: readingLabels}
	var ins []readingInputs
	kept := examples[:0:0]
	for i, good := range ok {
		if !good {
			fit.Skipped = append(fit.Skipped, examples[i].ID)
			continue
		}
		ins = append(ins, all[i])
		kept = append(kept, examples[i])
	}
	examples = kept

	// The n-grams of at least MinCount messages, sorted.
	df := map[string]int{}
	for _, in := range ins {
		seen := map[string]bool{}
		for _, g := range in.grams {
			if !seen[g] {
				seen[g] = true
				df[g]++
			}
		}
	}
	var grams []string
	if !o.NoGrams {
		for g, n := range df {
			if n >= o.MinCount {
				grams = append(grams, g)
			}
		}
	}
	slices.Sort(grams)
	index := make(map[string]uint32, len(grams))
	for i, g := range grams {
		index[g] = uint32(i)
	}
	nd := len(ins[0].dense)
	dim := len(grams) + nd
	x := make([][]sparseFeature, len(examples))
	for i, in := range ins {
		f := map[uint32]float32{}
		v := float32(1 / math.Sqrt(float64(max(1, in.n))))
		for _, g := range in.grams {
			if k, ok := index[g]; ok {
				f[k] += v
			}
		}
		if !o.NoDense {
			for k, d := range in.dense {
				if d != 0 {
					f[uint32(len(grams)+k)] = d * float32(o.DenseScale)
				}
			}
		}
		for k, val := range f {
			x[i] = append(x[i], sparseFeature{k, val})
		}
		sortFeatures(x[i])
	}
	qii := squaredNorms(x)

	nl := len(readingLabels)
	y := make([][]bool, nl)
	for l := range y {
		y[l] = make([]bool, len(examples))
	}
	for i, ex := range examples {
		y[labelAngry][i] = ex.Anger >= 1
		y[labelAnger2][i] = ex.Anger >= 2
		y[labelAnger3][i] = ex.Anger >= 3
		y[labelComplaint][i] = ex.Complaint
		y[labelNegative][i] = ex.Sentiment == "negative"
		y[labelPositive][i] = ex.Sentiment == "positive"
		for k, sk := range signalKinds {
			y[labelSignals+k][i] = slices.Contains(ex.Signals, sk.kind)
		}
	}
	weight := make([]float32, len(examples))
	for i, ex := range examples {
		weight[i] = 1
		if ex.Weight > 0 {
			weight[i] = float32(ex.Weight)
		}
	}
	fold := make([]int, len(examples))
	for i, ex := range examples {
		h := fnv.New64a()
		h.Write([]byte(ex.ID))
		if ex.ID == "" {
			h.Write([]byte(ex.Text))
		}
		fold[i] = int(mix64(h.Sum64()^0x5eed) % uint64(o.Folds))
	}

	fit.OOF, fit.C, fit.truth = make([][]float32, nl), make([]float64, nl), y
	weights := make([][]float32, nl)
	biases := make([]float32, nl)
	oofDec := make([][]float32, nl)
	parallel(nl, func(l int) {
		pos := 0
		for _, v := range y[l] {
			if v {
				pos++
			}
		}
		ratio := 1.0
		if pos > 0 {
			ratio = math.Pow(float64(len(examples)-pos)/float64(pos), o.PosExp)
		}
		bestF := -1.0
		for _, c := range o.Cs {
			scores := make([]float32, len(examples))
			sum := make([]float32, dim)
			var sumBias float32
			for k := range o.Folds {
				var xs [][]sparseFeature
				var ys []bool
				var qs, ws []float32
				for i := range x {
					if fold[i] != k {
						xs, ys, qs = append(xs, x[i]), append(ys, y[l][i]), append(qs, qii[i])
						ws = append(ws, weight[i])
					}
				}
				p := binaryProblem{x: xs, dim: dim, cPos: c * ratio, cNeg: c, epochs: o.Epochs, seed: 0x5eed + uint64(l), weight: ws}
				w, b := p.solve(ys, qs)
				for i := range x {
					if fold[i] == k {
						scores[i] = dot(w, b, x[i])
					}
				}
				for j, v := range w {
					sum[j] += v
				}
				sumBias += b
			}
			f := f1At(scores, y[l], bestThreshold(scores, y[l]))
			if f > bestF {
				bestF = f
				inv := 1 / float32(o.Folds)
				for j := range sum {
					sum[j] *= inv
				}
				weights[l], biases[l], oofDec[l], fit.C[l] = sum, sumBias*inv, scores, c
			}
		}
	})

	m := &ReadingModel{labels: readingLabels, dense: base.denseInputs(), bias: biases}
	if len(m.dense) != nd {
		return nil, nil, fmt.Errorf("analyze: train reading: %d dense inputs, %d names", nd, len(m.dense))
	}
	m.plattA = make([]float32, nl)
	m.plattB = make([]float32, nl)
	m.thresh = make([]float32, nl)
	m.scale = make([]float32, nl)
	m.denseW = make([][]float32, nl)
	for l := range nl {
		m.plattA[l], m.plattB[l] = plattFit(oofDec[l], y[l])
		probs := make([]float32, len(examples))
		for i, d := range oofDec[l] {
			probs[i] = m.prob(l, d)
		}
		fit.OOF[l] = probs
		var mx float32
		for _, v := range weights[l][:len(grams)] {
			mx = max(mx, float32(math.Abs(float64(v))))
		}
		m.scale[l] = max(mx, 1e-9) / 127
		m.denseW[l] = slices.Clone(weights[l][len(grams):])
		for k := range m.denseW[l] {
			m.denseW[l][k] *= float32(o.DenseScale)
		}
	}
	for i := range examples {
		fit.OOF[labelAnger2][i] = max(fit.OOF[labelAnger2][i], fit.OOF[labelAnger3][i])
		fit.OOF[labelAngry][i] = max(fit.OOF[labelAngry][i], fit.OOF[labelAnger2][i])
	}
	// Thresholds (with the rules and alone, and the rules' floor for
	// angry) out of fold.
	m.alone = make([]float32, nl)
	if err := m.locate(); err != nil {
		return nil, nil, err
	}
	dense := make([][]float32, len(ins))
	for i, in := range ins {
		dense[i] = in.dense
	}
	parallel(nl, func(l int) {
		if l != labelAngry {
			m.tune(l, fit.OOF[l], dense, y[l])
		}
	})
	m.tune(labelAngry, fit.OOF[labelAngry], dense, y[labelAngry])
	// n-gram weights as int8 rows; n-grams whose row rounds to (near) zero
	// are dropped.
	row := make([]int8, nl)
	for g, name := range grams {
		keep := false
		for l := range nl {
			q := math.Round(float64(weights[l][g] / m.scale[l]))
			row[l] = int8(max(-127, min(127, q)))
			keep = keep || int(row[l]) > o.Prune || int(row[l]) < -o.Prune
		}
		if keep {
			m.grams = append(m.grams, name)
			m.rows = append(m.rows, row...)
		}
	}
	m.index()
	return m, fit, nil
}
