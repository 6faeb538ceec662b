// Command train-coach trains the coach's reply model on the team's labelled
// replies (data/cs/replies-*.jsonl): one linear classifier per step and
// pitfall over the reply's words and word pairs, the rules' verdicts and the
// customer's reading (coach.Features). A fifth of the corpus, by hash of
// id, is held out and only measured; thresholds are chosen out of fold on
// the rest. It reports the held-out split and, when its texts are on this
// machine, the real development set (never trained on), then writes the
// model internal/coach embeds. Deterministic: same data and flags, same
// bytes.
//
//	go run ./tools/train-coach                  # train, report, write
//	go run ./tools/train-coach -out /tmp/m.bin  # write elsewhere
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/tools/internal/replydata"
)

// ruleSufficient labels are asserted wherever the rules assert them
// (-rule-sufficient): the model only adds what the rules miss.
var ruleSufficient = map[string]bool{}

// ruleRequired labels are asserted only where the rules assert them
// (-rule-required): on real replies the model added only false alarms.
var ruleRequired = map[string]bool{}

// pitfallBeta is the F-beta the thresholds of the model's own pitfall
// findings are chosen for (-pitfall-beta): a false alarm shows an agent an
// error.
var pitfallBeta = 1.0

// betaOf is the F-beta a label's thresholds are chosen for.
func betaOf(label string) float64 {
	if b, ok := labelBeta[label]; ok {
		return b
	}
	if ruleSufficient[label] {
		return pitfallBeta
	}
	return 1
}

// labelBeta overrides the F-beta of single labels (-beta).
var labelBeta = map[string]float64{}

// devLabels may take thresholds chosen on the development set (-dev-labels).
var devLabels = map[string]bool{}

// caseWeight weighs the coach's own test cases in the loss (-case-weight).
var caseWeight = 1.0

// registerWeight weighs the replies in the register of support tweets
// (tools/train-coach/data, ids rt-) and of data/cs/replies-c.jsonl and
// replies-d.jsonl and replies-e.jsonl (ids rc-, rd-, re-)
// in the loss (-register-weight).
var registerWeight = 1.0

// eWeight weighs data/cs/replies-e.jsonl (ids re-) in the loss (-e-weight);
// 0 leaves them out of training: at weights 1 and 3 they lowered macro-F1
// on half 0 of the real dev set (docs/models.md).
var eWeight = 0.0

// posWeight multiplies the weight of a label's positives in the loss
// (-pos-weight): the rare pitfalls are few in the corpus and fewer still
// are caught on real replies.
var posWeight = map[string]float64{}

// wholeValue is the value of a feature of the whole reply (experiment).
var wholeValue = 1.0

type options struct {
	bits    uint8
	cs      []float64
	posExp  float64
	folds   int
	epochs  int
	workers int
}

