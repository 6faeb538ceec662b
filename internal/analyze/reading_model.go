package analyze

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

// Labels of the reading model, in row order: the anger ladder (annoyed or
// worse, angry or worse, furious), complaint, the two ends of sentiment and
// the ten signals.
// numReadingLabels is the number of labels of the reading model.
const numReadingLabels = labelSignals + len(signalKinds)

const (
	labelAngry = iota
	labelAnger2
	labelAnger3
	labelComplaint
	labelNegative
	labelPositive
	labelSignals // first of the signals, in signalKinds order
)

// readingLabels names the reading model's labels, in row order.
var readingLabels = func() []string {
	out := []string{"angry", "anger_2", "anger_3", "complaint", "negative", "positive"}
	for _, k := range signalKinds {
		out = append(out, k.kind)
	}
	return out
}()

// ReadingModel is the learned stage of a Reading: for each of its labels a
// linear score over the message's words and word pairs and over dense
// features that summarise what the rules and the emotion model found
// (denseNames). It is trained by TrainReading on labelled customer
// messages; the rules stay the span finders that say which words caused a
// finding.
type ReadingModel struct {
	labels []string
	dense  []string  // names of the dense inputs, emotion labels first
	grams  []string  // the words it weighs
	table  wordTable // n-gram key -> index into grams
	rows   []int8    // len(labels) weights per n-gram
	packed []uint64  // the same, +128, four labels per uint64 (see decisions)
	scale  []float32 // per label: weight = int8 * scale
	bias   []float32
	denseW [][]float32 // per label, one weight per dense input
	denseT []float32   // the same, by dense input: len(labels) weights each
	plattA []float32   // per label: p = 1/(1+exp(A*d+B))
	plattB []float32
	// Per label: the probability from which it is asserted when the rules
	// say the same (thresh) and on the model's word alone (alone); for
	// angry, the rules say the same from ruleFloor (their anger, 0-100).
	// See reading_thresholds.go.
	thresh, alone []float32
	ruleFloor     float32
	at            denseAt
}

// Labels returns the model's label names in score order.
func (m *ReadingModel) Labels() []string { return m.labels }

// Thresholds returns, per label, the probability from which it is
// asserted when the rules say the same, and the one from which it is
// asserted on the model's word alone.
func (m *ReadingModel) Thresholds() (with, alone []float32) { return m.thresh, m.alone }

// Size returns the number of n-grams the model weighs.
func (m *ReadingModel) Size() int { return len(m.grams) }

// ngram is one word of a message the reading model weighs: its key and
// the tokens [from, to) it covers. (Pairs of words were measured and left
// out: they tripled the model and doubled the look-ups for no gain on the
// dev set or the held-out split.)
type ngram struct {
	key      uint64
	from, to int32
}

// ngramsOf appends the words of toks the reading model weighs to out: all
// but an @name (the company a tweet is addressed to) and a number (an
// order, a version, a price: the rules read those). Up to three words
// after a negation, within punctuation, are marked as negated ("no
// complaints" weighs "not_complaints"): a word's weight is not read where
// the text denies it.
func ngramsOf(work string, toks []token, infos []*wordInfo, out []ngram) []ngram {
	negated := 0
	for i, t := range toks {
		if negated > 0 && i > 0 && (toks[i-1].flags&tokSentEnd != 0 || punctuated(work[toks[i-1].end:t.start])) {
			negated = 0
		}
		if mention(work, t) || t.flags&tokNumber != 0 {
			continue
		}
		key := t.hash
		if negated > 0 {
			key ^= saltNegated
			negated--
		}
		out = append(out, ngram{key: key, from: int32(i), to: int32(i + 1)})
		if wi := infos[i]; wi != nil && wi.kind&lexNegation != 0 {
			negated = 3
		}
	}
	return out
}

