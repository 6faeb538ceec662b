package analyze

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"slices"
	"sync"
	"sync/atomic"
	"unsafe"
)

// linearModel is a set of one-vs-rest linear scorers over the features of
// features.go, with int8 weights laid out per feature (one row of len(labels)
// bytes per hashed bucket), so scoring a word touches one row.
type linearModel struct {
	bits   uint
	labels []string
	scale  []float32          // per label: weight = int8 * scale
	bias   []float32          // per label
	cueW   [][numCues]float32 // per label
	plattA []float32          // per label: p = 1/(1+exp(A*f+B))
	plattB []float32          // per label
	thresh []float32          // per label: probability from which the label is asserted
	stack  [][]float32        // optional second stage: per label, weights over stackInputs, then a bias
	// Per label: whether the second stage is used, and the thresholds of
	// both ways (thresh holds the one in use).
	stackOn                  []bool
	threshPlatt, threshStack []float32
	vocab                    []string        // words whose sums are precomputed
	words                    wordTable       // hash -> precomputed sums
	wsum                     []int16         // per vocab word: 2*len(labels) sums (word part, char part); at most 93 grams x 127 fit
	wgrams                   []uint16        // per vocab word: number of char n-grams
	wready                   []atomic.Uint32 // per vocab word: sumsAbsent, sumsFilling or sumsReady
	weights
}

// weights are a linearModel's int8 weights: len(labels) per bucket that
// has any (a row), the rows in bucket order. Training writes index and
// rows; precompute turns them into the run-time form below. A loaded
// model reads its weights where they lie, column by column as stored,
// until enough rows have been read to repay laying them out row by row
// (rowsNow): a process that reads one message reads a few hundred rows,
// and transposing 7.8 MB cost more than the rest of its start-up.
type weights struct {
	index    []int32                // training form: bucket -> row offset into rows, -1 when absent
	rows     []int8                 // training form
	buckets  []bucketWord           // per 64 buckets: which have a row, and the number of rows before them
	nl       int                    // weights a row
	nrows    int                    // rows in all
	cols     []byte                 // the rows column by column, read in place (nil when trained)
	byRow    atomic.Pointer[[]byte] // the rows row by row, once laid out
	gathered atomic.Int64           // rows read from cols so far
	layout   sync.Once              // lays out byRow
}

// bucketWord says which of 64 buckets have a row. A bucket's row is the
// number of rows before its word plus the set bits below it: 256 KB for
// 2^20 buckets instead of a 4 MB table, and one cache line a lookup.
type bucketWord struct {
	has    uint64
	before uint32
}

// row returns the row of bucket b, or -1 when it has none.
func (w *weights) row(b uint32) int32 {
	bw := &w.buckets[b>>6]
	bit := uint64(1) << (b & 63)
	if bw.has&bit == 0 {
		return -1
	}
	return int32(bw.before) + int32(bits.OnesCount64(bw.has&(bit-1)))
}

// layoutAfter is how many rows are read from the columns before the rows
// are laid out: laying out costs about what gathering ten thousand rows
// column by column does, and a long run reads millions.
const layoutAfter = 1 << 15

// gather adds row r, read from the columns, to acc.
func (w *weights) gather(acc []int32, r int32) {
	n := w.nrows
	for l := range acc {
		acc[l] += int32(int8(w.cols[l*n+int(r)]))
	}
}

// noteGathered counts rows read from the columns and lays the rows out
// once there have been enough.
func (w *weights) noteGathered(n int) {
	if w.gathered.Add(int64(n)) >= layoutAfter {
		w.rowsNow()
	}
}

// rowsNow returns the rows row by row, laying them out from the columns
// on the first call.
func (w *weights) rowsNow() []byte {
	w.layout.Do(func() {
		if w.byRow.Load() != nil {
			return
		}
		n, nl := w.nrows, w.nl
		rows := make([]byte, n*nl)
		// In blocks of 64 rows, so the block being written stays in
		// the L1 cache while the columns are read in order.
		const block = 64
		for i0 := 0; i0 < n; i0 += block {
			i1 := min(i0+block, n)
			for l := range nl {
				for k, v := range w.cols[l*n+i0 : l*n+i1] {
					rows[(i0+k)*nl+l] = v
				}
			}
		}
		w.byRow.Store(&rows)
	})
	return *w.byRow.Load()
}

