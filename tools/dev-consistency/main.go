// Command dev-consistency finds the real dev set's agent replies that are
// the same template (same words once handles, links, numbers and sign-offs
// are gone) and lists, per label, the template groups whose members carry
// different labels: an inconsistent gold set caps every model measured on
// it. Groups are exact-normalised duplicates joined with near duplicates
// (word-pair Jaccard >= -jaccard); TF-IDF cosine >= -cosine is counted too.
// It prints ids only: the dev set's licence keeps its text out of the
// repository and its logs.
//
//	go run ./tools/dev-consistency              # summary and disagreeing groups
//	go run ./tools/dev-consistency -members     # every group with its member ids
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/calmdesk/calmdesk/tools/internal/replydata"
)

// labelOrder is the labels file's order, so output is stable.
var labelOrder = []string{"greeting", "empathy", "apology", "ownership", "action", "expectation", "follow_up", "thanks",
	"concern_addressed", "deflection", "blame", "non_apology", "vague_timing", "minimizing", "arguing", "robotic"}

var (
	handleRe = regexp.MustCompile(`\.?@\w+`)
	urlRe    = regexp.MustCompile(`https?://\S+`)
	// Sign-offs: "^AB", "-Mike", "- Mike", "*JS", "~JS", "/AB" at the end.
	signRe  = regexp.MustCompile(`(\s*(\^|\*|~|/|-|–|—)\s*\p{L}{1,12}\.?\s*)+$`)
	numRe   = regexp.MustCompile(`\d+`)
	nonWord = regexp.MustCompile(`[^\p{L}' ]+`)
)

// normalise reduces a reply to its template's words.
func normalise(text string) string {
	s := strings.ToLower(text)
	s = urlRe.ReplaceAllString(s, " ")
	s = handleRe.ReplaceAllString(s, " ")
	s = strings.TrimSpace(s)
	s = signRe.ReplaceAllString(s, "")
	s = numRe.ReplaceAllString(s, " ")
	s = nonWord.ReplaceAllString(s, " ")
	return strings.Join(strings.Fields(s), " ")
}

func bigrams(norm string) map[string]bool {
	w := strings.Fields(norm)
	out := map[string]bool{}
	for i := range w {
		if i > 0 {
			out[w[i-1]+" "+w[i]] = true
		} else if len(w) == 1 {
			out[w[0]] = true
		}
	}
	return out
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for t := range a {
		if b[t] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

type reply struct {
	id     string
	labels map[string]bool
	norm   string
	pairs  map[string]bool
	vec    map[string]float64
}

func main() {
	labelsPath := flag.String("labels", "data/cs/twcs-dev/reply-labels.jsonl", "the reply labels")
	devPath := flag.String("dev", "../shared/data/twcs-dev/tweets.jsonl", "the dev tweets")
	minJac := flag.Float64("jaccard", 0.8, "join replies at or above this word-pair Jaccard")
	minCos := flag.Float64("cosine", 0.9, "count pairs at or above this TF-IDF cosine")
	members := flag.Bool("members", false, "print every group's member ids")
	flag.Parse()

	dev, err := replydata.LoadDev(*labelsPath, *devPath)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Println("dev set absent:", err)
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	rs := make([]*reply, len(dev))
	for i, e := range dev {
		n := normalise(e.Reply)
		rs[i] = &reply{id: e.ID, labels: e.Labels, norm: n, pairs: bigrams(n)}
	}

	// Union-find over exact-normalised duplicates, then near duplicates.
	parent := make([]int, len(rs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(a, b int) { parent[find(a)] = find(b) }
	first := map[string]int{}
	exactPairs := 0
	for i, r := range rs {
		if r.norm == "" {
			continue
		}
		if j, ok := first[r.norm]; ok {
			union(i, j)
			exactPairs++
		} else {
			first[r.norm] = i
		}
	}
	exactGroups := groupsOf(rs, find)
	tfidf(rs)
	jacPairs, cosPairs := 0, 0
	for i := range rs {
		for j := i + 1; j < len(rs); j++ {
			if rs[i].norm == "" || rs[j].norm == "" || rs[i].norm == rs[j].norm {
				continue
			}
			if jaccard(rs[i].pairs, rs[j].pairs) >= *minJac {
				jacPairs++
				union(i, j)
			}
			if cosine(rs[i].vec, rs[j].vec) >= *minCos {
				cosPairs++
			}
		}
	}
	groups := groupsOf(rs, find)
	inGroups := 0
	for _, g := range groups {
		inGroups += len(g)
	}
	fmt.Printf("replies %d; exact-normalised: %d groups, %d extra members; near pairs (not exact): jaccard>=%.2f %d, cosine>=%.2f %d\n",
		len(rs), len(exactGroups), exactPairs, *minJac, jacPairs, *minCos, cosPairs)
	fmt.Printf("groups after joining near duplicates: %d, %d members\n", len(groups), inGroups)
	if *members {
		for gi, g := range groups {
			ids := make([]string, len(g))
			for k, i := range g {
				ids[k] = rs[i].id
			}
			fmt.Printf("group g%d (%d): %s\n", gi+1, len(g), strings.Join(ids, " "))
		}
	}
	for _, lab := range labelOrder {
		n := 0
		var lines []string
		for gi, g := range groups {
			var yes, no []string
			for _, i := range g {
				if rs[i].labels[lab] {
					yes = append(yes, rs[i].id)
				} else {
					no = append(no, rs[i].id)
				}
			}
			if len(yes) > 0 && len(no) > 0 {
				n++
				lines = append(lines, fmt.Sprintf("  g%d true: %s | false: %s", gi+1, strings.Join(yes, " "), strings.Join(no, " ")))
			}
		}
		fmt.Printf("%s: %d disagreeing groups\n", lab, n)
		for _, l := range lines {
			fmt.Println(l)
		}
	}
}

// groupsOf returns the union-find's groups of two or more, largest first,
// members in file order.
func groupsOf(rs []*reply, find func(int) int) [][]int {
	by := map[int][]int{}
	for i := range rs {
		by[find(i)] = append(by[find(i)], i)
	}
	var out [][]int
	for _, g := range by {
		if len(g) > 1 {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b []int) int {
		if len(a) != len(b) {
			return len(b) - len(a)
		}
		return a[0] - b[0]
	})
	return out
}

// tfidf gives every reply a unit TF-IDF vector over its words and word pairs.
func tfidf(rs []*reply) {
	df := map[string]int{}
	tfs := make([]map[string]float64, len(rs))
	for i, r := range rs {
		w := strings.Fields(r.norm)
		tf := map[string]float64{}
		for k := range w {
			tf[w[k]]++
			if k > 0 {
				tf[w[k-1]+" "+w[k]]++
			}
		}
		tfs[i] = tf
		for t := range tf {
			df[t]++
		}
	}
	n := float64(len(rs))
	for i, r := range rs {
		v := map[string]float64{}
		var norm float64
		for t, c := range tfs[i] {
			x := c * (math.Log((1+n)/(1+float64(df[t]))) + 1)
			v[t] = x
			norm += x * x
		}
		for t := range v {
			v[t] /= math.Sqrt(norm)
		}
		r.vec = v
	}
}

func cosine(a, b map[string]float64) float64 {
	if len(a) > len(b) {
		a, b = b, a
	}
	var s float64
	for t, x := range a {
		s += x * b[t]
	}
	return s
}
