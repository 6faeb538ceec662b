package insights

import (
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
)

// TestLabelMatchesJoinedRuns: label, which counts runs of words as
// arrays, names random problems exactly as counting joined strings did.
func TestLabelMatchesJoinedRuns(t *testing.T) {
	vocab := []string{"promo", "code", "WINTER24", "checkout", "rejected", "parcel", "late", "refund", "card", "app"}
	rng := rand.New(rand.NewPCG(3, 5))
	for round := range 200 {
		var docs []doc
		for range 1 + rng.IntN(12) {
			d := doc{surface: map[string]map[string]int{}}
			for range 1 + rng.IntN(3) {
				var ph []string
				for range 1 + rng.IntN(6) {
					w := vocab[rng.IntN(3+round%len(vocab)/2)]
					ph = append(ph, strings.ToLower(w))
					if d.surface[strings.ToLower(w)] == nil {
						d.surface[strings.ToLower(w)] = map[string]int{}
					}
					d.surface[strings.ToLower(w)][w]++
				}
				d.phrases = append(d.phrases, ph)
			}
			docs = append(docs, d)
		}
		seed := strings.ToLower(vocab[rng.IntN(3)])
		if got, want := label(docs, seed), labelReference(docs, seed); got != want {
			t.Fatalf("round %d: label %q, joined strings %q", round, got, want)
		}
	}
}

// labelReference is label as it was, joining each run into a string.
func labelReference(docs []doc, seed string) string {
	for i := range docs {
		if docs[i].lazy != nil {
			docs[i].phrases = docs[i].lazy()
			docs[i].surface = docs[i].lazySurface(func(string) bool { return true })
		}
	}
	df := map[string]int{}
	for _, d := range docs {
		seen := map[string]bool{}
		for _, ph := range d.phrases {
			for n := 1; n <= 4; n++ {
				for i := 0; i+n <= len(ph); i++ {
					seen[strings.Join(ph[i:i+n], " ")] = true
				}
			}
		}
		for g := range seen {
			df[g]++
		}
	}
	best, bestScore := seed, -1.0
	for g, n := range df {
		if 2*n < len(docs) {
			continue
		}
		score := float64(len(strings.Fields(g)))*10 + float64(n)/float64(len(docs))
		if score > bestScore || (score == bestScore && g < best) {
			best, bestScore = g, score
		}
	}
	parts := []string{best}
	used := map[string]bool{}
	for _, w := range strings.Fields(best) {
		used[w] = true
	}
	var more []string
	for g, n := range df {
		if !strings.Contains(g, " ") && !used[g] && 2*n >= len(docs) {
			more = append(more, g)
		}
	}
	sort.Slice(more, func(a, b int) bool {
		if df[more[a]] != df[more[b]] {
			return df[more[a]] > df[more[b]]
		}
		return more[a] < more[b]
	})
	return spell(docs, parts, used, more)
}
