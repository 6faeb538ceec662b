package coach

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// ModelLabels are the labels the reply model decides, named as in
// data/cs/GUIDELINE-reply.md: eight steps, concern_addressed (the
// "concerns" step) and seven pitfalls (rule ids).
var ModelLabels = []string{"greeting", "empathy", "apology", "ownership", "action", "expectation", "follow_up", "thanks", "concern_addressed",
	"deflection", "blame", "non_apology", "vague_timing", "minimizing", "arguing", "robotic"}

// Model is the reply model: one linear scorer per label over hashed
// features of the reply, of the rules' verdicts and of the customer's
// reading (see Features). A label is asserted when its score reaches its
// threshold: RuleThreshold when the playbook's rules assert it too,
// Threshold when they do not. Weights are int8 with one scale per label,
// bucket-major, so one feature touches one row.
type Model struct {
	Bits          uint8
	Labels        []string
	Bias          []float32
	Scale         []float32
	Threshold     []float32
	RuleThreshold []float32
	Weights       []int8 // (1 << Bits) rows of len(Labels)
}

// modelMagic starts a model file; the digit is the format version.
const modelMagic = "calmdesk-coach-model 2\n"

// MarshalBinary writes the model: header, per-label bias, scale and
// thresholds, then the rows that are not all zero as (bucket, weights).
func (m *Model) MarshalBinary() ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString(modelMagic)
	b.WriteByte(m.Bits)
	b.WriteByte(byte(len(m.Labels)))
	for _, l := range m.Labels {
		b.WriteByte(byte(len(l)))
		b.WriteString(l)
	}
	for i := range m.Labels {
		for _, v := range []float32{m.Bias[i], m.Scale[i], m.Threshold[i], m.RuleThreshold[i]} {
			_ = binary.Write(&b, binary.LittleEndian, math.Float32bits(v))
		}
	}
	n := len(m.Labels)
	var rows uint32
	for r := 0; r < len(m.Weights)/n; r++ {
		if !allZero(m.Weights[r*n : (r+1)*n]) {
			rows++
		}
	}
	_ = binary.Write(&b, binary.LittleEndian, rows)
	for r := 0; r < len(m.Weights)/n; r++ {
		row := m.Weights[r*n : (r+1)*n]
		if allZero(row) {
			continue
		}
		_ = binary.Write(&b, binary.LittleEndian, uint32(r))
		for _, w := range row {
			b.WriteByte(byte(w))
		}
	}
	return b.Bytes(), nil
}

func allZero(row []int8) bool {
	for _, w := range row {
		if w != 0 {
			return false
		}
	}
	return true
}

// ErrBadModel is wrapped by the errors of ParseModel.
var ErrBadModel = errors.New("coach: bad reply model")

// ParseModel reads a model written by MarshalBinary.
func ParseModel(data []byte) (*Model, error) {
	rest, ok := bytes.CutPrefix(data, []byte(modelMagic))
	if !ok || len(rest) < 2 {
		return nil, fmt.Errorf("%w: no header", ErrBadModel)
	}
	m := &Model{Bits: rest[0]}
	n := int(rest[1])
	rest = rest[2:]
	if m.Bits < 8 || m.Bits > 24 || n == 0 {
		return nil, fmt.Errorf("%w: %d bits, %d labels", ErrBadModel, m.Bits, n)
	}
	for range n {
		if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
			return nil, fmt.Errorf("%w: truncated labels", ErrBadModel)
		}
		m.Labels = append(m.Labels, string(rest[1:1+int(rest[0])]))
		rest = rest[1+int(rest[0]):]
	}
	if len(rest) < 16*n+4 {
		return nil, fmt.Errorf("%w: truncated", ErrBadModel)
	}
	f := func() float32 {
		v := math.Float32frombits(binary.LittleEndian.Uint32(rest))
		rest = rest[4:]
		return v
	}
	for range n {
		m.Bias = append(m.Bias, f())
		m.Scale = append(m.Scale, f())
		m.Threshold = append(m.Threshold, f())
		m.RuleThreshold = append(m.RuleThreshold, f())
	}
	rows := int(binary.LittleEndian.Uint32(rest))
	rest = rest[4:]
	if len(rest) != rows*(4+n) {
		return nil, fmt.Errorf("%w: %d bytes of rows, want %d", ErrBadModel, len(rest), rows*(4+n))
	}
	m.Weights = make([]int8, (1<<m.Bits)*n)
	for range rows {
		r := int(binary.LittleEndian.Uint32(rest))
		if r >= 1<<m.Bits {
			return nil, fmt.Errorf("%w: row %d", ErrBadModel, r)
		}
		for j := range n {
			m.Weights[r*n+j] = int8(rest[4+j])
		}
		rest = rest[4+n:]
	}
	return m, m.check()
}

