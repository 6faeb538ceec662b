package analyze

import (
	"cmp"
	"fmt"
	"slices"
)

// A label of the reading model is asserted when the model is sure enough
// on its own (probability at least alone), or when it is fairly sure
// (at least thresh) and the rules say the same: the rules' complaint, their
// sentiment, a signal pattern of the kind, or for angry the rules' anger at
// least ruleFloor. The rules are a second opinion that lowers the bar, and
// for angry a bar of their own when alone is out of reach (above 1).

// ruleSays returns how far the rules go towards label l for a message
// with dense inputs dense: 1 or more where they say it, 0 where they do
// not (angry: the rules' anger over the floor).
func (m *ReadingModel) ruleSays(l int, dense []float32) float64 {
	at := m.at
	switch {
	case l == labelAngry:
		if m.ruleFloor <= 0 {
			return 1e9
		}
		return float64(dense[at.anger]) * 100 / float64(m.ruleFloor)
	case l == labelComplaint:
		return float64(dense[at.complaint])
	case l == labelNegative:
		if dense[at.sentiment] <= -0.2 {
			return 1
		}
	case l == labelPositive:
		if dense[at.sentiment] >= 0.2 {
			return 1
		}
	case l == labelChurn:
		// "I'd like to close my account" is a request; leaving is a
		// threat when something is wrong or said with heat.
		if dense[at.signal+l-labelSignals] > 0 && (dense[at.problems] > 0 || dense[at.heated] > 0) {
			return 1
		}
	case l >= labelSignals:
		if dense[at.signal+l-labelSignals] > 0 {
			return 1
		}
	}
	return 0
}

// labelChurn is the churn threat's label.
var labelChurn = labelSignals + signalIndex(SignalChurnThreat)

// reach returns how far label l is towards being asserted: 1 or more
// when it is.
func (m *ReadingModel) reach(l int, p float32, dense []float32) float64 {
	alone := float64(p / max(m.alone[l], 1e-6))
	with := min(float64(p/max(m.thresh[l], 1e-6)), m.ruleSays(l, dense))
	return max(alone, with)
}

// denseAt holds the positions of the dense inputs the thresholds read.
type denseAt struct {
	anger, complaint, sentiment, signal, problems, heated int
}

// locate finds the dense inputs the thresholds read by name.
func (m *ReadingModel) locate() error {
	find := func(name string) (int, error) {
		i := slices.Index(m.dense, name)
		if i < 0 {
			return 0, fmt.Errorf("analyze: reading model has no dense input %q", name)
		}
		return i, nil
	}
	var err error
	var errs [6]error
	m.at.anger, errs[0] = find("rules.anger")
	m.at.complaint, errs[1] = find("rules.complaint")
	m.at.sentiment, errs[2] = find("rules.sentiment")
	m.at.signal, errs[3] = find("signal." + signalKinds[0].kind)
	m.at.problems, errs[4] = find("ev.problems")
	m.at.heated, errs[5] = find("rules.heated")
	for _, e := range errs {
		if e != nil && err == nil {
			err = e
		}
	}
	return err
}

// thresholdChoice is what tuneLabel found for a label.
type thresholdChoice struct {
	with, alone, floor float32
	f1                 float64
}

// tuneLabel returns, for probabilities p and truths y, the pair of
// thresholds (with the rules, alone) that maximises F1, where agree(i)
// says whether the rules say the label for example i. Candidates are up to
// 64 quantiles of p, and "never alone". With rulesStand, the rules' word
// is enough (with is 0) and only alone is chosen.
func tuneLabel(p []float32, agree []bool, y []bool, rulesStand bool) thresholdChoice {
	sorted := slices.Clone(p)
	slices.Sort(sorted)
	var cands []float32
	for k := 0; k < 64; k++ {
		i := k * (len(sorted) - 1) / 63
		c := sorted[i]
		if i+1 < len(sorted) {
			c = (sorted[i] + sorted[i+1]) / 2
		}
		if len(cands) == 0 || c != cands[len(cands)-1] {
			cands = append(cands, c)
		}
	}
	cands = append(cands, 1.01)
	slices.SortFunc(cands, cmp.Compare[float32])
	best := thresholdChoice{f1: -1}
	for _, alone := range cands {
		for _, with := range cands {
			if with > alone {
				break
			}
			if rulesStand {
				with = 0
			}
			tp, fp, fn := 0, 0, 0
			for i, v := range p {
				pred := v >= alone || v >= with && agree[i]
				switch {
				case pred && y[i]:
					tp++
				case pred:
					fp++
				case y[i]:
					fn++
				}
			}
			f := 0.0
			if tp > 0 {
				f = 2 * float64(tp) / float64(2*tp+fp+fn)
			}
			if f > best.f1 {
				best = thresholdChoice{with: with, alone: alone, f1: f}
			}
		}
	}
	return best
}

