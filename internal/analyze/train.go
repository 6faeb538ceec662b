package analyze

import (
	"cmp"
	"math"
	"slices"
)

// trainOptions steer trainLinear. The zero value of a field means its default.
type trainOptions struct {
	Bits     uint      // hashed space is 2^Bits buckets (default 20)
	C        float64   // SVM cost (default 0.1)
	Cs       []float64 // with folds: costs to try per label, the best out of fold kept (default: C)
	PosExp   float64   // positives weighted by (neg/pos)^PosExp (default 0.5)
	Epochs   int       // coordinate-descent passes at most (default 30)
	Folds    int       // cross-validation folds for calibration; 0 skips calibration
	MinCount int       // vocabulary: words seen at least this often (default 2)
	Stack    bool      // fit a second stage over all labels' out-of-fold scores
	Bag      bool      // the model is the average of the fold models
	Seed     uint64
}

func (o *trainOptions) defaults() {
	if o.Bits == 0 {
		o.Bits = 20
	}
	if o.C == 0 {
		o.C = 0.1
	}
	if o.PosExp == 0 {
		o.PosExp = 0.5
	}
	if o.Epochs == 0 {
		o.Epochs = 30
	}
	if o.MinCount == 0 {
		o.MinCount = 2
	}
	if o.Seed == 0 {
		o.Seed = 0x5eed
	}
}

