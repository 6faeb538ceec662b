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
	"syscall"
	"testing"
	"time"

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
	start := cpuTime()
	for b.Loop() {
		for _, t := range ts {
			if _, err := a.Read(t); err != nil {
				b.Fatal(err)
			}
		}
	}
	report(b, n, start)
}

func BenchmarkGovaderPolarityScores(b *testing.B) {
	ts, n := texts(b)
	s := govader.NewSentimentIntensityAnalyzer()
	b.SetBytes(n)
	start := cpuTime()
	for b.Loop() {
		for _, t := range ts {
			s.PolarityScores(t)
		}
	}
	report(b, n, start)
}

// cpuTime is the process's CPU time: on a shared machine it measures the
// work, where wall time also measures the neighbours.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func report(b *testing.B, bytes int64, start time.Duration) {
	if d := cpuTime() - start; d > 0 {
		b.ReportMetric(float64(bytes)*float64(b.N)/1e6/d.Seconds(), "MB/cpu-s")
	}
}