func main() {
	data := flag.String("data", "data/cs", "the team's corpus (replies-*.jsonl) and twcs-dev/reply-labels.jsonl")
	tweets := flag.String("tweets", "../shared/data/twcs-dev/tweets.jsonl", "texts of the real development set (evaluation only)")
	out := flag.String("out", "internal/coach/data/reply-model.bin", "where to write the model (empty: do not write)")
	bits := flag.Uint("bits", 16, "hash bits")
	cs := flag.String("cs", "0.1,0.3,1", "SVM costs to try per label; the best out of fold is kept")
	posExp := flag.Float64("pos-exp", 0.5, "positives are weighted by (negatives/positives)^pos-exp")
	folds := flag.Int("folds", 5, "cross-validation folds")
	epochs := flag.Int("epochs", 60, "passes of coordinate descent at most")
	workers := flag.Int("workers", 2, "labels trained at once")
	cases := flag.String("cases", "internal/coach/testdata/corpus", "the coach's own test cases to train on too (empty: none)")
	extra := flag.String("extra", "tools/train-coach/data", "a folder of more labelled replies (replies-*.jsonl) to train on (empty: none)")
	devLabelList := flag.String("dev-labels", "greeting,empathy,apology,ownership,expectation,follow_up,thanks,concern_addressed,deflection,vague_timing,arguing,robotic", "labels whose thresholds may be chosen on the real development set")
	requiredList := flag.String("rule-required", "non_apology", "labels asserted only where the rules assert them: the model may not add to them")
	ruleList := flag.String("rule-sufficient", "deflection,blame,non_apology,vague_timing,minimizing,arguing,robotic", "labels the rules assert on their own: where a rule fires the model does not veto it")
	devMin := flag.Int("dev-min", 15, "choose on the real development set the threshold of each label with at least this many positives there (0: all thresholds out of fold)")
	flag.Float64Var(&pitfallBeta, "pitfall-beta", 1, "F-beta for the thresholds of the pitfalls the rules assert on their own")
	flag.Float64Var(&caseWeight, "case-weight", 5, "weight of the coach's own test cases in the loss")
	flag.Float64Var(&registerWeight, "register-weight", 3, "weight of the replies of -extra and of data/cs/replies-c.jsonl and replies-d.jsonl in the loss")
	flag.Float64Var(&eWeight, "e-weight", 0, "weight of data/cs/replies-e.jsonl in the loss (0: not trained on; its fifth is still held out and measured)")
	flag.Float64Var(&wholeValue, "whole", 1, "value of whole-reply features (experiment)")
	betas := flag.String("beta", "minimizing=0.3", "label=beta,…: the F-beta a label's thresholds are chosen for, over -pitfall-beta")
	posWeights := flag.String("pos-weight", "blame=3,minimizing=3,arguing=3,non_apology=3", "label=factor,…: the weight of a label's positives is multiplied by factor")
	flag.Parse()
	log.SetFlags(0)
	for _, kv := range strings.Split(*betas, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		l, v, ok := strings.Cut(kv, "=")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil || f <= 0 {
			log.Fatalf("-beta: %q is not label=beta", kv)
		}
		labelBeta[l] = f
	}
	for _, kv := range strings.Split(*posWeights, ",") {
		if kv = strings.TrimSpace(kv); kv == "" {
			continue
		}
		l, v, ok := strings.Cut(kv, "=")
		f, err := strconv.ParseFloat(v, 64)
		if !ok || err != nil || f <= 0 {
			log.Fatalf("-pos-weight: %q is not label=factor", kv)
		}
		posWeight[l] = f
	}
	for _, l := range strings.Split(*requiredList, ",") {
		ruleRequired[strings.TrimSpace(l)] = true
	}
	for _, l := range strings.Split(*ruleList, ",") {
		ruleSufficient[strings.TrimSpace(l)] = true
	}
	for _, l := range strings.Split(*devLabelList, ",") {
		devLabels[strings.TrimSpace(l)] = true
	}
	opt := options{bits: uint8(*bits), posExp: *posExp, folds: *folds, epochs: *epochs, workers: *workers}
	for _, s := range strings.Split(*cs, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil {
			log.Fatalf("-cs: %v", err)
		}
		opt.cs = append(opt.cs, v)
	}

	t0 := time.Now()
	all, err := replydata.LoadCorpus(*data)
	if err != nil {
		log.Fatal(err)
	}
	train, test := replydata.Split(all)
	if eWeight == 0 {
		train = slices.DeleteFunc(train, func(e replydata.Example) bool { return strings.HasPrefix(e.ID, "re-") })
	}
	if *cases != "" {
		more, err := replydata.LoadCases(*cases, analyze.Default())
		if err != nil {
			log.Fatal(err)
		}
		log.Printf("%d of the coach's test cases from %s", len(more), *cases)
		train = append(train, more...)
	}
	if *extra != "" {
		more, err := replydata.LoadCorpus(*extra)
		if err != nil {
			log.Fatal(err)
		}
		tr, _ := replydata.Split(more)
		log.Printf("%d more replies from %s, %d of them for training", len(more), *extra, len(tr))
		train = append(train, tr...)
	}
	a := analyze.Default()
	rules := coach.NewWithModel(nil, nil)
	xs := featurize(rules, a, train, opt.bits)
	log.Printf("%d training replies, %d held out; features in %s", len(train), len(test), time.Since(t0).Round(time.Millisecond))

	m := fit(xs, train, opt)
	dev, err := replydata.LoadDev(filepath.Join(*data, "twcs-dev", "reply-labels.jsonl"), *tweets)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		log.Fatal(err)
	}
	if len(dev) > 0 {
		devThresholds(m, rules, a, dev, *devMin)
	}
	if *out != "" {
		b, err := m.MarshalBinary()
		if err != nil {
			log.Fatal(err)
		}
		if err := os.WriteFile(*out, b, 0o644); err != nil {
			log.Fatal(err)
		}
		log.Printf("wrote %s (%d bytes)", *out, len(b))
	}

	c := coach.NewWithModel(nil, m)
	report := func(title string, set []replydata.Example) {
		pred := make([]map[string]bool, len(set))
		for i, e := range set {
			rv, err := c.Review(e.Reply, e.Context(a))
			if err != nil {
				pred[i] = map[string]bool{}
				continue
			}
			pred[i] = replydata.Predicted(rv)
		}
		fmt.Println(replydata.Score(pred, set).Table(title))
	}
	report(fmt.Sprintf("team corpus, held-out split (%d replies)", len(test)), test)
	if len(dev) == 0 {
		fmt.Printf("real development set: skipped (%v)\n", err)
	} else {
		report(fmt.Sprintf("real development set (twcs-dev, %d agent replies)", len(dev)), dev)
	}
	log.Printf("done in %s", time.Since(t0).Round(time.Millisecond))
}