// punctuated reports a gap between words with punctuation that ends a
// negation's reach.
func punctuated(gap string) bool {
	for i := 0; i < len(gap); i++ {
		switch gap[i] {
		case ',', ';', ':', '!', '?', '(', ')':
			return true
		}
	}
	return false
}

// saltNegated marks the key of a negated word; the model file spells it
// with negatedPrefix.
const (
	saltNegated   uint64 = 0x6a09e667f3bcc909
	negatedPrefix        = "not_"
)

// gramKey returns the key of a word as the model file spells it.
func gramKey(g string) uint64 {
	if w, ok := strings.CutPrefix(g, negatedPrefix); ok {
		return wordHash(w) ^ saltNegated
	}
	return wordHash(g)
}

// decisions returns the decision value of every label for the n-grams
// whose rows are idx (-1: not in the model), n n-grams in all, and the
// dense inputs.
func (m *ReadingModel) decisions(idx []int32, n int, dense []float32, out []float32) {
	nl := len(m.labels)
	// The rows are added four labels at a time in 16-bit lanes of a
	// uint64, each weight stored with 128 added so that no lane goes
	// negative and carries into the next; the lanes are emptied before 256
	// rows could overflow them.
	var sum [numReadingLabels]int32
	var lanes [numReadingLabels / 4]uint64
	count := 0
	flush := func() {
		for q, v := range lanes {
			for k := range 4 {
				sum[4*q+k] += int32(v>>(16*k)&0xffff) - 128*int32(count)
			}
			lanes[q] = 0
		}
		count = 0
	}
	for _, r := range idx {
		if r < 0 {
			continue
		}
		row := (*[numReadingLabels / 4]uint64)(m.packed[int(r)*numReadingLabels/4:])
		for q := range lanes {
			lanes[q] += row[q]
		}
		if count++; count == 255 {
			flush()
		}
	}
	flush()
	inv := float32(0)
	if n > 0 {
		inv = float32(1 / math.Sqrt(float64(n)))
	}
	var d [numReadingLabels]float32
	for l := range d {
		d[l] = m.bias[l] + m.scale[l]*float32(sum[l])*inv
	}
	// Most dense inputs are zero (signals, hints, reasons not found).
	for k, v := range dense {
		if v == 0 {
			continue
		}
		w := (*[numReadingLabels]float32)(m.denseT[k*numReadingLabels:])
		for l := range d {
			d[l] += w[l] * v
		}
	}
	copy(out[:nl], d[:])
}

func (m *ReadingModel) prob(l int, d float32) float32 {
	return sigmoid(-(m.plattA[l]*d + m.plattB[l]))
}

// probs maps decision values to probabilities, in place allowed. The
// anger ladder is kept in order: a message is at least as likely to be
// annoyed-or-worse as angry-or-worse, and that at least as likely as
// furious (each label is trained on its own and may disagree).
func (m *ReadingModel) probs(dec, out []float32) {
	for l, d := range dec {
		out[l] = m.prob(l, d)
	}
	out[labelAnger2] = max(out[labelAnger2], out[labelAnger3])
	out[labelAngry] = max(out[labelAngry], out[labelAnger2])
}

const readingMagic = "calmdesk-reading-1"

// Save writes the model in calmdesk's binary format, uncompressed (it is
// embedded; git and the linker store it as they like).
func (m *ReadingModel) Save(w io.Writer) error {
	bw := bufio.NewWriter(w)
	putU := func(v uint64) {
		var b [binary.MaxVarintLen64]byte
		bw.Write(b[:binary.PutUvarint(b[:], v)])
	}
	putS := func(s string) { putU(uint64(len(s))); bw.WriteString(s) }
	putF := func(f float32) { binary.Write(bw, binary.LittleEndian, f) }
	putS(readingMagic)
	putU(uint64(len(m.dense)))
	for _, d := range m.dense {
		putS(d)
	}
	putU(uint64(len(m.labels)))
	for l, name := range m.labels {
		putS(name)
		for _, f := range []float32{m.scale[l], m.bias[l], m.plattA[l], m.plattB[l], m.thresh[l], m.alone[l]} {
			putF(f)
		}
		for _, f := range m.denseW[l] {
			putF(f)
		}
	}
	putF(m.ruleFloor)
	putU(uint64(len(m.grams)))
	for _, g := range m.grams {
		putS(g)
	}
	nl := len(m.labels)
	for l := range nl {
		for g := range m.grams {
			bw.WriteByte(byte(m.rows[g*nl+l]))
		}
	}
	return bw.Flush()
}

