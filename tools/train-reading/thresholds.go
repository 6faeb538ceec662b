package main

import (
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"os"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// chooseThresholds sets the thresholds of a's reading model, for each
// label with at least min positives among msgs, to those that maximise its
// F1 on msgs; other labels keep their out-of-fold thresholds.
func chooseThresholds(a *analyze.Analyzer, msgs []message, min int, w io.Writer) {
	texts := make([]string, len(msgs))
	for i, m := range msgs {
		texts[i] = m.Text
	}
	lines, err := a.TuneReading(texts, truthOf(msgs), min)
	if err != nil {
		log.Fatal(err)
	}
	if w != nil {
		for _, l := range lines {
			fmt.Fprintln(w, "dev threshold", l)
		}
	}
}

// crossFitDev prints the dev figures with each half of msgs read with
// thresholds chosen on the other half: what choosing thresholds on dev
// is worth on tweets it did not see.
func crossFitDev(m *analyze.ReadingModel, base *analyze.Analyzer, msgs []message, min int) {
	halves := [2][]message{onHalf(msgs, 0), onHalf(msgs, 1)}
	var total *scores
	for k := range 2 {
		a := must(base.WithReadingModel(clone(m)))
		chooseThresholds(a, halves[1-k], min/2, nil)
		s := score(halves[k], readFunc(a))
		if total == nil {
			total = s
		} else {
			total.merge(s)
		}
	}
	total.print(os.Stdout, "twcs dev, customer tweets, thresholds chosen on the other half (2-fold)")
}

// clone copies a model through its file format.
func clone(m *analyze.ReadingModel) *analyze.ReadingModel {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(m.Save(pw)) }()
	return must(analyze.LoadReadingModel(pr))
}

// devHalf returns the half (0 or 1) of the dev set a tweet id falls in.
func devHalf(id string) int {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64() % 2)
}

// onHalf returns the messages of msgs in half k of the dev set.
func onHalf(msgs []message, k int) []message {
	var out []message
	for _, m := range msgs {
		if devHalf(m.ID) == k {
			out = append(out, m)
		}
	}
	return out
}