// vec is a sparse feature vector: sorted buckets with their values, and
// what the rules assert of each label.
type vec struct {
	idx   []uint32
	val   []float64
	sq    float64 // squared norm, with the bias feature
	rules []bool  // by coach.ModelLabels; nil for a reply the coach does not read
	w     float64 // the row's weight in the loss
}

func featurize(c *coach.Coach, a *analyze.Analyzer, set []replydata.Example, bits uint8) []vec {
	out := make([]vec, len(set))
	for i, e := range set {
		f, err := c.Features(e.Reply, e.Context(a))
		if err != nil {
			log.Fatalf("%s: %v", e.ID, err)
		}
		counts := map[uint32]float64{}
		if len(f.Text) > 0 {
			norm := 1 / math.Sqrt(float64(max(len(f.Text), coach.MinTextNorm)))
			for _, k := range f.Text {
				counts[coach.Bucket(k, bits)] += norm
			}
		}
		for _, k := range f.Whole {
			counts[coach.Bucket(k, bits)] += wholeValue
		}
		v := vec{sq: 1, rules: f.Rules, w: 1}
		switch {
		case strings.HasPrefix(e.ID, "case:"):
			v.w = caseWeight
		case strings.HasPrefix(e.ID, "rt-"), strings.HasPrefix(e.ID, "rc-"), strings.HasPrefix(e.ID, "rd-"):
			v.w = registerWeight
		case strings.HasPrefix(e.ID, "re-"):
			v.w = eWeight
		}
		for b := range counts {
			v.idx = append(v.idx, b)
		}
		slices.Sort(v.idx)
		for _, b := range v.idx {
			x := counts[b]
			v.val = append(v.val, x)
			v.sq += x * x
		}
		out[i] = v
	}
	return out
}

// linear is one label's weights and bias.
type linear struct {
	w []float64
	b float64
}

func (l *linear) dot(x vec) float64 {
	s := l.b
	for k, i := range x.idx {
		s += l.w[i] * x.val[k]
	}
	return s
}

