package analyze

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// benchTexts are email-length customer messages (testdata/emails.txt).
func benchTexts(b *testing.B) ([]string, int) {
	raw, err := os.ReadFile("testdata/emails.txt")
	if err != nil {
		b.Fatal(err)
	}
	texts := strings.Split(string(raw), "\n---\n")
	n := 0
	for _, t := range texts {
		n += len(t)
	}
	return texts, n
}

// BenchmarkRead measures the full Reading on email-length text; MB/s is
// text read per second on one core.
func BenchmarkRead(b *testing.B) {
	texts, n := benchTexts(b)
	a := Default()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		for _, t := range texts {
			if _, err := a.Read(t); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPUThroughput(b, int64(n), start)
}

// BenchmarkReadRules measures the Reading without the reading model (the
// rules and the emotion model alone), for the reading stage's share.
func BenchmarkReadRules(b *testing.B) {
	texts, n := benchTexts(b)
	a := DefaultRules()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		for _, t := range texts {
			if _, err := a.Read(t); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPUThroughput(b, int64(n), start)
}

// BenchmarkLoad measures loading the embedded emotion model, in place as
// Default does.
func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := parseLinearModel(emotionModelBin); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadReading measures loading the embedded reading model and
// attaching it to an analyzer (the reading stage's share of start-up).
func BenchmarkLoadReading(b *testing.B) {
	a := DefaultRules()
	for b.Loop() {
		m, err := LoadReadingModel(strings.NewReader(string(readingModelBin)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.WithReadingModel(m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNewLexicon measures building the lexicon (word lists, VADER,
// the phrase and hint patterns), part of start-up.
func BenchmarkNewLexicon(b *testing.B) {
	for b.Loop() {
		newLexicon()
	}
}

// shortTexts are the customer tweets of the team's corpus (data/cs).
func shortTexts(b *testing.B) ([]string, int) {
	var texts []string
	n := 0
	for _, f := range []string{"a", "b", "c"} {
		raw, err := os.ReadFile("../../data/cs/customers-" + f + ".jsonl")
		if err != nil {
			b.Fatal(err)
		}
		for line := range strings.SplitSeq(strings.TrimSpace(string(raw)), "\n") {
			var v struct{ Channel, Text string }
			if err := json.Unmarshal([]byte(line), &v); err != nil {
				b.Fatal(err)
			}
			if v.Channel == "tweet" {
				texts = append(texts, v.Text)
				n += len(v.Text)
			}
		}
	}
	return texts, n
}

// BenchmarkReadShort measures the full Reading on tweet-length text (the
// short half of tools/bench-govader/wholeprocess.sh's mix).
func BenchmarkReadShort(b *testing.B) {
	texts, n := shortTexts(b)
	a := Default()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		for _, t := range texts {
			if _, err := a.Read(t); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPUThroughput(b, int64(n), start)
}

// BenchmarkReadEncode is BenchmarkRead with each Reading encoded as
// `analyze --jsonl` writes it.
func BenchmarkReadEncode(b *testing.B) {
	texts, n := benchTexts(b)
	a := Default()
	b.SetBytes(int64(n))
	b.ReportAllocs()
	var buf []byte
	start := cpuTime()
	for b.Loop() {
		for _, t := range texts {
			r, err := a.Read(t)
			if err != nil {
				b.Fatal(err)
			}
			if buf, err = r.AppendJSON(buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	}
	reportCPUThroughput(b, int64(n), start)
}