// setTrained turns the training form (index, rows) into the run-time
// form, for nl labels and 2^nbits buckets.
func (w *weights) setTrained(nl int, nbits uint) {
	w.buckets = make([]bucketWord, (1<<nbits+63)/64)
	w.nl, w.nrows = nl, 0
	for b, off := range w.index {
		if off >= 0 {
			w.buckets[b>>6].has |= 1 << (b & 63)
			w.nrows++
		}
	}
	w.countBefore()
	var rows []byte
	if len(w.rows) > 0 {
		rows = unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(w.rows))), len(w.rows))
	}
	w.byRow.Store(&rows)
	w.cols = nil
	w.index, w.rows = nil, nil
}

// countBefore fills each bucket word's count of the rows before it.
func (w *weights) countBefore() {
	n := uint32(0)
	for i := range w.buckets {
		w.buckets[i].before = n
		n += uint32(bits.OnesCount64(w.buckets[i].has))
	}
}

// wordTable is an open-addressing map from word hash to vocab index.
type wordTable struct {
	keys  []uint64
	vals  []int32
	shift uint
}

func newWordTable(n int) wordTable {
	bits := uint(4)
	for 1<<bits < 2*n {
		bits++
	}
	t := wordTable{keys: make([]uint64, 1<<bits), vals: make([]int32, 1<<bits), shift: 64 - bits}
	for i := range t.vals {
		t.vals[i] = -1
	}
	return t
}

func (t *wordTable) slot(h uint64) uint64 { return (h * 0x9e3779b97f4a7c15) >> t.shift }

func (t *wordTable) put(h uint64, v int32) {
	mask := uint64(len(t.keys) - 1)
	for i := t.slot(h); ; i = (i + 1) & mask {
		if t.vals[i] < 0 || t.keys[i] == h {
			t.keys[i], t.vals[i] = h, v
			return
		}
	}
}

func (t *wordTable) get(h uint64) int32 {
	if len(t.keys) == 0 {
		return -1
	}
	mask := uint64(len(t.keys) - 1)
	for i := t.slot(h); ; i = (i + 1) & mask {
		v := t.vals[i]
		if v < 0 || t.keys[i] == h {
			if t.keys[i] != h {
				return -1
			}
			return v
		}
	}
}

// addRow adds the weights of bucket b to acc.
func (m *linearModel) addRow(acc []int32, b uint32) {
	r := m.row(b)
	if r < 0 {
		return
	}
	p := m.byRow.Load()
	if p == nil {
		m.gather(acc, r)
		m.noteGathered(1)
		return
	}
	row := (*p)[int(r)*len(acc):][:len(acc)]
	for l := range acc {
		acc[l] += int32(int8(row[l]))
	}
}

// addRows adds the weights of the buckets bs to acc: addRow for each, in
// fewer instructions. Eight int8 weights are read as one word, offset by
// 128 to unsigned bytes and spread into two words of four 16-bit lanes
// (even and odd labels), so one addition adds four weights; the lanes
// (at most 255 a row) are emptied into acc every 256 rows, before they
// could overflow, less the 128s added. Integer sums: the result is
// exactly addRow's.
func (m *linearModel) addRows(acc []int32, bs []uint32) {
	nl := len(acc)
	p := m.byRow.Load()
	if p == nil {
		for _, b := range bs {
			if r := m.row(b); r >= 0 {
				m.gather(acc, r)
			}
		}
		m.noteGathered(len(bs))
		return
	}
	if nl%8 != 0 || nl > 8*maxLaneWords {
		for _, b := range bs {
			m.addRow(acc, b)
		}
		return
	}
	const bias, lanes = 0x8080808080808080, 0x00FF00FF00FF00FF
	nw := nl / 8
	var even, odd [maxLaneWords]uint64
	rows := *p
	n := int32(0)
	for _, b := range bs {
		r := m.row(b)
		if r < 0 {
			continue
		}
		row := rows[int(r)*nl:][:nl]
		for k := range nw {
			u := binary.LittleEndian.Uint64(row[8*k:]) ^ bias
			even[k] += u & lanes
			odd[k] += (u >> 8) & lanes
		}
		if n++; n == 256 {
			emptyLanes(acc, &even, &odd, n)
			n = 0
		}
	}
	if n > 0 {
		emptyLanes(acc, &even, &odd, n)
	}
}

