// Package benchgovader compares calmdesk's full Reading with
// github.com/jonreiter/govader's PolarityScores (sentiment only) on the same
// email-length texts. It is a module of its own so that the comparison's
// dependencies (govader pulls an old gonum) stay out of calmdesk's go.mod.
//
//	cd tools/bench-govader && go test -bench . -cpu 1
package benchgovader

import (
	"os"
	"strings"
	"testing"

	"github.com/jonreiter/govader"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

func texts(b *testing.B) ([]string, int64) {
	raw, err := os.ReadFile("../../internal/analyze/testdata/emails.txt")
	if err != nil {
		b.Fatal(err)
	}
	ts := strings.Split(string(raw), "\n---\n")
	n := 0
	for _, t := range ts {
		n += len(t)
	}
	return ts, int64(n)
}

func BenchmarkCalmdeskRead(b *testing.B) {
	ts, n := texts(b)
	a := analyze.Default()
	b.SetBytes(n)
	for b.Loop() {
		for _, t := range ts {
			if _, err := a.Read(t); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkGovaderPolarityScores(b *testing.B) {
	ts, n := texts(b)
	s := govader.NewSentimentIntensityAnalyzer()
	b.SetBytes(n)
	for b.Loop() {
		for _, t := range ts {
			s.PolarityScores(t)
		}
	}
}