// trainLinear trains one scorer per label; y[l][i] tells whether example i
// has label l. With Folds > 1 it also calibrates each label on out-of-fold
// decision values: a Platt sigmoid and the probability threshold that
// maximises F1.
func trainLinear(lx *lexicon, texts []string, labels []string, y [][]bool, o trainOptions) *linearModel {
	o.defaults()
	x := make([][]sparseFeature, len(texts))
	parallel(len(texts), func(i int) { x[i] = lx.featurize(texts[i], o.Bits) })
	qii := squaredNorms(x)
	dim := 1<<o.Bits + numCues
	nl := len(labels)

	problem := func(l int, xs [][]sparseFeature, ys []bool) binaryProblem {
		pos := 0
		for _, v := range ys {
			if v {
				pos++
			}
		}
		neg := len(ys) - pos
		ratio := 1.0
		if pos > 0 {
			ratio = math.Pow(float64(neg)/float64(pos), o.PosExp)
		}
		return binaryProblem{x: xs, dim: dim, cPos: o.C * ratio, cNeg: o.C, epochs: o.Epochs, seed: o.Seed + uint64(l)}
	}

	m := &linearModel{bits: o.Bits, labels: labels}
	m.plattA = make([]float32, nl)
	m.plattB = make([]float32, nl)
	m.thresh = make([]float32, nl)
	m.threshPlatt = make([]float32, nl)
	m.threshStack = make([]float32, nl)
	m.stackOn = make([]bool, nl)
	for l := range nl {
		m.plattA[l], m.plattB[l], m.thresh[l], m.threshPlatt[l] = -1, 0, 0.5, 0.5
	}

	bagged := make([][]float32, nl)
	bagBias := make([]float32, nl)
	chosenC := make([]float64, nl)
	for l := range chosenC {
		chosenC[l] = o.C
	}
	if len(o.Cs) == 0 {
		o.Cs = []float64{o.C}
	}
	o.Bag = o.Bag && o.Folds > 1
	if o.Folds > 1 {
		stackRows := make([][]float32, nl)
		oof := make([][]float32, nl)
		for l := range oof {
			oof[l] = make([]float32, len(x))
		}
		fold := func(i int) int { return int(mix64(uint64(i)^o.Seed) % uint64(o.Folds)) }
		// One job per label runs its folds in order, so that the bagged
		// average adds up in the same order on every run. With several
		// costs, each label keeps the one with the best out-of-fold F1.
		parallel(nl, func(l int) {
			bestF := -1.0
			for _, c := range o.Cs {
				scores := make([]float32, len(x))
				var sum []float32
				var sumBias float32
				for k := range o.Folds {
					var xs [][]sparseFeature
					var ys []bool
					var qs []float32
					for i := range x {
						if fold(i) != k {
							xs, ys, qs = append(xs, x[i]), append(ys, y[l][i]), append(qs, qii[i])
						}
					}
					p := problem(l, xs, ys)
					p.cPos, p.cNeg = p.cPos/o.C*c, c
					w, b := p.solve(ys, qs)
					for i := range x {
						if fold(i) == k {
							scores[i] = dot(w, b, x[i])
						}
					}
					if o.Bag {
						if k == 0 {
							sum = w
						} else {
							for j, v := range w {
								sum[j] += v
							}
						}
						sumBias += b
					}
				}
				f := 0.0
				if len(o.Cs) > 1 {
					a, b := plattFit(scores, y[l])
					probs := make([]float32, len(x))
					for i, d := range scores {
						probs[i] = float32(1 / (1 + math.Exp(float64(a*d+b))))
					}
					f = f1At(probs, y[l], bestThreshold(probs, y[l]))
				}
				if f <= bestF {
					continue
				}
				bestF, chosenC[l], oof[l] = f, c, scores
				if o.Bag {
					inv := 1 / float32(o.Folds)
					for j := range sum {
						sum[j] *= inv
					}
					bagged[l], bagBias[l] = sum, sumBias*inv
				}
			}
		})
		for l := range nl {
			a, b := plattFit(oof[l], y[l])
			m.plattA[l], m.plattB[l] = a, b
		}
		// Per label, the second stage replaces the Platt sigmoid only when
		// it does better out of fold: it helps labels that co-occur with
		// others (annoyance, disapproval) and can hurt the rarest.
		plattOnly := func(l int) (float32, float64) {
			probs := make([]float32, len(x))
			for i, d := range oof[l] {
				probs[i] = m.prob(l, d)
			}
			t := bestThreshold(probs, y[l])
			return t, f1At(probs, y[l], t)
		}
		m.threshPlatt = make([]float32, nl)
		m.threshStack = make([]float32, nl)
		m.stackOn = make([]bool, nl)
		// The second stage's inputs, column by column (see stackInputs),
		// and the same columns without each fold's rows, shared by all labels.
		var inputs [][]float32
		var foldInputs [][][]float32
		if o.Stack {
			inputs = slices.Clone(oof)
			for l := range nl {
				p := make([]float32, len(x))
				for i, d := range oof[l] {
					p[i] = m.prob(l, d)
				}
				inputs = append(inputs, p)
			}
			foldInputs = make([][][]float32, o.Folds)
			for k := range o.Folds {
				for _, col := range inputs {
					c := make([]float32, 0, len(col))
					for i, v := range col {
						if fold(i) != k {
							c = append(c, v)
						}
					}
					foldInputs[k] = append(foldInputs[k], c)
				}
			}
		}
		parallel(nl, func(l int) {
			t, f := plattOnly(l)
			m.threshPlatt[l] = t
			if !o.Stack {
				return
			}
			// The second stage has twice as many inputs as labels, enough
			// to flatter itself on the rows it was fitted to: it is judged
			// (and its threshold set) on rows it did not see, fold by fold,
			// then refitted on all of them.
			probs := make([]float32, len(x))
			for k := range o.Folds {
				var ys []bool
				for i := range x {
					if fold(i) != k {
						ys = append(ys, y[l][i])
					}
				}
				w := fitStack(foldInputs[k], ys)
				for i := range x {
					if fold(i) == k {
						probs[i] = stackProb(w, inputs, i)
					}
				}
			}
			ts := bestThreshold(probs, y[l])
			stackRows[l] = fitStack(inputs, y[l])
			m.threshStack[l] = ts
			m.stackOn[l] = f1At(probs, y[l], ts) > f
		})
		if o.Stack {
			m.stack = stackRows
		}
		m.useStack(func(l int) bool { return m.stackOn[l] })
	}

	// The model is the average of the fold models when bagging (its scores
	// are on the scale the thresholds were tuned on), else one model
	// trained on everything.
	weights, biases := bagged, bagBias
	if !o.Bag {
		weights = make([][]float32, nl)
		parallel(nl, func(l int) {
			p := problem(l, x, y[l])
			p.cPos, p.cNeg = p.cPos/o.C*chosenC[l], chosenC[l]
			weights[l], biases[l] = p.solve(y[l], qii)
		})
	}
	m.quantize(weights, biases)
	m.vocab = vocabulary(texts, o.MinCount)
	m.precompute()
	return m
}

