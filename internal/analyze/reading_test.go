package analyze

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

// TestDenseInputs checks that a Reading's dense inputs are as many as the
// names the reading model is trained and checked against.
func TestDenseInputs(t *testing.T) {
	a, _ := Default().WithReadingModel(nil)
	in, ok := a.inputsOf("Charged twice for order 4471, third time I write, fix it NOW")
	if !ok {
		t.Fatal("not read")
	}
	if want := len(a.denseInputs()); len(in.dense) != want {
		t.Fatalf("%d dense inputs, %d names", len(in.dense), want)
	}
}

// TestReadingDecisions checks the run-time scorer (packed rows, zero
// dense inputs skipped) against the plain sum over the model's weights,
// on a text long enough to empty the packed lanes more than once.
func TestReadingDecisions(t *testing.T) {
	a := Default()
	m := a.ReadingModel()
	if m == nil {
		t.Skip("no reading model embedded")
	}
	long := strings.Repeat("I have called you four times about the refund and nobody answers. ", 40)
	for _, text := range []string{"Charged twice for order 4471, third time I write, fix it NOW", "thanks!", long} {
		var s scratch
		if _, err := a.readWith(text, &s); err != nil {
			t.Fatal(err)
		}
		fast := make([]float32, len(m.labels))
		m.decisions(s.gramRows, len(s.ngrams), s.dense, fast)
		nl := len(m.labels)
		for l := range m.labels {
			sum := 0.0
			for _, r := range s.gramRows {
				if r >= 0 {
					sum += float64(m.rows[int(r)*nl+l])
				}
			}
			d := float64(m.bias[l]) + float64(m.scale[l])*sum/math.Sqrt(float64(len(s.ngrams)))
			for k, w := range m.denseW[l] {
				d += float64(w) * float64(s.dense[k])
			}
			if math.Abs(d-float64(fast[l])) > 1e-3 {
				t.Errorf("%.20q label %s: fast %.5f, plain %.5f", text, m.labels[l], fast[l], d)
			}
		}
	}
}

// TestReadingModelRoundTrip checks that a saved model loads to the same
// bytes.
func TestReadingModelRoundTrip(t *testing.T) {
	m := Default().ReadingModel()
	if m == nil {
		t.Skip("no reading model embedded")
	}
	var b1, b2 bytes.Buffer
	if err := m.Save(&b1); err != nil {
		t.Fatal(err)
	}
	m2, err := LoadReadingModel(bytes.NewReader(b1.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := m2.Save(&b2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) || !bytes.Equal(b1.Bytes(), readingModelBin) {
		t.Error("a saved model does not load to the same bytes")
	}
	if _, err := LoadReadingModel(strings.NewReader("calmdesk-linear-1")); err == nil {
		t.Error("loaded a file that is no reading model")
	}
}

// TestTrainReadingDeterministic trains twice on the same messages and
// expects the same bytes, and a model that reads them sensibly.
func TestTrainReadingDeterministic(t *testing.T) {
	set := readCSSet(t, "testdata/cs/dev.jsonl")
	var ex []ReadingExample
	for _, m := range set {
		e := ReadingExample{ID: m.ID, Text: m.Text, Complaint: m.Complaint, Sentiment: m.Sentiment}
		if m.Angry {
			e.Anger = 1
		}
		ex = append(ex, e)
	}
	a, _ := Default().WithReadingModel(nil)
	var out [2]bytes.Buffer
	for k := range out {
		m, fit, err := a.TrainReading(ex, ReadingOptions{Cs: []float64{0.3}, Epochs: 20})
		if err != nil {
			t.Fatal(err)
		}
		if f := f1At(fit.OOF[labelAngry], fit.truth[labelAngry], fit.BestThreshold(labelAngry)); f < 0.6 {
			t.Errorf("out-of-fold angry F1 %.3f", f)
		}
		if err := m.Save(&out[k]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out[0].Bytes(), out[1].Bytes()) {
		t.Error("two trainings on the same data wrote different models")
	}
}

// A weight of 1 is no weight; a heavier message moves the model.
func TestTrainReadingWeight(t *testing.T) {
	set := readCSSet(t, "testdata/cs/dev.jsonl")
	var ex []ReadingExample
	for _, m := range set {
		e := ReadingExample{ID: m.ID, Text: m.Text, Complaint: m.Complaint, Sentiment: m.Sentiment}
		if m.Angry {
			e.Anger = 1
		}
		ex = append(ex, e)
	}
	a, _ := Default().WithReadingModel(nil)
	train := func(w func(i int) float64) []byte {
		in := make([]ReadingExample, len(ex))
		for i, e := range ex {
			e.Weight = w(i)
			in[i] = e
		}
		m, _, err := a.TrainReading(in, ReadingOptions{Cs: []float64{0.3}, Epochs: 20})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := m.Save(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	none := train(func(int) float64 { return 0 })
	if !bytes.Equal(none, train(func(int) float64 { return 1 })) {
		t.Error("weight 1 trained another model than no weight")
	}
	if bytes.Equal(none, train(func(i int) float64 { return float64(1 + i%2*2) })) {
		t.Error("weights of 3 on half the messages changed nothing")
	}
}