// maxLaneWords bounds addRows' lanes: 64 labels.
const maxLaneWords = 8

// emptyLanes adds the lanes' sums over n rows to acc and clears them.
func emptyLanes(acc []int32, even, odd *[maxLaneWords]uint64, n int32) {
	off := 128 * n
	for k := range len(acc) / 8 {
		e, o := even[k], odd[k]
		a := acc[8*k : 8*k+8]
		a[0] += int32(e&0xFFFF) - off
		a[1] += int32(o&0xFFFF) - off
		a[2] += int32(e>>16&0xFFFF) - off
		a[3] += int32(o>>16&0xFFFF) - off
		a[4] += int32(e>>32&0xFFFF) - off
		a[5] += int32(o>>32&0xFFFF) - off
		a[6] += int32(e>>48) - off
		a[7] += int32(o>>48) - off
		even[k], odd[k] = 0, 0
	}
}

// precompute builds the run-time tables: the weights' run-time form
// when the model was trained, the table from word hash to vocabulary
// index, and room for each vocabulary word's sums (its word row, and its
// char n-grams' rows), which wordSums fills on first use: a process
// reading one message computes the few words it meets, not 13,300 (that
// was most of the model's load time).
func (m *linearModel) precompute() {
	nl := len(m.labels)
	if m.index != nil {
		m.setTrained(nl, m.bits)
	}
	m.words = newWordTable(len(m.vocab))
	m.wsum = make([]int16, 2*nl*len(m.vocab))
	m.wgrams = make([]uint16, len(m.vocab))
	m.wready = make([]atomic.Uint32, len(m.vocab))
	for i, w := range m.vocab {
		m.words.put(wordHash(w), int32(i))
	}
}

// States of a vocabulary word's sums.
const (
	sumsAbsent uint32 = iota
	sumsFilling
	sumsReady
)

// wordSums returns the sums of vocabulary word v (2*len(labels): the word
// part, then the char part) and its number of char n-grams. The first
// caller computes them into the shared table; a caller that finds another
// goroutine filling it computes its own copy into s.wsum. The sums are a
// function of the model alone, so every copy is the same.
func (m *linearModel) wordSums(v int32, s *scratch) ([]int16, int) {
	nl := len(m.labels)
	st := &m.wready[v]
	if st.Load() == sumsReady {
		return m.wsum[2*nl*int(v) : 2*nl*(int(v)+1)], int(m.wgrams[v])
	}
	w := m.vocab[v]
	acc := slices.Grow(s.acc2[:0], 2*nl)[:2*nl]
	clear(acc)
	m.addRow(acc[:nl], wordBucket(wordHash(w), m.bits))
	s.grams = charGrams([]byte(w), m.bits, s.grams[:0])
	m.addRows(acc[nl:], s.grams)
	s.acc2 = acc
	mine := st.CompareAndSwap(sumsAbsent, sumsFilling)
	var out []int16
	if mine {
		out = m.wsum[2*nl*int(v) : 2*nl*(int(v)+1)]
	} else {
		out = slices.Grow(s.wsum[:0], 2*nl)[:2*nl]
		s.wsum = out
	}
	for k, x := range acc {
		out[k] = int16(x)
	}
	if mine {
		m.wgrams[v] = uint16(len(s.grams))
		st.Store(sumsReady)
	}
	return out, len(s.grams)
}

// prune drops the buckets whose weights are all within ±k quantisation
// steps: most buckets hold a rare n-gram's tiny weights.
func (m *linearModel) prune(k int8) {
	nl := len(m.labels)
	all := m.rowsNow()
	index := make([]int32, 1<<m.bits)
	var rows []int8
	for b := range index {
		index[b] = -1
		r := m.row(uint32(b))
		if r < 0 {
			continue
		}
		row := all[int(r)*nl:][:nl]
		keep := false
		for _, v := range row {
			keep = keep || int8(v) > k || int8(v) < -k
		}
		if keep {
			index[b] = int32(len(rows))
			for _, v := range row {
				rows = append(rows, int8(v))
			}
		}
	}
	m.weights = weights{index: index, rows: rows}
	m.precompute()
}