func dot(w []float32, b float32, x []sparseFeature) float32 {
	s := b
	for _, f := range x {
		s += w[f.Index] * f.Value
	}
	return s
}

// quantize stores the float weights as int8 rows, one scale per label; a
// bucket whose weights all round to zero is dropped.
func (m *linearModel) quantize(weights [][]float32, biases []float32) {
	nl := len(m.labels)
	n := 1 << m.bits
	m.scale = make([]float32, nl)
	m.bias = biases
	m.cueW = make([][numCues]float32, nl)
	for l, w := range weights {
		var mx float32
		for _, v := range w[:n] {
			mx = max(mx, float32(math.Abs(float64(v))))
		}
		m.scale[l] = max(mx, 1e-9) / 127
		copy(m.cueW[l][:], w[n:])
	}
	m.index = make([]int32, n)
	m.rows = m.rows[:0]
	row := make([]int8, nl)
	for b := range n {
		keep := false
		for l := range nl {
			q := math.Round(float64(weights[l][b] / m.scale[l]))
			row[l] = int8(max(-127, min(127, q)))
			keep = keep || row[l] != 0
		}
		if !keep {
			m.index[b] = -1
			continue
		}
		m.index[b] = int32(len(m.rows))
		m.rows = append(m.rows, row...)
	}
}

