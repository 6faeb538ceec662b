package training

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The bank of scripted trainee transcripts: for every scenario a good, a
// mediocre and a bad one (blame, "calm down", vague timing, ignored
// concerns), each a list of replies played in order.
func loadBank(t *testing.T, kind string) map[string][]string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + kind + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string][]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s.json: %v", kind, err)
	}
	return m
}

type bankResult struct {
	scenario, family, kind, outcome string
	turns, score                    int
}

// TestTranscriptBank plays every transcript on three seeds: good ones
// resolve within the turn limit, bad ones escalate or lose, mediocre ones
// land between (never resolved in one reply, never above the good score).
// It prints the outcome table that docs/training.md reports.
func TestTranscriptBank(t *testing.T) {
	kinds := []string{"good", "mediocre", "bad"}
	banks := map[string]map[string][]string{}
	total := 0
	for _, k := range kinds {
		banks[k] = loadBank(t, k)
		total += len(banks[k])
	}
	if total < 60 {
		t.Errorf("%d transcripts, want at least 60", total)
	}
	var results []bankResult
	for _, sc := range sim.Library.Scenarios {
		scores := map[string][]int{}
		for _, k := range kinds {
			replies, ok := banks[k][sc.ID]
			if !ok {
				t.Errorf("%s: no %s transcript", sc.ID, k)
				continue
			}
			for seed := uint64(1); seed <= 3; seed++ {
				s := play(t, sc.ID, seed, replies...)
				if !s.Done {
					// The trainee has nothing more to say: the customer gives up.
					s.Outcome = Lost
				}
				card := sim.Score(s)
				scores[k] = append(scores[k], card.Score)
				results = append(results, bankResult{sc.ID, sc.Family, k, s.Outcome, len(s.Turns), card.Score})
				switch {
				case k == "good" && s.Outcome != Resolved:
					t.Errorf("%s seed %d: good transcript %s after %d replies (anger %d)", sc.ID, seed, s.Outcome, len(s.Turns), s.State.Anger)
				case k == "bad" && s.Outcome == Resolved:
					t.Errorf("%s seed %d: bad transcript resolved", sc.ID, seed)
				case k == "mediocre" && s.Outcome == Resolved && len(s.Turns) == 1:
					t.Errorf("%s seed %d: mediocre transcript resolved at once", sc.ID, seed)
				}
			}
		}
		if len(scores["good"]) > 0 && len(scores["mediocre"]) > 0 {
			if slices.Max(scores["mediocre"]) >= slices.Min(scores["good"]) {
				t.Errorf("%s: scores good %v, mediocre %v: want good above mediocre", sc.ID, scores["good"], scores["mediocre"])
			}
		}
	}
	// A long mediocre transcript piles up small pitfalls and can score
	// under a short bad one on a scenario; per family they must not.
	fam := map[string]map[string][]int{}
	for _, r := range results {
		if fam[r.family] == nil {
			fam[r.family] = map[string][]int{}
		}
		fam[r.family][r.kind] = append(fam[r.family][r.kind], r.score)
	}
	for f, byKind := range fam {
		if mean(byKind["mediocre"]) < mean(byKind["bad"]) {
			t.Errorf("family %s: mediocre mean %d under bad mean %d", f, mean(byKind["mediocre"]), mean(byKind["bad"]))
		}
	}
	t.Log("\n" + outcomeTable(results))
}

func mean(xs []int) int {
	sum := 0
	for _, x := range xs {
		sum += x
	}
	return sum / max(1, len(xs))
}

func outcomeTable(rs []bankResult) string {
	var b strings.Builder
	kinds := []string{"good", "mediocre", "bad"}
	count := map[string]map[string]int{}
	scores := map[string][]int{}
	for _, r := range rs {
		if count[r.kind] == nil {
			count[r.kind] = map[string]int{}
		}
		count[r.kind][r.outcome]++
		scores[r.kind] = append(scores[r.kind], r.score)
	}
	fmt.Fprintf(&b, "| transcripts | plays | resolved | escalated | lost | score min / median / max |\n|---|---|---|---|---|---|\n")
	for _, k := range kinds {
		s := scores[k]
		sort.Ints(s)
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d / %d / %d |\n", k, len(s), count[k][Resolved], count[k][Escalated], count[k][Lost], s[0], s[len(s)/2], s[len(s)-1])
	}
	fam := map[string]map[string][]int{}
	for _, r := range rs {
		if fam[r.family] == nil {
			fam[r.family] = map[string][]int{}
		}
		fam[r.family][r.kind] = append(fam[r.family][r.kind], r.score)
	}
	names := make([]string, 0, len(fam))
	for f := range fam {
		names = append(names, f)
	}
	sort.Strings(names)
	fmt.Fprintf(&b, "\n| family | good mean | mediocre mean | bad mean |\n|---|---|---|---|\n")
	for _, f := range names {
		fmt.Fprintf(&b, "| %s | %d | %d | %d |\n", f, mean(fam[f]["good"]), mean(fam[f]["mediocre"]), mean(fam[f]["bad"]))
	}
	return b.String()
}