// accumulator gathers the raw sums of one span of text.
type accumulator struct {
	w, c   []int32
	nw, nc int
	cues   cueCounts
}

func (m *linearModel) newAccumulator() accumulator {
	nl := len(m.labels)
	buf := make([]int32, 2*nl)
	return accumulator{w: buf[:nl], c: buf[nl:]}
}

func (a *accumulator) reset() {
	clear(a.w)
	clear(a.c)
	a.nw, a.nc = 0, 0
	a.cues = cueCounts{}
}

func (a *accumulator) add(o *accumulator) {
	for l := range a.w {
		a.w[l] += o.w[l]
		a.c[l] += o.c[l]
	}
	a.nw += o.nw
	a.nc += o.nc
	a.cues.add(&o.cues)
}

// span adds the words toks[from:to] (one sentence) to acc.
func (m *linearModel) span(text string, toks []token, from, to int, acc *accumulator, s *scratch) {
	nl := len(m.labels)
	// The rows to add are gathered first and added together (addRows).
	wrows, crows := s.wrows[:0], s.crows[:0]
	for i := from; i < to; i++ {
		t := toks[i]
		v := m.words.get(t.hash)
		if i < len(s.vocab) {
			s.vocab[i] = v // for the reasons, which name the weightiest words
		}
		if v >= 0 {
			sums, grams := m.wordSums(v, s)
			for l := 0; l < nl; l++ {
				acc.w[l] += int32(sums[l])
				acc.c[l] += int32(sums[nl+l])
			}
			acc.nc += grams
		} else {
			wrows = append(wrows, wordBucket(t.hash, m.bits))
			s.buf = lowerWord(text, t, s.buf)
			n := len(crows)
			crows = charGrams(s.buf, m.bits, crows)
			acc.nc += len(crows) - n
		}
		acc.nw++
		if i > from {
			wrows = append(wrows, bigramBucket(toks[i-1].hash, t.hash, m.bits))
			acc.nw++
		}
	}
	m.addRows(acc.w, wrows)
	m.addRows(acc.c, crows)
	s.wrows, s.crows = wrows, crows
}

// decisions turns the sums of acc into decision values, one per label.
func (m *linearModel) decisions(acc *accumulator, out []float32) {
	var cues [numCues]float32
	acc.cues.features(&cues)
	var iw, ic float32
	if acc.nw > 0 {
		iw = float32(1 / math.Sqrt(float64(acc.nw)))
	}
	if acc.nc > 0 {
		ic = float32(1 / math.Sqrt(float64(acc.nc)))
	}
	for l := range m.labels {
		d := m.bias[l] + m.scale[l]*(float32(acc.w[l])*iw+float32(acc.c[l])*ic)
		cw := &m.cueW[l]
		for k, v := range cues {
			d += cw[k] * v
		}
		out[l] = d
	}
}

// decision returns the decision value of label l alone.
func (m *linearModel) decision(acc *accumulator, l int) float32 {
	var cues [numCues]float32
	acc.cues.features(&cues)
	var iw, ic float32
	if acc.nw > 0 {
		iw = float32(1 / math.Sqrt(float64(acc.nw)))
	}
	if acc.nc > 0 {
		ic = float32(1 / math.Sqrt(float64(acc.nc)))
	}
	d := m.bias[l] + m.scale[l]*(float32(acc.w[l])*iw+float32(acc.c[l])*ic)
	for k, v := range cues {
		d += m.cueW[l][k] * v
	}
	return d
}

// prob maps a decision value of label l to a probability.
func (m *linearModel) prob(l int, d float32) float32 {
	return sigmoid(-(m.plattA[l]*d + m.plattB[l]))
}

// probs maps the decision values of all labels to probabilities: through
// the second stage when the model has one (it reads label co-occurrence),
// else each through its Platt sigmoid.
func (m *linearModel) probs(dec, out []float32) {
	if m.stack == nil {
		for l, d := range dec {
			out[l] = m.prob(l, d)
		}
		return
	}
	var buf [2 * 64]float32
	in := m.stackInputs(dec, buf[:0])
	for l, w := range m.stack {
		if w == nil || !m.stackOn[l] {
			out[l] = in[len(dec)+l]
			continue
		}
		out[l] = stacked(w, in)
	}
}