// agreeing returns, per message with dense inputs dense, whether the
// rules say label l (for angry: their anger reaches floor).
func (m *ReadingModel) agreeing(l int, dense [][]float32, floor float32) []bool {
	out := make([]bool, len(dense))
	for i, d := range dense {
		if l == labelAngry {
			out[i] = d[m.at.anger]*100 >= floor
		} else {
			out[i] = m.ruleSays(l, d) >= 1
		}
	}
	return out
}

// ruleFloors are the rules' anger floors tried for the angry label.
var ruleFloors = []float32{0, 5, 10, 15, 20, 25, 30}

// tune sets the thresholds of label l (and for angry the rules' floor)
// to those that maximise F1 on probabilities p of messages with dense
// inputs dense and truths y.
func (m *ReadingModel) tune(l int, p []float32, dense [][]float32, y []bool) thresholdChoice {
	if l >= labelSignals || l == labelNegative || l == labelPositive {
		// A signal the rules find stands (their patterns are written for
		// precision, and its words are there to see), and so does the
		// rules' sentiment (measured on the dev set: .02 less accuracy than
		// the model alone, and no thank-you request read as praise); the
		// model adds what they miss.
		c := tuneLabel(p, m.agreeing(l, dense, 0), y, true)
		m.thresh[l], m.alone[l] = 0, c.alone
		return c
	}
	if l != labelAngry {
		c := tuneLabel(p, m.agreeing(l, dense, 0), y, false)
		m.thresh[l], m.alone[l] = c.with, c.alone
		return c
	}
	best := thresholdChoice{f1: -1}
	for _, floor := range ruleFloors {
		if c := tuneLabel(p, m.agreeing(l, dense, floor), y, false); c.f1 > best.f1+1e-9 {
			best = c
			best.floor = floor
		}
	}
	m.thresh[l], m.alone[l], m.ruleFloor = best.with, best.alone, best.floor
	return best
}

// TuneReading sets the thresholds of the analyzer's reading model, for
// every label with at least min positives among the labelled texts
// (truth: label name -> one truth per text), to those that maximise the
// label's F1 on them. It returns one line per label it set. It is for
// calibrating on real messages that no weight was trained on.
func (a *Analyzer) TuneReading(texts []string, truth map[string][]bool, min int) ([]string, error) {
	m := a.reading
	if m == nil {
		return nil, fmt.Errorf("analyze: tune reading: no reading model")
	}
	probs := make([][]float32, len(m.labels))
	var dense [][]float32
	var s scratch
	for _, text := range texts {
		r, err := a.readWith(text, &s)
		var p []float32
		d := make([]float32, len(m.dense))
		if err == nil && r.Supported {
			p = make([]float32, len(m.labels))
			m.decisions(s.gramRows, len(s.ngrams), s.dense, p)
			m.probs(p, p)
			copy(d, s.dense)
		}
		for l := range probs {
			v := float32(0)
			if p != nil {
				v = p[l]
			}
			probs[l] = append(probs[l], v)
		}
		dense = append(dense, d)
	}
	var out []string
	for l, name := range m.labels {
		y := truth[name]
		if len(y) != len(texts) {
			continue
		}
		pos := 0
		for _, v := range y {
			if v {
				pos++
			}
		}
		if pos < min {
			continue
		}
		with, alone, floor := m.thresh[l], m.alone[l], m.ruleFloor
		c := m.tune(l, probs[l], dense, y)
		line := fmt.Sprintf("%-20s with the rules %.3f -> %.3f, alone %.3f -> %.3f", name, with, c.with, alone, c.alone)
		if l == labelAngry {
			line += fmt.Sprintf(", rules' floor %.0f -> %.0f", floor, c.floor)
		}
		out = append(out, fmt.Sprintf("%s (F1 %.3f on %d positives)", line, c.f1, pos))
	}
	return out, nil
}