// trainSVM fits an L2-regularised squared-hinge linear SVM by dual
// coordinate descent (LIBLINEAR's solver 1), the bias as a feature of
// value 1, visiting rows in an order fixed by the seed.
func trainSVM(xs []vec, y []bool, rows []int, bits uint8, cost, posExp, posFactor float64, epochs int, seed uint64) *linear {
	pos := 0
	for _, r := range rows {
		if y[r] {
			pos++
		}
	}
	cpos, cneg := cost, cost
	if pos > 0 && pos < len(rows) {
		cpos = cost * math.Pow(float64(len(rows)-pos)/float64(pos), posExp)
	}
	cpos *= posFactor
	l := &linear{w: make([]float64, 1<<bits)}
	alpha := make([]float64, len(rows))
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	for range epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		maxPG, minPG := math.Inf(-1), math.Inf(1)
		for _, k := range order {
			x := xs[rows[k]]
			yi, c := -1.0, cneg
			if y[rows[k]] {
				yi, c = 1, cpos
			}
			c *= x.w
			d := 1 / (2 * c)
			g := yi*l.dot(x) - 1 + d*alpha[k]
			pg := g
			if alpha[k] == 0 {
				pg = min(g, 0)
			}
			maxPG, minPG = max(maxPG, pg), min(minPG, pg)
			if math.Abs(pg) < 1e-12 {
				continue
			}
			old := alpha[k]
			alpha[k] = max(alpha[k]-g/(x.sq+d), 0)
			delta := (alpha[k] - old) * yi
			for j, i := range x.idx {
				l.w[i] += delta * x.val[j]
			}
			l.b += delta
		}
		if maxPG-minPG < 0.01 {
			break
		}
	}
	return l
}

// fold is the cross-validation fold of a training row.
func fold(id string, folds int) int {
	h := uint32(2166136261)
	for i := 0; i < len(id); i++ {
		h ^= uint32(id[i])
		h *= 16777619
	}
	return int(h % uint32(folds))
}

// bestThresholdsBeta chooses the two thresholds of a label that maximise
// F-beta (beta < 1 favours precision): one for the rows the rules assert
// it on (rule), one for the others; f1 is the F1 at the thresholds chosen.
func bestThresholdsBeta(score []float64, rule, y []bool, beta float64) (thr, ruleThr, f1 float64) {
	var ruleRows, other []int
	pos := 0
	for i := range score {
		if y[i] {
			pos++
		}
		if rule[i] {
			ruleRows = append(ruleRows, i)
		} else {
			other = append(other, i)
		}
	}
	desc := func(rows []int) {
		slices.SortFunc(rows, func(a, b int) int {
			switch {
			case score[a] > score[b]:
				return -1
			case score[a] < score[b]:
				return 1
			}
			return a - b
		})
	}
	desc(ruleRows)
	desc(other)
	// cuts lists, for rows sorted by score, each place to cut: the
	// threshold and how many rows and positives lie above it.
	type cut struct {
		thr   float64
		n, tp int
	}
	cuts := func(rows []int) []cut {
		out := []cut{{thr: math.Inf(1)}}
		tp := 0
		for k, i := range rows {
			if y[i] {
				tp++
			}
			if k+1 < len(rows) && score[rows[k+1]] == score[i] {
				continue
			}
			next := score[i] - 1
			if k+1 < len(rows) {
				next = score[rows[k+1]]
			}
			out = append(out, cut{thr: (score[i] + next) / 2, n: k + 1, tp: tp})
		}
		return out
	}
	rc, oc := cuts(ruleRows), cuts(other)
	thr, ruleThr, f1 = math.Inf(1), math.Inf(1), 0
	b2, best := beta*beta, 0.0
	for _, r := range rc {
		for _, o := range oc {
			tp := r.tp + o.tp
			if tp == 0 {
				continue
			}
			n := r.n + o.n
			if f := (1 + b2) * float64(tp) / (float64(n) + b2*float64(pos)); f > best {
				thr, ruleThr, best = o.thr, r.thr, f
				f1 = 2 * float64(tp) / float64(n+pos)
			}
		}
	}
	return thr, ruleThr, f1
}