// vocabulary returns the ASCII words seen at least minCount times, sorted.
func vocabulary(texts []string, minCount int) []string {
	counts := map[string]int{}
	var buf []byte
	var toks []token
	for _, t := range texts {
		toks = tokenize(t, toks[:0])
		for _, tk := range toks {
			if tk.flags&tokASCII != 0 && tk.end-tk.start <= maxGramLen {
				buf = lowerWord(t, tk, buf)
				counts[string(buf)]++
			}
		}
	}
	var out []string
	for w, c := range counts {
		if c >= minCount {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

// plattFit fits p = 1/(1+exp(A*f+B)) to decision values f and labels y by
// Newton's method with Platt's smoothed targets (Lin, Lin & Weng 2007).
func plattFit(f []float32, y []bool) (float32, float32) {
	var prior1, prior0 float64
	for _, v := range y {
		if v {
			prior1++
		} else {
			prior0++
		}
	}
	hi, lo := (prior1+1)/(prior1+2), 1/(prior0+2)
	t := make([]float64, len(y))
	for i, v := range y {
		t[i] = lo
		if v {
			t[i] = hi
		}
	}
	a, b := 0.0, math.Log((prior0+1)/(prior1+1))
	obj := func(a, b float64) float64 {
		s := 0.0
		for i, fv := range f {
			z := float64(fv)*a + b
			if z >= 0 {
				s += t[i]*z + math.Log1p(math.Exp(-z))
			} else {
				s += (t[i]-1)*z + math.Log1p(math.Exp(z))
			}
		}
		return s
	}
	fval := obj(a, b)
	for range 100 {
		var h11, h22, h21, g1, g2 float64 = 1e-12, 1e-12, 0, 0, 0
		for i, fv := range f {
			z := float64(fv)*a + b
			var p, q float64
			if z >= 0 {
				e := math.Exp(-z)
				p, q = e/(1+e), 1/(1+e)
			} else {
				e := math.Exp(z)
				p, q = 1/(1+e), e/(1+e)
			}
			d2 := p * q
			d1 := t[i] - p
			fd := float64(fv)
			h11 += fd * fd * d2
			h22 += d2
			h21 += fd * d2
			g1 += fd * d1
			g2 += d1
		}
		if math.Abs(g1) < 1e-5 && math.Abs(g2) < 1e-5 {
			break
		}
		det := h11*h22 - h21*h21
		da := -(h22*g1 - h21*g2) / det
		db := -(-h21*g1 + h11*g2) / det
		gd := g1*da + g2*db
		step := 1.0
		for step >= 1e-10 {
			na, nb := a+step*da, b+step*db
			nf := obj(na, nb)
			if nf < fval+1e-4*step*gd {
				a, b, fval = na, nb, nf
				break
			}
			step /= 2
		}
		if step < 1e-10 {
			break
		}
	}
	return float32(a), float32(b)
}

// bestThreshold returns the probability threshold that maximises F1.
func bestThreshold(p []float32, y []bool) float32 {
	idx := make([]int, len(p))
	total := 0
	for i := range idx {
		idx[i] = i
		if y[i] {
			total++
		}
	}
	if total == 0 {
		return 1
	}
	slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(p[b], p[a]) })
	best, bestT, tp := -1.0, float32(0.5), 0
	for k, i := range idx {
		if y[i] {
			tp++
		}
		if k+1 < len(idx) && p[idx[k+1]] == p[i] {
			continue
		}
		f1 := 2 * float64(tp) / float64(k+1+total)
		if f1 > best {
			best = f1
			next := float32(0)
			if k+1 < len(idx) {
				next = p[idx[k+1]]
			}
			bestT = (p[i] + next) / 2
		}
	}
	return bestT
}

// fitStack fits an L2-regularised logistic regression of y on the columns
// of oof (the second stage's inputs) and a bias, by Newton's method.
func fitStack(oof [][]float32, y []bool) []float32 {
	nl := len(oof)
	d := nl + 1
	n := len(y)
	w := make([]float64, d)
	z := make([]float64, d)
	const lambda = 1.0
	for range 25 {
		g := make([]float64, d)
		h := make([]float64, d*d)
		for i := range n {
			for k := range nl {
				z[k] = float64(oof[k][i])
			}
			z[nl] = 1
			s := 0.0
			for k, v := range z {
				s += w[k] * v
			}
			p := 1 / (1 + math.Exp(-s))
			t := 0.0
			if y[i] {
				t = 1
			}
			r := p * (1 - p)
			for a, va := range z {
				g[a] += (p - t) * va
				row := h[a*d:]
				for b := 0; b <= a; b++ {
					row[b] += r * va * z[b]
				}
			}
		}
		for a := range d {
			for b := 0; b < a; b++ {
				h[b*d+a] = h[a*d+b]
			}
			if a < nl {
				g[a] += lambda * w[a]
				h[a*d+a] += lambda
			}
			h[a*d+a] += 1e-9
		}
		step := solve(h, g, d)
		change := 0.0
		for k := range w {
			w[k] -= step[k]
			change = max(change, math.Abs(step[k]))
		}
		if change < 1e-6 {
			break
		}
	}
	out := make([]float32, d)
	for k, v := range w {
		out[k] = float32(v)
	}
	return out
}

// stackProb is the second stage's probability for row i of the inputs.
func stackProb(w []float32, inputs [][]float32, i int) float32 {
	z := w[len(inputs)]
	for k, col := range inputs {
		z += w[k] * col[i]
	}
	return sigmoid(z)
}

// solve returns x with a·x = b for a symmetric positive definite d×d matrix
// (row-major), by Gaussian elimination with partial pivoting.
func solve(a, b []float64, d int) []float64 {
	m := make([]float64, d*(d+1))
	for i := range d {
		copy(m[i*(d+1):], a[i*d:(i+1)*d])
		m[i*(d+1)+d] = b[i]
	}
	for c := range d {
		piv := c
		for r := c + 1; r < d; r++ {
			if math.Abs(m[r*(d+1)+c]) > math.Abs(m[piv*(d+1)+c]) {
				piv = r
			}
		}
		if piv != c {
			for k := 0; k <= d; k++ {
				m[c*(d+1)+k], m[piv*(d+1)+k] = m[piv*(d+1)+k], m[c*(d+1)+k]
			}
		}
		for r := c + 1; r < d; r++ {
			f := m[r*(d+1)+c] / m[c*(d+1)+c]
			for k := c; k <= d; k++ {
				m[r*(d+1)+k] -= f * m[c*(d+1)+k]
			}
		}
	}
	x := make([]float64, d)
	for r := d - 1; r >= 0; r-- {
		s := m[r*(d+1)+d]
		for k := r + 1; k < d; k++ {
			s -= m[r*(d+1)+k] * x[k]
		}
		x[r] = s / m[r*(d+1)+r]
	}
	return x
}

// f1At returns the F1 of asserting y where p >= t.
func f1At(p []float32, y []bool, t float32) float64 {
	tp, fp, fn := 0, 0, 0
	for i, v := range p {
		switch pred := v >= t; {
		case pred && y[i]:
			tp++
		case pred:
			fp++
		case y[i]:
			fn++
		}
	}
	if tp == 0 {
		return 0
	}
	return 2 * float64(tp) / float64(2*tp+fp+fn)
}