// LoadReadingModel reads a model written by Save.
func LoadReadingModel(r io.Reader) (*ReadingModel, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var rerr error
	getU := func() uint64 {
		v, e := binary.ReadUvarint(br)
		if e != nil && rerr == nil {
			rerr = e
		}
		return v
	}
	getS := func() string {
		n := getU()
		if rerr != nil || n > 1<<16 {
			if rerr == nil {
				rerr = errors.New("string too long")
			}
			return ""
		}
		b := make([]byte, n)
		if _, e := io.ReadFull(br, b); e != nil && rerr == nil {
			rerr = e
		}
		return string(b)
	}
	getF := func() float32 {
		var f float32
		if e := binary.Read(br, binary.LittleEndian, &f); e != nil && rerr == nil {
			rerr = e
		}
		return f
	}
	if getS() != readingMagic {
		return nil, errors.New("analyze: read reading model: not a calmdesk reading model")
	}
	m := &ReadingModel{}
	nd := int(getU())
	if rerr != nil || nd > 4096 {
		return nil, errors.New("analyze: read reading model: bad header")
	}
	for range nd {
		m.dense = append(m.dense, getS())
	}
	nl := int(getU())
	if rerr != nil || nl != numReadingLabels {
		return nil, errors.New("analyze: read reading model: bad labels")
	}
	for range nl {
		m.labels = append(m.labels, getS())
		m.scale = append(m.scale, getF())
		m.bias = append(m.bias, getF())
		m.plattA = append(m.plattA, getF())
		m.plattB = append(m.plattB, getF())
		m.thresh = append(m.thresh, getF())
		m.alone = append(m.alone, getF())
		w := make([]float32, nd)
		for k := range w {
			w[k] = getF()
		}
		m.denseW = append(m.denseW, w)
	}
	m.ruleFloor = getF()
	ng := int(getU())
	if rerr != nil || ng > 1<<22 {
		return nil, fmt.Errorf("analyze: read reading model: bad n-grams (%v)", rerr)
	}
	m.grams = make([]string, ng)
	for i := range m.grams {
		m.grams[i] = getS()
	}
	m.rows = make([]int8, ng*nl)
	col := make([]byte, ng)
	for l := range nl {
		if _, e := io.ReadFull(br, col); e != nil {
			return nil, fmt.Errorf("analyze: read reading model: %w", e)
		}
		for g, v := range col {
			m.rows[g*nl+l] = int8(v)
		}
	}
	if rerr != nil {
		return nil, fmt.Errorf("analyze: read reading model: %w", rerr)
	}
	m.index()
	if err := m.locate(); err != nil {
		return nil, err
	}
	return m, nil
}

// index builds the run-time tables: the n-gram table and the dense
// weights by input.
func (m *ReadingModel) index() {
	m.table = newWordTable(len(m.grams))
	for i, g := range m.grams {
		m.table.put(gramKey(g), int32(i))
	}
	nl := len(m.labels)
	m.packed = make([]uint64, len(m.grams)*nl/4)
	for i, v := range m.rows {
		m.packed[i/4] |= uint64(int(v)+128) << (16 * (i % 4))
	}
	m.denseT = make([]float32, len(m.dense)*nl)
	for l, w := range m.denseW {
		for k, v := range w {
			m.denseT[k*nl+l] = v
		}
	}
}