// stacked applies a second-stage row w to its inputs.
func stacked(w, in []float32) float32 {
	z := w[len(w)-1]
	for k, v := range in[:len(w)-1] {
		z += w[k] * v
	}
	return sigmoid(z)
}

// stackInputs appends what the second stage reads to buf: every label's
// decision value, then its Platt probability. The probabilities let a
// linear second stage bend: "annoyance is likely" matters more than how
// far past likely the decision value went. (Models written before the
// probabilities were added have rows over the decision values alone and
// read only the first half.)
func (m *linearModel) stackInputs(dec, buf []float32) []float32 {
	buf = append(buf, dec...)
	for l, d := range dec {
		buf = append(buf, m.prob(l, d))
	}
	return buf
}

// useStack chooses, per label with a second stage, whether to use it, and
// sets the label's threshold to match.
func (m *linearModel) useStack(on func(l int) bool) {
	for l := range m.labels {
		m.stackOn[l] = l < len(m.stack) && m.stack[l] != nil && on(l)
		m.thresh[l] = m.threshPlatt[l]
		if m.stackOn[l] {
			m.thresh[l] = m.threshStack[l]
		}
	}
}

// labelIndex returns the index of a label, or -1.
func (m *linearModel) labelIndex(name string) int {
	for i, l := range m.labels {
		if l == name {
			return i
		}
	}
	return -1
}

const modelMagic = "calmdesk-linear-1"

// save writes the model, gzip-compressed when compress is set. (The
// embedded emotion model is stored raw: git compresses it just as well,
// and loading skips 40 ms of inflating.)
func (m *linearModel) save(w io.Writer, compress bool) error {
	var zw *gzip.Writer
	if compress {
		zw, _ = gzip.NewWriterLevel(w, gzip.BestCompression)
		w = zw
	}
	bw := bufio.NewWriter(w)
	putU := func(v uint64) {
		var b [binary.MaxVarintLen64]byte
		bw.Write(b[:binary.PutUvarint(b[:], v)])
	}
	putS := func(s string) { putU(uint64(len(s))); bw.WriteString(s) }
	putF := func(f float32) { binary.Write(bw, binary.LittleEndian, f) }
	putS(modelMagic)
	putU(uint64(m.bits))
	putU(uint64(len(m.labels)))
	for l, name := range m.labels {
		putS(name)
		putF(m.scale[l])
		putF(m.bias[l])
		putF(m.plattA[l])
		putF(m.plattB[l])
		putF(m.threshPlatt[l])
		for _, c := range m.cueW[l] {
			putF(c)
		}
	}
	nl := len(m.labels)
	putU(uint64(m.nrows))
	prev := uint32(0)
	for b := range uint32(1 << m.bits) {
		if m.row(b) >= 0 {
			putU(uint64(b - prev))
			prev = b
		}
	}
	// Rows column by column: the same label's weights side by side compress better.
	if m.cols != nil {
		bw.Write(m.cols)
	} else {
		rows := m.rowsNow()
		for l := range nl {
			for r := range m.nrows {
				bw.WriteByte(rows[r*nl+l])
			}
		}
	}
	putU(uint64(len(m.vocab)))
	for _, v := range m.vocab {
		putS(v)
	}
	putU(uint64(len(m.stack)))
	for l, w := range m.stack {
		putU(uint64(len(w)))
		for _, f := range w {
			putF(f)
		}
		if w != nil {
			putF(m.threshStack[l])
			on := uint64(0)
			if m.stackOn[l] {
				on = 1
			}
			putU(on)
		}
	}
	if err := bw.Flush(); err != nil || zw == nil {
		return err
	}
	return zw.Close()
}

// loadLinearModel reads a model written by save, compressed or not.
func loadLinearModel(r io.Reader) (*linearModel, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	var in io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("analyze: read model: %w", err)
		}
		in = zr
	}
	data, err := io.ReadAll(in)
	if err != nil {
		return nil, fmt.Errorf("analyze: read model: %w", err)
	}
	return parseLinearModel(data)
}