// fit trains every label: for each cost, the fold models give out-of-fold
// scores; the cost with the best out-of-fold F1 wins, its fold models are
// averaged into the shipped weights and its two thresholds (rules assert
// the label or not) are the out-of-fold best. A label is trained on the
// replies that state it and that the coach reads.
func fit(xs []vec, set []replydata.Example, opt options) *coach.Model {
	labels := coach.ModelLabels
	n := len(labels)
	m := &coach.Model{Bits: opt.bits, Labels: labels,
		Bias: make([]float32, n), Scale: make([]float32, n), Threshold: make([]float32, n), RuleThreshold: make([]float32, n),
		Weights: make([]int8, (1<<opt.bits)*n)}
	foldOf := make([]int, len(set))
	for i, e := range set {
		foldOf[i] = fold(e.ID, opt.folds)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, opt.workers)
	lines := make([]string, n)
	for li, label := range labels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			y := make([]bool, len(set))
			var known []int
			for i, e := range set {
				v, ok := e.Labels[label]
				if ok && xs[i].rules != nil {
					y[i] = v
					known = append(known, i)
				}
			}
			var best *linear
			bestF, bestThr, bestRuleThr, bestC := -1.0, 0.0, 0.0, 0.0
			for _, cost := range opt.cs {
				oof := make([]float64, len(set))
				avg := &linear{w: make([]float64, 1<<opt.bits)}
				for f := range opt.folds {
					var rows []int
					for _, i := range known {
						if foldOf[i] != f {
							rows = append(rows, i)
						}
					}
					pf := 1.0
					if w, ok := posWeight[label]; ok {
						pf = w
					}
					l := trainSVM(xs, y, rows, opt.bits, cost, opt.posExp, pf, opt.epochs, uint64(li*100+f))
					for _, i := range known {
						if foldOf[i] == f {
							oof[i] = l.dot(xs[i])
						}
					}
					for i, w := range l.w {
						avg.w[i] += w / float64(opt.folds)
					}
					avg.b += l.b / float64(opt.folds)
				}
				sc, rule, yy := make([]float64, len(known)), make([]bool, len(known)), make([]bool, len(known))
				for k, i := range known {
					sc[k], rule[k], yy[k] = oof[i], xs[i].rules[li], y[i]
					if ruleSufficient[label] && rule[k] {
						sc[k] = math.Inf(1)
					}
				}
				thr, ruleThr, f1 := bestThresholdsBeta(sc, rule, yy, betaOf(label))
				if ruleSufficient[label] {
					ruleThr = math.Inf(-1)
				}
				if ruleRequired[label] {
					thr = math.Inf(1)
				}
				if f1 > bestF {
					best, bestF, bestThr, bestRuleThr, bestC = avg, f1, thr, ruleThr, cost
				}
			}
			quantize(m, li, best, bestThr, bestRuleThr)
			lines[li] = fmt.Sprintf("%-18s %5d replies  C %-5g out-of-fold F1 %.3f", label, len(known), bestC, bestF)
		}()
	}
	wg.Wait()
	for _, l := range lines {
		log.Print(l)
	}
	return m
}

// quantize stores a label's weights as int8 with one scale.
func quantize(m *coach.Model, li int, l *linear, thr, ruleThr float64) {
	maxW := 0.0
	for _, w := range l.w {
		maxW = max(maxW, math.Abs(w))
	}
	scale := maxW / 127
	if scale == 0 {
		scale = 1
	}
	n := len(m.Labels)
	for i, w := range l.w {
		m.Weights[i*n+li] = int8(math.Round(w / scale))
	}
	m.Bias[li] = float32(l.b)
	m.Scale[li] = float32(scale)
	m.Threshold[li] = clampThreshold(thr)
	m.RuleThreshold[li] = clampThreshold(ruleThr)
}

