package analyze

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// TestAddRowsMatchesAddRow: the lane-wise sum is addRow's, exactly, for
// runs shorter and longer than a lane's 256 rows, with absent buckets.
func TestAddRowsMatchesAddRow(t *testing.T) {
	m, err := parseLinearModel(emotionModelBin)
	if err != nil {
		t.Fatal(err)
	}
	m.rowsNow()
	rng := rand.New(rand.NewPCG(1, 2))
	nl := len(m.labels)
	for _, n := range []int{0, 1, 7, 255, 256, 257, 1000, 3000} {
		bs := make([]uint32, n)
		for i := range bs {
			bs[i] = uint32(rng.IntN(1 << m.bits))
		}
		want := make([]int32, nl)
		for _, b := range bs {
			m.addRow(want, b)
		}
		got := make([]int32, nl)
		got[3] = 17 // adds to what is there
		want[3] += 17
		m.addRows(got, bs)
		if !slices.Equal(got, want) {
			t.Fatalf("%d rows:\n got %v\nwant %v", n, got, want)
		}
	}
	// Rows of extreme weights, many times: the lanes must not overflow.
	var hot []uint32
	rows := m.rowsNow()
	for b := range uint32(1 << m.bits) {
		if r := m.row(b); r >= 0 && len(hot) < 4 {
			row := rows[int(r)*nl:][:nl]
			if slices.ContainsFunc(row, func(v byte) bool { return int8(v) >= 120 || int8(v) <= -120 }) {
				hot = append(hot, uint32(b))
			}
		}
	}
	if len(hot) == 0 {
		t.Fatal("no row with a weight beyond ±120")
	}
	bs := slices.Repeat(hot, 700)
	want, got := make([]int32, nl), make([]int32, nl)
	for _, b := range bs {
		m.addRow(want, b)
	}
	m.addRows(got, bs)
	if !slices.Equal(got, want) {
		t.Fatalf("extreme rows:\n got %v\nwant %v", got, want)
	}
}

// TestWordSumsOnDemand: sums computed on first use, from several
// goroutines at once, equal the eager computation for every word.
func TestWordSumsOnDemand(t *testing.T) {
	m, err := loadLinearModel(bytes.NewReader(emotionModelBin))
	if err != nil {
		t.Fatal(err)
	}
	nl := len(m.labels)
	eager := func(v int) ([]int16, int) {
		acc := make([]int32, 2*nl)
		m.addRow(acc[:nl], wordBucket(wordHash(m.vocab[v]), m.bits))
		grams := charGrams([]byte(m.vocab[v]), m.bits, nil)
		for _, g := range grams {
			m.addRow(acc[nl:], g)
		}
		out := make([]int16, 2*nl)
		for k, x := range acc {
			out[k] = int16(x)
		}
		return out, len(grams)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := range 4 {
		wg.Go(func() {
			s := &scratch{}
			for v := range len(m.vocab) {
				v := (v + g*997) % len(m.vocab)
				got, n := m.wordSums(int32(v), s)
				want, wn := eager(v)
				if !slices.Equal(got, want) || n != wn {
					errs <- m.vocab[v]
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for w := range errs {
		t.Errorf("sums of %q differ from the eager computation", w)
	}
}

// TestWeightsInPlace: a model read in place gives, row by row from its
// columns, the sums it gives once laid out, lays itself out after
// layoutAfter rows, and saves to the very bytes it was read from, in
// either form.
func TestWeightsInPlace(t *testing.T) {
	cols, err := parseLinearModel(emotionModelBin)
	if err != nil {
		t.Fatal(err)
	}
	laid, err := parseLinearModel(emotionModelBin)
	if err != nil {
		t.Fatal(err)
	}
	laid.rowsNow()
	nl := len(cols.labels)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{1, 50, 300} {
		bs := make([]uint32, n)
		for i := range bs {
			bs[i] = uint32(rng.IntN(1 << cols.bits))
		}
		want, got, one := make([]int32, nl), make([]int32, nl), make([]int32, nl)
		laid.addRows(want, bs)
		cols.addRows(got, bs)
		for _, b := range bs {
			cols.addRow(one, b)
		}
		if !slices.Equal(got, want) || !slices.Equal(one, want) {
			t.Fatalf("%d rows from the columns:\n got %v\n one by one %v\nwant %v", n, got, one, want)
		}
	}
	if cols.byRow.Load() != nil {
		t.Fatal("laid out after a few hundred rows")
	}
	for _, m := range []*linearModel{cols, laid} {
		var b bytes.Buffer
		if err := m.save(&b, false); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b.Bytes(), emotionModelBin) {
			t.Fatalf("saved model (laid out: %v) differs from the one read", m == laid)
		}
	}
	bs := make([]uint32, layoutAfter)
	cols.addRows(make([]int32, nl), bs)
	if cols.byRow.Load() == nil {
		t.Fatalf("not laid out after %d rows", layoutAfter)
	}
}
