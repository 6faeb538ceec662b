package analyze

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestReadingFieldsMatchTheStruct keeps the appender's field list in step
// with Reading's JSON tags: a field added to Reading must be added there.
func TestReadingFieldsMatchTheStruct(t *testing.T) {
	rt := reflect.TypeFor[Reading]()
	var names []string
	for i := range rt.NumField() {
		tag := rt.Field(i).Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		names = append(names, name)
		if (opts == "omitempty") != (len(names)-1 == fieldCategoryScore) {
			t.Errorf("field %s: omitempty is expected on %s only", name, readingFieldNames[fieldCategoryScore])
		}
	}
	if strings.Join(names, ",") != strings.Join(readingFieldNames, ",") {
		t.Fatalf("Reading's JSON fields are\n%v\nthe appender knows\n%v", names, readingFieldNames)
	}
}

// fuzzString draws strings that exercise every escape: controls, quotes,
// HTML characters, invalid UTF-8, U+2028/2029, multi-byte runes.
func fuzzString(rng *rand.Rand) string {
	pieces := []string{"", "a", "Z", " ", "\"", "\\", "/", "<", ">", "&", "\n", "\r", "\t", "\b", "\f",
		"\x00", "\x01", "\x1f", "\x7f", "\x80", "\xff", "\xe2\x80", "é", "€", "😡", "\u2028", "\u2029",
		"\ufffd", "order 4471", "'", "\u00a0"}
	var b strings.Builder
	for range rng.IntN(12) {
		b.WriteString(pieces[rng.IntN(len(pieces))])
	}
	return b.String()
}

func fuzzFloat(rng *rand.Rand) float64 {
	switch rng.IntN(9) {
	case 0:
		return 0
	case 1:
		return math.Copysign(0, -1)
	case 2:
		return rng.Float64() * 1e-7 // 'e' format, small
	case 3:
		return rng.NormFloat64() * 1e22 // 'e' format, large
	case 4:
		return math.Round(rng.Float64()*1000) / 1000
	case 5:
		return 1e21
	case 6:
		return 1e-6
	case 7:
		return math.Float64frombits(rng.Uint64() &^ (0x7ff << 52)) // subnormal or tiny
	}
	return rng.NormFloat64()
}

func fuzzReading(rng *rand.Rand) Reading {
	s, f, n := func() string { return fuzzString(rng) }, func() float64 { return fuzzFloat(rng) }, func() int { return rng.IntN(5000) - 100 }
	r := Reading{Language: s(), Supported: rng.IntN(2) == 0, Anger: n(), Level: Level(s()), Angry: rng.IntN(2) == 0,
		Sentiment: s(), SentimentScore: f(), Complaint: rng.IntN(2) == 0, Category: s(), CategoryScore: f()}
	if rng.IntN(6) > 0 {
		r.Emotions = map[string]float64{}
		for range rng.IntN(30) {
			r.Emotions[s()] = f()
		}
	}
	if rng.IntN(6) > 0 {
		r.Labels = []string{}
		for range rng.IntN(4) {
			r.Labels = append(r.Labels, s())
		}
	}
	if rng.IntN(6) > 0 {
		r.Reasons = []Reason{}
		for range rng.IntN(4) {
			r.Reasons = append(r.Reasons, Reason{Kind: s(), Text: s(), Start: n(), End: n(), Weight: f()})
		}
	}
	if rng.IntN(6) > 0 {
		r.Concerns = []Concern{}
		for range rng.IntN(4) {
			c := Concern{Kind: s(), Text: s(), Start: n(), End: n(), Paraphrase: s()}
			if rng.IntN(3) > 0 {
				c.Entities = []Entity{}
				for range rng.IntN(3) {
					c.Entities = append(c.Entities, Entity{Kind: s(), Text: s(), Value: s(), Start: n(), End: n()})
				}
			}
			r.Concerns = append(r.Concerns, c)
		}
	}
	if rng.IntN(6) > 0 {
		r.Signals = []Signal{}
		for range rng.IntN(4) {
			r.Signals = append(r.Signals, Signal{Kind: s(), Text: s(), Start: n(), End: n()})
		}
	}
	if rng.IntN(6) > 0 {
		r.Sentences = []Sentence{}
		for range rng.IntN(4) {
			r.Sentences = append(r.Sentences, Sentence{Start: n(), End: n(), Anger: n()})
		}
	}
	return r
}

// checkAppendJSON holds AppendJSON and every AppendField against
// encoding/json for r.
func checkAppendJSON(t *testing.T, r *Reading) {
	t.Helper()
	want, err := json.Marshal(r)
	got, gotErr := r.AppendJSON([]byte("prefix"))
	if err != nil {
		if gotErr == nil {
			t.Fatalf("json.Marshal refuses %+v (%v); AppendJSON did not", r, err)
		}
		return
	}
	if gotErr != nil {
		t.Fatalf("AppendJSON: %v", gotErr)
	}
	if !bytes.Equal(got[len("prefix"):], want) {
		t.Fatalf("AppendJSON\n got %s\nwant %s", got[len("prefix"):], want)
	}
	v := reflect.ValueOf(r).Elem()
	for i := range readingFieldNames {
		want, _ := json.Marshal(v.Field(i).Interface())
		got, err := r.AppendField(nil, i)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("AppendField(%s)\n got %s (%v)\nwant %s", readingFieldNames[i], got, err, want)
		}
	}
}

func TestAppendJSONMatchesEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 2026))
	for range 20000 {
		r := fuzzReading(rng)
		checkAppendJSON(t, &r)
	}
	// Values Marshal refuses are refused.
	for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		r := Reading{SentimentScore: bad}
		if _, err := r.AppendJSON(nil); err == nil {
			t.Errorf("AppendJSON accepted %v", bad)
		}
		r = Reading{Emotions: map[string]float64{"anger": bad}}
		if _, err := r.AppendJSON(nil); err == nil {
			t.Errorf("AppendJSON accepted %v in emotions", bad)
		}
	}
}

// TestAppendJSONOnRealReadings holds the appender against encoding/json
// on the Readings of the test corpora.
func TestAppendJSONOnRealReadings(t *testing.T) {
	raw, err := os.ReadFile("testdata/emails.txt")
	if err != nil {
		t.Fatal(err)
	}
	texts := strings.Split(string(raw), "\n---\n")
	texts = append(texts, "<p>Hi &amp; <b>WHERE</b> is my refund?!</p> \u2028 \xff 😡😡", "I want a MANAGER now!!! order #4471, $59.90")
	a := Default()
	for _, text := range texts {
		r, err := a.Read(text)
		if err != nil {
			t.Fatal(err)
		}
		checkAppendJSON(t, &r)
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("order 4471 <b>", 0.5, uint64(1))
	f.Fuzz(func(t *testing.T, s string, x float64, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 1))
		r := fuzzReading(rng)
		r.Language, r.SentimentScore = s, x
		r.Emotions = map[string]float64{s: x, "a": x}
		r.Reasons = append(r.Reasons, Reason{Text: s, Weight: x})
		checkAppendJSON(t, &r)
	})
}