// clampThreshold keeps "never" and "always" finite in float32.
func clampThreshold(t float64) float32 {
	return float32(max(-1e6, min(1e6, t)))
}

// devThresholds moves the thresholds of a label to the ones that maximise
// its F1 on the real development set (whose replies are never trained on:
// only their scores are read) when the label has at least min positives
// there and the choice carries over: thresholds chosen on one half of the
// set beat the out-of-fold ones by .02 F1 or more on the other half, both
// ways summed.
func devThresholds(m *coach.Model, c *coach.Coach, a *analyze.Analyzer, dev []replydata.Example, minPos int) {
	scores := make([][]float32, len(dev))
	rules := make([][]bool, len(dev))
	for i, e := range dev {
		f, err := c.Features(e.Reply, e.Context(a))
		if err != nil || f.Rules == nil {
			continue // not read: every label off whatever the threshold
		}
		scores[i], rules[i] = m.Score(f), f.Rules
	}
	var cross, oof, keep float64
	var lines []string
	for li, label := range m.Labels {
		pos := 0
		for _, e := range dev {
			if e.Labels[label] {
				pos++
			}
		}
		choose := func(keepHalf int) (thr, ruleThr, f1 float64) {
			var s []float64
			var r, y []bool
			for i, e := range dev {
				if scores[i] != nil && (keepHalf < 0 || replydata.DevHalf(e.ID) == keepHalf) {
					v := float64(scores[i][li])
					if ruleSufficient[label] && rules[i][li] {
						v = math.Inf(1)
					}
					s = append(s, v)
					r = append(r, rules[i][li])
					y = append(y, e.Labels[label])
				}
			}
			thr, ruleThr, f1 = bestThresholdsBeta(s, r, y, betaOf(label))
			if ruleSufficient[label] {
				ruleThr = math.Inf(-1)
			}
			if ruleRequired[label] {
				thr = math.Inf(1)
			}
			return thr, ruleThr, f1
		}
		on := func(i int, thr, ruleThr float64) bool {
			if scores[i] == nil {
				return false
			}
			if rules[i][li] {
				return float64(scores[i][li]) >= ruleThr
			}
			return float64(scores[i][li]) >= thr
		}
		// Thresholds chosen on one half, scored on the other, both ways.
		var cntCross, cntOOF replydata.Count
		for h := range 2 {
			thr, ruleThr, _ := choose(h)
			for i, e := range dev {
				if replydata.DevHalf(e.ID) != h {
					cntCross.Add(on(i, thr, ruleThr), e.Labels[label])
					cntOOF.Add(on(i, float64(m.Threshold[li]), float64(m.RuleThreshold[li])), e.Labels[label])
				}
			}
		}
		thr, ruleThr, f1 := choose(-1)
		line := fmt.Sprintf("%-18s thresholds %6.2f/%6.2f (rule)  dev positives %3d  out-of-fold thresholds: F1 %.3f  half-to-half dev thresholds: F1 %.3f  (all dev: %.3f)", label, m.Threshold[li], m.RuleThreshold[li], pos, cntOOF.F1(), cntCross.F1(), f1)
		if minPos > 0 && pos >= minPos && cntCross.F1() >= cntOOF.F1()+0.02 && devLabels[label] {
			m.Threshold[li], m.RuleThreshold[li] = clampThreshold(thr), clampThreshold(ruleThr)
			line += "  <- dev thresholds"
			keep += cntCross.F1()
		} else {
			keep += cntOOF.F1()
		}
		cross += cntCross.F1()
		oof += cntOOF.F1()
		lines = append(lines, line)
	}
	for _, l := range lines {
		log.Print(l)
	}
	n := float64(len(m.Labels))
	log.Printf("macro over %d labels, half to half: out-of-fold thresholds %.3f, dev thresholds %.3f, as chosen %.3f", len(m.Labels), oof/n, cross/n, keep/n)
}
