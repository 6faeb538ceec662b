package analyze

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"testing"
)

type expMsg struct {
	ID        string `json:"id"`
	TweetID   string `json:"tweet_id"`
	Text      string `json:"text"`
	Anger     int    `json:"anger"`
	Complaint bool   `json:"complaint"`
	Sentiment string `json:"sentiment"`
	Note      string `json:"note"`
}

func expRead(t *testing.T, path string) []expMsg {
	f, err := os.Open(path)
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	var out []expMsg
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	for sc.Scan() {
		var m expMsg
		if json.Unmarshal(sc.Bytes(), &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

func expHash(id string, k uint64) int {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64() % k)
}

func auc(p []float32, y []bool) float64 {
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] < p[idx[b]] })
	var rank, np, nn float64
	for r, i := range idx {
		if y[i] {
			rank += float64(r + 1)
			np++
		} else {
			nn++
		}
	}
	return (rank - np*(np+1)/2) / (np * nn)
}

// f1 2-fold: the threshold chosen on one half, applied on the other.
func twoFold(p []float32, y []bool, half []int) float64 {
	var tp, fp, fn int
	for k := range 2 {
		var ps []float32
		var ys []bool
		for i := range p {
			if half[i] != k {
				ps, ys = append(ps, p[i]), append(ys, y[i])
			}
		}
		th := bestThreshold(ps, ys)
		for i := range p {
			if half[i] == k {
				switch {
				case p[i] >= th && y[i]:
					tp++
				case p[i] >= th:
					fp++
				case y[i]:
					fn++
				}
			}
		}
	}
	return 2 * float64(tp) / float64(2*tp+fp+fn)
}