func (m *Model) check() error {
	n := len(m.Labels)
	if len(m.Bias) != n || len(m.Scale) != n || len(m.Threshold) != n || len(m.RuleThreshold) != n || len(m.Weights) != (1<<m.Bits)*n {
		return fmt.Errorf("%w: sizes do not match %d labels of %d bits", ErrBadModel, n, m.Bits)
	}
	return nil
}

//go:embed data/reply-model.bin
var defaultModelBin []byte

var (
	defaultModelOnce sync.Once
	defaultModel     *Model
)

// DefaultModel is the reply model calmdesk ships with (trained by
// tools/train-coach), loaded once. It panics if the embedded model is
// broken, which its tests rule out.
func DefaultModel() *Model {
	defaultModelOnce.Do(func() {
		m, err := ParseModel(defaultModelBin)
		if err != nil {
			panic(err)
		}
		defaultModel = m
	})
	return defaultModel
}

// Bucket maps a feature key to a row of a model of the given bits.
func Bucket(key uint64, bits uint8) uint32 {
	return uint32((key * 0x9E3779B97F4A7C15) >> (64 - bits))
}

// scorer is a Model bound to a coach: which label index decides which step
// or rule.
type scorer struct {
	m     *Model
	label map[string]int // label -> index in m.Labels
}

func newScorer(m *Model) *scorer {
	if m == nil {
		return nil
	}
	s := &scorer{m: m, label: map[string]int{}}
	for i, l := range m.Labels {
		s.label[l] = i
	}
	return s
}

// maxModelLabels bounds the labels a model may have, so that scores fit in
// fixed arrays.
const maxModelLabels = 32

// scores are the decision values of every label, and the features they
// came from, to find the sentence that weighs most for a label.
type scores struct {
	total [maxModelLabels]float32
	fs    []feature
}

// MinTextNorm is the fewest words' features a score is normalised for: the
// words of a reply of a few words weigh as if it had this many, so that a
// one-line reply is judged on less evidence, not on louder evidence.
const MinTextNorm = 24

// score sums the rows of the features: the words' rows divided by the
// square root of their number (at least MinTextNorm), so that a tweet and
// a long email weigh alike, and the rows of the whole reply's features as
// they are.
func (s *scorer) score(fs []feature) *scores {
	m := s.m
	n := len(m.Labels)
	out := &scores{fs: fs}
	var text, whole [maxModelLabels]int32
	ntext := 0
	if n == 16 {
		// The shipped model's shape: fixed-size rows the compiler checks once.
		t, w := (*[16]int32)(text[:16]), (*[16]int32)(whole[:16])
		for _, f := range fs {
			row := (*[16]int8)(m.Weights[int(Bucket(f.key, m.Bits))*16:])
			acc := w
			if f.sent >= 0 {
				ntext++
				acc = t
			}
			for j := range 16 {
				acc[j] += int32(row[j])
			}
		}
	} else {
		for _, f := range fs {
			row := m.Weights[int(Bucket(f.key, m.Bits))*n:][:n]
			acc := whole[:n]
			if f.sent >= 0 {
				ntext++
				acc = text[:n]
			}
			for j, v := range row {
				acc[j] += int32(v)
			}
		}
	}
	norm := float32(0)
	if ntext > 0 {
		norm = 1 / float32(math.Sqrt(float64(max(ntext, MinTextNorm))))
	}
	for j := range n {
		out.total[j] = m.Bias[j] + m.Scale[j]*(float32(text[j])*norm+float32(whole[j]))
	}
	return out
}

// on reports whether the label is asserted, given whether the rules assert
// it; ok is false when the model has no such label.
func (s *scorer) on(sc *scores, label string, rule bool) (on, ok bool) {
	j, ok := s.label[label]
	if !ok {
		return false, false
	}
	if rule {
		return sc.total[j] >= s.m.RuleThreshold[j], true
	}
	return sc.total[j] >= s.m.Threshold[j], true
}

// bestSentence is the sentence whose words add most to the label's score.
func (s *scorer) bestSentence(sc *scores, label string, nsent int) int {
	j := s.label[label]
	n := len(s.m.Labels)
	sum := make([]int32, nsent)
	for _, f := range sc.fs {
		if f.sent >= 0 && int(f.sent) < nsent {
			sum[f.sent] += int32(s.m.Weights[int(Bucket(f.key, s.m.Bits))*n+j])
		}
	}
	best := 0
	for i, v := range sum {
		if v > sum[best] {
			best = i
		}
	}
	return best
}

// Score returns every label's decision value for a reply's features,
// computed as Review computes it. Trainers use it to choose thresholds.
func (m *Model) Score(f Features) []float32 {
	fs := make([]feature, 0, len(f.Text)+len(f.Whole))
	for _, k := range f.Text {
		fs = append(fs, feature{key: k})
	}
	for _, k := range f.Whole {
		fs = append(fs, feature{key: k, sent: -1})
	}
	sc := (&scorer{m: m}).score(fs)
	return append([]float32(nil), sc.total[:len(m.Labels)]...)
}
