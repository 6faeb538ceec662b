// Command corpus-audit guards the team corpus against near-duplicates of
// the real dev set: it pairs every item of data/cs/*.jsonl (a customer
// message, or a reply pair's customer message and reply) with its nearest
// twcs-dev tweet by TF-IDF cosine over words and word pairs (@handles and
// links left out), and prints the ids and scores of the pairs at or above
// -min. It never prints a tweet's text: the dev set's licence does not let
// it into the repository or its logs.
//
//	go run ./tools/corpus-audit                    # every file; flag pairs >= .25
//	go run ./tools/corpus-audit -only cd- -fail    # only ids starting cd-; exit 1 if any is flagged
//
// A tool, not a test: the dev tweets live beside the repository
// (../shared/data/twcs-dev) and are absent where CI runs; it says so and
// exits 0 there.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

func main() {
	files := flag.String("files", "data/cs/*.jsonl", "corpus files to audit (a glob)")
	devPath := flag.String("dev", "../shared/data/twcs-dev/tweets.jsonl", "the dev tweets")
	minScore := flag.Float64("min", 0.25, "flag pairs at or above this cosine")
	only := flag.String("only", "", "audit only ids starting with this prefix")
	fail := flag.Bool("fail", false, "exit 1 when any audited item is flagged")
	flag.Parse()
	log.SetFlags(0)

	dev, err := readDev(*devPath)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Printf("%s is not on this machine: nothing to audit against\n", *devPath)
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	paths, err := filepath.Glob(*files)
	if err != nil {
		log.Fatal(err)
	}
	slices.Sort(paths)
	var items []doc
	for _, p := range paths {
		its, err := readCorpus(p)
		if err != nil {
			log.Fatal(err)
		}
		items = append(items, its...)
	}
	// Term weights come from every file, whatever -only audits, so a
	// score does not depend on which items are audited.
	idx := newIndex(dev, items)
	flagged := 0
	type stat struct {
		n, flagged int
		sum        float64
	}
	perFile := map[string]*stat{}
	var order []string
	for _, it := range items {
		if !strings.HasPrefix(it.id, *only) {
			continue
		}
		best, score := idx.nearest(it.terms)
		st := perFile[it.file]
		if st == nil {
			st = &stat{}
			perFile[it.file] = st
			order = append(order, it.file)
		}
		st.n++
		st.sum += score
		if score >= *minScore {
			st.flagged++
			flagged++
			fmt.Printf("%s\t%s\tdev %s\t%.3f\n", it.id, it.field, dev[best].id, score)
		}
	}
	fmt.Printf("\n%-22s %7s %14s %10s\n", "file", "texts", "mean nearest", "flagged")
	for _, f := range order {
		st := perFile[f]
		fmt.Printf("%-22s %7d %14.3f %10d\n", f, st.n, st.sum/float64(st.n), st.flagged)
	}
	if *fail && flagged > 0 {
		os.Exit(1)
	}
}

// doc is one text reduced to its terms (words and word pairs, with counts).
type doc struct {
	id, field, file string
	terms           map[string]float64
}

// terms returns the lower-cased words of text and its adjacent word pairs,
// leaving out @handles and links: they name brands and accounts, which
// every tweet to a brand shares and no rewrite needs to keep.
func terms(text string) map[string]float64 {
	var words []string
	var buf []byte
	for _, f := range strings.Fields(text) {
		if strings.HasPrefix(f, "@") || strings.HasPrefix(f, ".@") || strings.Contains(f, "://") {
			continue
		}
		for _, w := range textkit.Words(f, nil) {
			buf = w.AppendLower(buf[:0], f)
			words = append(words, string(buf))
		}
	}
	out := map[string]float64{}
	for i, w := range words {
		out[w]++
		if i > 0 {
			out[words[i-1]+" "+w]++
		}
	}
	return out
}

// index holds the dev tweets' TF-IDF vectors and an inverted index of them.
type index struct {
	idf      map[string]float64
	vecs     []map[string]float64 // unit-length TF-IDF per dev tweet
	postings map[string][]int32
}

// newIndex weighs terms by their inverse document frequency over the dev
// tweets and the corpus items together, so a word common in either is cheap.
func newIndex(dev, items []doc) *index {
	df := map[string]int{}
	for _, set := range [][]doc{dev, items} {
		for _, d := range set {
			for t := range d.terms {
				df[t]++
			}
		}
	}
	n := float64(len(dev) + len(items))
	ix := &index{idf: make(map[string]float64, len(df)), postings: map[string][]int32{}}
	for t, c := range df {
		ix.idf[t] = math.Log((1+n)/(1+float64(c))) + 1
	}
	for i, d := range dev {
		v := ix.vector(d.terms)
		ix.vecs = append(ix.vecs, v)
		for t := range v {
			ix.postings[t] = append(ix.postings[t], int32(i))
		}
	}
	return ix
}

// vector returns the unit-length TF-IDF vector of a text's terms.
func (ix *index) vector(tf map[string]float64) map[string]float64 {
	v := make(map[string]float64, len(tf))
	var norm float64
	for t, c := range tf {
		w := c * ix.idf[t]
		v[t] = w
		norm += w * w
	}
	if norm == 0 {
		return v
	}
	norm = math.Sqrt(norm)
	for t := range v {
		v[t] /= norm
	}
	return v
}

// nearest returns the dev tweet closest to tf and their cosine.
func (ix *index) nearest(tf map[string]float64) (best int, score float64) {
	v := ix.vector(tf)
	dots := map[int32]float64{}
	for t, w := range v {
		for _, i := range ix.postings[t] {
			dots[i] += w * ix.vecs[i][t]
		}
	}
	best = -1
	for i, d := range dots {
		if d > score || d == score && int(i) < best {
			best, score = int(i), d
		}
	}
	if best < 0 {
		return 0, 0
	}
	return best, score
}

// readDev reads the dev tweets' ids and terms.
func readDev(path string) ([]doc, error) {
	var out []doc
	err := eachLine(path, func(line []byte) error {
		var t struct {
			ID   string `json:"tweet_id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(line, &t); err != nil {
			return err
		}
		out = append(out, doc{id: t.ID, terms: terms(t.Text)})
		return nil
	})
	return out, err
}

// readCorpus reads a corpus file's texts: "text" of a customer message,
// "customer" and "reply" of a reply pair, each audited on its own.
func readCorpus(path string) ([]doc, error) {
	file := strings.TrimSuffix(filepath.Base(path), ".jsonl")
	var out []doc
	err := eachLine(path, func(line []byte) error {
		var it struct {
			ID       string `json:"id"`
			Text     string `json:"text"`
			Customer string `json:"customer"`
			Reply    string `json:"reply"`
		}
		if err := json.Unmarshal(line, &it); err != nil {
			return err
		}
		for _, f := range []struct{ name, text string }{{"text", it.Text}, {"customer", it.Customer}, {"reply", it.Reply}} {
			if f.text != "" {
				out = append(out, doc{id: it.ID, field: f.name, file: file, terms: terms(f.text)})
			}
		}
		return nil
	})
	return out, err
}

// eachLine calls fn with every non-blank line of a file.
func eachLine(path string, fn func([]byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	n := 0
	for sc.Scan() {
		n++
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := fn(sc.Bytes()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}