// TestExpStack is not a test but the experiment behind the reading
// model's "chosen by measurement" rows of docs/models.md (December 2026):
// it trains the reading model on the corpus's training split and compares
// on the held-out fifth and the real dev set (angry: AUC, and F1 with the
// threshold chosen on the other half) the linear model's probability with
// (default) gradient-boosted trees over its out-of-fold probabilities and
// the dense inputs, (EXP_CHAR=1) a character n-gram linear model and its
// mean with the linear one, (EXP_FT=1) a fastText-like network and its
// mean with the linear one, (EXP_LIN=1 EXP_CALMW=w) the linear model with
// calm complaints weighted w. Run by hand, about 20 s:
//
//	EXP_STACK=1 go test ./internal/analyze -run TestExpStack -v
func TestExpStack(t *testing.T) {
	if os.Getenv("EXP_STACK") == "" {
		t.Skip("an experiment, run by hand: EXP_STACK=1")
	}
	base := DefaultRules()
	var train, held []expMsg
	files, _ := filepath.Glob("../../data/cs/customers-*.jsonl")
	for _, f := range files {
		for _, m := range expRead(t, f) {
			if expHash(m.ID, 5) == 0 {
				held = append(held, m)
			} else {
				train = append(train, m)
			}
		}
	}
	tw := map[string]string{}
	for _, m := range expRead(t, "../../../shared/data/twcs-dev/tweets.jsonl") {
		tw[m.TweetID] = m.Text
	}
	notCustomer := regexp.MustCompile(`marked inbound|not a customer|company-side|bystander|another customer|company tweet`)
	var dev []expMsg
	for _, l := range expRead(t, "../../data/cs/twcs-dev/customer-labels.jsonl") {
		if !notCustomer.MatchString(l.Note) {
			l.Text = tw[l.TweetID]
			l.ID = l.TweetID
			dev = append(dev, l)
		}
	}
	ex := make([]ReadingExample, len(train))
	for i, m := range train {
		ex[i] = ReadingExample{ID: m.ID, Text: m.Text, Anger: m.Anger, Complaint: m.Complaint, Sentiment: m.Sentiment}
		if w := os.Getenv("EXP_CALMW"); w != "" && m.Anger == 0 && m.Complaint {
			fmt.Sscan(w, &ex[i].Weight)
		}
	}
	model, fit, err := base.TrainReading(ex, ReadingOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := base.WithReadingModel(model)
	// training rows: OOF probs + dense
	var xs [][]float32
	var ys []bool
	k := 0
	for _, m := range train {
		if slices.Contains(fit.Skipped, m.ID) {
			continue
		}
		in, ok := base.inputsOf(m.Text)
		if !ok {
			t.Fatal("unread", m.ID)
		}
		row := []float32{}
		for l := range fit.OOF {
			row = append(row, fit.OOF[l][k])
		}
		row = append(row, in.dense...)
		xs, ys = append(xs, row), append(ys, m.Anger >= 1)
		k++
	}
	rowOf := func(text string) ([]float32, float32) {
		p, _ := a.ReadingScores(text)
		in, ok := base.inputsOf(text)
		if p == nil || !ok {
			return nil, 0
		}
		return append(slices.Clone(p), in.dense...), p[labelAngry]
	}
	if os.Getenv("EXP_FT") != "" {
		var feats [][]uint32
		var dense [][]float32
		for _, m := range train {
			if slices.Contains(fit.Skipped, m.ID) {
				continue
			}
			in, _ := base.inputsOf(m.Text)
			feats, dense = append(feats, ftFeatures(in.grams, 18)), append(dense, in.dense)
		}
		for _, epochs := range []int{5, 10, 20} {
			ft := trainFT(feats, dense, ys, 0x5eed, epochs)
			x := make([]float32, ft.d+ft.nd)
			hid := make([]float32, ft.h)
			for _, set := range []struct {
				name string
				ms   []expMsg
			}{{"held", held}, {"dev", dev}} {
				var pl, pf, pm []float32
				var y []bool
				var half []int
				for _, m := range set.ms {
					_, p := rowOf(m.Text)
					in, ok := base.inputsOf(m.Text)
					var o float32
					if ok {
						o = ft.forward(ftFeatures(in.grams, 18), in.dense, x, hid)
					}
					q := 1 / (1 + float32(math.Exp(-float64(o))))
					pl, pf, pm = append(pl, p), append(pf, q), append(pm, (p+q)/2)
					y = append(y, m.Anger >= 1)
					half = append(half, expHash(m.ID, 2))
				}
				fmt.Printf("fasttext epochs=%d %s: linear AUC %.3f F1 %.3f | ft AUC %.3f F1 %.3f | mean AUC %.3f F1 %.3f\n", epochs, set.name, auc(pl, y), twoFold(pl, y, half), auc(pf, y), twoFold(pf, y, half), auc(pm, y), twoFold(pm, y, half))
			}
		}
		return
	}
	if os.Getenv("EXP_LIN") != "" {
		for _, set := range []struct {
			name string
			ms   []expMsg
		}{{"held", held}, {"dev", dev}} {
			var pl []float32
			var y []bool
			var half []int
			for _, m := range set.ms {
				_, p := rowOf(m.Text)
				pl = append(pl, p)
				y = append(y, m.Anger >= 1)
				half = append(half, expHash(m.ID, 2))
			}
			fmt.Printf("lin calmw=%s %s: AUC %.3f 2-fold F1 %.3f\n", os.Getenv("EXP_CALMW"), set.name, auc(pl, y), twoFold(pl, y, half))
		}
		return
	}
	if os.Getenv("EXP_CHAR") != "" {
		for _, c := range []float64{0.1, 0.3, 1} {
			var cex []Example
			for _, m := range train {
				lab := "calm"
				if m.Anger >= 1 {
					lab = "angry"
				}
				cex = append(cex, Example{Text: m.Text, Category: lab})
			}
			cm, err := TrainCategories(cex, CategoryOptions{Bits: 18, C: c})
			if err != nil {
				t.Fatal(err)
			}
			for _, set := range []struct {
				name string
				ms   []expMsg
			}{{"held", held}, {"dev", dev}} {
				var pl, pc, pm []float32
				var y []bool
				var half []int
				for _, m := range set.ms {
					_, p := rowOf(m.Text)
					lab, conf := cm.Predict(m.Text)
					if lab != "angry" {
						conf = 1 - conf
					}
					pl, pc, pm = append(pl, p), append(pc, float32(conf)), append(pm, (p+float32(conf))/2)
					y = append(y, m.Anger >= 1)
					half = append(half, expHash(m.ID, 2))
				}
				fmt.Printf("char C=%g %s: linear AUC %.3f F1 %.3f | char AUC %.3f F1 %.3f | mean AUC %.3f F1 %.3f\n", c, set.name, auc(pl, y), twoFold(pl, y, half), auc(pc, y), twoFold(pc, y, half), auc(pm, y), twoFold(pm, y, half))
			}
		}
		return
	}
	for _, cfg := range []boostOptions{{Depth: 1, Rounds: 200}, {Depth: 2, Rounds: 150}, {Depth: 2, Rounds: 300, Eta: 0.05}, {Depth: 3, Rounds: 150}} {
		b := trainBoost(xs, ys, nil, cfg)
		for _, set := range []struct {
			name string
			ms   []expMsg
		}{{"held", held}, {"dev", dev}} {
			var pl, pb []float32
			var y []bool
			var half []int
			for _, m := range set.ms {
				row, p := rowOf(m.Text)
				if row == nil {
					p = 0
					row = make([]float32, len(xs[0]))
				}
				pl = append(pl, p)
				pb = append(pb, b.margin(row))
				y = append(y, m.Anger >= 1)
				half = append(half, expHash(m.ID, 2))
			}
			fmt.Printf("%+v %s: linear AUC %.3f 2-fold F1 %.3f | boosted AUC %.3f 2-fold F1 %.3f\n", cfg, set.name, auc(pl, y), twoFold(pl, y, half), auc(pb, y), twoFold(pb, y, half))
		}
	}
}

// boostOptions steer trainBoost.
type boostOptions struct {
	Rounds    int     // trees (default 150)
	Depth     int     // levels of each tree: 1 stumps, 2 (default)
	Eta       float64 // shrinkage (default 0.1)
	Lambda    float64 // L2 on leaf values (default 1)
	MinWeight float64 // least hessian in a leaf (default 5)
	Bins      int     // candidate cuts per input (default 32)
}

// boostTree is one regression tree over the inputs, in a flat array:
// node i tests input feat[i] < cut[i] and goes to 2i+1 or 2i+2; a node
// with feat -1 is a leaf of value val.
type boostTree struct {
	feat []int32
	cut  []float32
	val  []float32
}

// boosted is a gradient-boosted sum of trees with a logistic link.
type boosted struct {
	base  float32
	trees []boostTree
}

func (b *boosted) margin(x []float32) float32 {
	s := b.base
	for i := range b.trees {
		t := &b.trees[i]
		n := 0
		for t.feat[n] >= 0 {
			if x[t.feat[n]] < t.cut[n] {
				n = 2*n + 1
			} else {
				n = 2*n + 2
			}
		}
		s += t.val[n]
	}
	return s
}

// trainBoost fits boosted trees to y (logistic loss), each example of
// weight w (nil: 1). Deterministic: the same inputs give the same trees.
func trainBoost(x [][]float32, y []bool, w []float32, o boostOptions) *boosted {
	if o.Rounds == 0 {
		o.Rounds = 150
	}
	if o.Depth == 0 {
		o.Depth = 2
	}
	if o.Eta == 0 {
		o.Eta = 0.1
	}
	if o.Lambda == 0 {
		o.Lambda = 1
	}
	if o.MinWeight == 0 {
		o.MinWeight = 5
	}
	if o.Bins == 0 {
		o.Bins = 32
	}
	n := len(x)
	nf := len(x[0])
	if w == nil {
		w = make([]float32, n)
		for i := range w {
			w[i] = 1
		}
	}
	// Candidate cuts per input: midpoints between quantiles of its values.
	cuts := make([][]float32, nf)
	vals := make([]float32, n)
	for f := range nf {
		for i := range x {
			vals[i] = x[i][f]
		}
		slices.Sort(vals)
		u := slices.Compact(slices.Clone(vals))
		if len(u) < 2 {
			continue
		}
		var c []float32
		if len(u) <= o.Bins {
			for i := 1; i < len(u); i++ {
				c = append(c, (u[i-1]+u[i])/2)
			}
		} else {
			for k := 1; k < o.Bins; k++ {
				v := vals[k*n/o.Bins]
				j, _ := slices.BinarySearch(u, v)
				if j > 0 {
					c = append(c, (u[j-1]+u[j])/2)
				}
			}
			c = slices.Compact(c)
		}
		cuts[f] = c
	}
	// Each example's bin per input.
	bin := make([][]uint8, n)
	for i := range x {
		bin[i] = make([]uint8, nf)
		for f := range nf {
			j, _ := slices.BinarySearch(cuts[f], x[i][f])
			// x < cuts[j] for bins <= j: the bin counts the cuts at or below x.
			for j < len(cuts[f]) && cuts[f][j] <= x[i][f] {
				j++
			}
			bin[i][f] = uint8(j)
		}
	}
	var pos, tot float64
	for i := range y {
		tot += float64(w[i])
		if y[i] {
			pos += float64(w[i])
		}
	}
	p0 := min(max(pos/tot, 1e-3), 1-1e-3)
	b := &boosted{base: float32(math.Log(p0 / (1 - p0)))}
	marg := make([]float64, n)
	for i := range marg {
		marg[i] = float64(b.base)
	}
	g := make([]float64, n)
	h := make([]float64, n)
	nodes := 1<<(o.Depth+1) - 1
	node := make([]int, n)
	for range o.Rounds {
		for i := range n {
			p := 1 / (1 + math.Exp(-marg[i]))
			t := 0.0
			if y[i] {
				t = 1
			}
			g[i] = float64(w[i]) * (p - t)
			h[i] = float64(w[i]) * max(p*(1-p), 1e-6)
			node[i] = 0
		}
		tr := boostTree{feat: make([]int32, nodes), cut: make([]float32, nodes), val: make([]float32, nodes)}
		for k := range tr.feat {
			tr.feat[k] = -1
		}
		for depth := range o.Depth {
			first, last := 1<<depth-1, 1<<(depth+1)-1
			for nd := first; nd < last; nd++ {
				var G, H float64
				for i := range n {
					if node[i] == nd {
						G += g[i]
						H += h[i]
					}
				}
				if H < 2*o.MinWeight {
					continue
				}
				parent := G * G / (H + o.Lambda)
				bestGain, bestF, bestC := 1e-9, -1, 0
				var gs, hs [256]float64
				for f := range nf {
					if len(cuts[f]) == 0 {
						continue
					}
					clear(gs[:len(cuts[f])+1])
					clear(hs[:len(cuts[f])+1])
					for i := range n {
						if node[i] == nd {
							gs[bin[i][f]] += g[i]
							hs[bin[i][f]] += h[i]
						}
					}
					var gl, hl float64
					for c := range cuts[f] {
						gl += gs[c]
						hl += hs[c]
						gr, hr := G-gl, H-hl
						if hl < o.MinWeight || hr < o.MinWeight {
							continue
						}
						gain := gl*gl/(hl+o.Lambda) + gr*gr/(hr+o.Lambda) - parent
						if gain > bestGain {
							bestGain, bestF, bestC = gain, f, c
						}
					}
				}
				if bestF < 0 {
					continue
				}
				tr.feat[nd], tr.cut[nd] = int32(bestF), cuts[bestF][bestC]
				for i := range n {
					if node[i] == nd {
						if int(bin[i][bestF]) <= bestC {
							node[i] = 2*nd + 1
						} else {
							node[i] = 2*nd + 2
						}
					}
				}
			}
		}
		// Leaf values: a Newton step, shrunk.
		G := make([]float64, nodes)
		H := make([]float64, nodes)
		for i := range n {
			G[node[i]] += g[i]
			H[node[i]] += h[i]
		}
		for nd := range nodes {
			if tr.feat[nd] < 0 && H[nd] > 0 {
				tr.val[nd] = float32(-o.Eta * G[nd] / (H[nd] + o.Lambda))
			}
		}
		for i := range n {
			marg[i] += float64(tr.val[node[i]])
		}
		b.trees = append(b.trees, tr)
	}
	return b
}

// ftModel is a fastText-like classifier for the experiment: hashed word
// and character n-gram embeddings averaged, with the dense inputs, into
// one tanh hidden layer and a logistic output.
type ftModel struct {
	bits     uint
	d, h, nd int
	emb      []float32 // 2^bits × d
	w1       []float32 // h × (d+nd)
	b1, w2   []float32
	b2       float32
}

func ftFeatures(words []string, bits uint) []uint32 {
	var out []uint32
	mask := uint32(1)<<bits - 1
	hash := func(s string) uint32 {
		h := fnv.New32a()
		h.Write([]byte(s))
		return h.Sum32() & mask
	}
	for _, w := range words {
		out = append(out, hash("w:"+w))
		b := "<" + w + ">"
		r := []rune(b)
		for n := 3; n <= 5; n++ {
			for i := 0; i+n <= len(r); i++ {
				out = append(out, hash(string(r[i:i+n])))
			}
		}
	}
	return out
}

func (m *ftModel) forward(f []uint32, dense []float32, x, hid []float32) float32 {
	clear(x)
	if len(f) > 0 {
		inv := 1 / float32(len(f))
		for _, k := range f {
			e := m.emb[int(k)*m.d : int(k+1)*m.d]
			for j := range e {
				x[j] += e[j] * inv
			}
		}
	}
	copy(x[m.d:], dense)
	o := m.b2
	for i := range m.h {
		s := m.b1[i]
		row := m.w1[i*len(x) : (i+1)*len(x)]
		for j, v := range x {
			s += row[j] * v
		}
		hid[i] = float32(math.Tanh(float64(s)))
		o += m.w2[i] * hid[i]
	}
	return o
}

func trainFT(feats [][]uint32, dense [][]float32, y []bool, seed uint64, epochs int) *ftModel {
	m := &ftModel{bits: 18, d: 24, h: 32, nd: len(dense[0])}
	rng := newSplitMix(seed)
	uni := func(a float32) float32 { return (float32(rng.next()%1_000_000)/1_000_000*2 - 1) * a }
	m.emb = make([]float32, (1<<m.bits)*m.d)
	for i := range m.emb {
		m.emb[i] = uni(1 / float32(m.d))
	}
	in := m.d + m.nd
	m.w1 = make([]float32, m.h*in)
	for i := range m.w1 {
		m.w1[i] = uni(float32(math.Sqrt(6 / float64(in+m.h))))
	}
	m.b1 = make([]float32, m.h)
	m.w2 = make([]float32, m.h)
	for i := range m.w2 {
		m.w2[i] = uni(float32(math.Sqrt(6 / float64(m.h+1))))
	}
	pos := 0
	for _, v := range y {
		if v {
			pos++
		}
	}
	posW := float32(math.Sqrt(float64(len(y)-pos) / float64(pos)))
	order := make([]int, len(y))
	for i := range order {
		order[i] = i
	}
	x := make([]float32, in)
	hid := make([]float32, m.h)
	gx := make([]float32, in)
	steps, total := 0, epochs*len(y)
	for range epochs {
		for i := len(order) - 1; i > 0; i-- {
			j := int(rng.next() % uint64(i+1))
			order[i], order[j] = order[j], order[i]
		}
		for _, i := range order {
			lr := 0.05 * (1 - float32(steps)/float32(total))
			steps++
			o := m.forward(feats[i], dense[i], x, hid)
			p := 1 / (1 + float32(math.Exp(-float64(o))))
			t, w := float32(0), float32(1)
			if y[i] {
				t, w = 1, posW
			}
			g := (p - t) * w
			clear(gx)
			for k := range m.h {
				gh := g * m.w2[k] * (1 - hid[k]*hid[k])
				m.w2[k] -= lr * g * hid[k]
				row := m.w1[k*in : (k+1)*in]
				for j := range row {
					gx[j] += gh * row[j]
					row[j] -= lr * gh * x[j]
				}
				m.b1[k] -= lr * gh
			}
			m.b2 -= lr * g
			if f := feats[i]; len(f) > 0 {
				inv := 1 / float32(len(f))
				for _, k := range f {
					e := m.emb[int(k)*m.d : int(k+1)*m.d]
					for j := range e {
						e[j] -= lr * gx[j] * inv * 10 // embeddings learn faster, as in fastText
					}
				}
			}
		}
	}
	return m
}

type splitMix struct{ s uint64 }

func newSplitMix(seed uint64) *splitMix { return &splitMix{seed} }
func (r *splitMix) next() uint64 {
	r.s += 0x9e3779b97f4a7c15
	z := r.s
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