// modelReader reads the fields of a saved model from its bytes; the
// first error sticks.
type modelReader struct {
	b   []byte
	err error
}

func (d *modelReader) fail(what string) {
	if d.err == nil {
		d.err = errors.New(what)
	}
}

func (d *modelReader) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *modelReader) bytes(n uint64) []byte {
	if n > uint64(len(d.b)) {
		d.fail("unexpected EOF")
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

// str returns a string that shares the model's bytes.
func (d *modelReader) str() string {
	n := d.uvarint()
	if n > 1<<20 {
		d.fail("string too long")
		return ""
	}
	b := d.bytes(n)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

func (d *modelReader) f32() float32 {
	b := d.bytes(4)
	if b == nil {
		return 0
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(b))
}

// parseLinearModel reads a model written by save, uncompressed, from
// data, which it keeps: the weights and the vocabulary are read in place
// (the embedded model is never copied), so data must not change.
func parseLinearModel(data []byte) (*linearModel, error) {
	d := &modelReader{b: data}
	if d.str() != modelMagic {
		return nil, errors.New("analyze: read model: not a calmdesk model")
	}
	m := &linearModel{bits: uint(d.uvarint())}
	nl := int(d.uvarint())
	if d.err != nil || m.bits < 8 || m.bits > 24 || nl < 1 || nl > 4096 {
		return nil, errors.New("analyze: read model: bad header")
	}
	for range nl {
		m.labels = append(m.labels, d.str())
		m.scale = append(m.scale, d.f32())
		m.bias = append(m.bias, d.f32())
		m.plattA = append(m.plattA, d.f32())
		m.plattB = append(m.plattB, d.f32())
		m.thresh = append(m.thresh, d.f32())
		var c [numCues]float32
		for k := range c {
			c[k] = d.f32()
		}
		m.cueW = append(m.cueW, c)
	}
	np := d.uvarint()
	if d.err != nil || np > 1<<m.bits {
		return nil, fmt.Errorf("analyze: read model: bad table (%v)", d.err)
	}
	m.buckets = make([]bucketWord, (1<<m.bits)/64)
	m.nl, m.nrows = nl, int(np)
	b := uint64(0)
	for i := range np {
		step := d.uvarint()
		b += step
		if d.err != nil || b >= 1<<m.bits || (i > 0 && step == 0) {
			return nil, errors.New("analyze: read model: bad bucket")
		}
		m.buckets[b>>6].has |= 1 << (b & 63)
	}
	m.countBefore()
	m.cols = d.bytes(np * uint64(nl))
	if d.err != nil {
		return nil, fmt.Errorf("analyze: read model: %w", d.err)
	}
	nv := d.uvarint()
	if d.err != nil || nv > 1<<22 {
		return nil, fmt.Errorf("analyze: read model: bad vocabulary (%v)", d.err)
	}
	m.vocab = make([]string, nv)
	for i := range m.vocab {
		m.vocab[i] = d.str()
	}
	m.threshPlatt = slices.Clone(m.thresh)
	m.threshStack = make([]float32, nl)
	m.stackOn = make([]bool, nl)
	// The second stage is optional and last; older files end before it.
	if ns := 0; len(d.b) > 0 {
		if ns = int(d.uvarint()); ns > 0 && ns != nl {
			return nil, errors.New("analyze: read model: bad second stage")
		}
		if ns > 0 {
			m.stack = make([][]float32, nl)
		}
		for l := range m.stack {
			switch n := int(d.uvarint()); n {
			case 0:
			case nl + 1, 2*nl + 1:
				m.stack[l] = make([]float32, n)
				for k := range m.stack[l] {
					m.stack[l][k] = d.f32()
				}
				m.threshStack[l] = d.f32()
				m.stackOn[l] = d.uvarint() == 1
			default:
				return nil, errors.New("analyze: read model: bad second stage row")
			}
		}
	}
	if d.err != nil {
		return nil, fmt.Errorf("analyze: read model: %w", d.err)
	}
	m.useStack(func(l int) bool { return m.stackOn[l] })
	m.precompute()
	return m, nil
}
