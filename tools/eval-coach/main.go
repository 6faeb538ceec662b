// Command eval-coach measures how the coach agrees with replies labelled as
// a support trainer would: per label precision, recall and F1, and
// macro-F1, on the real development set (when its texts are on this
// machine) and on the held-out fifth of the team's corpus.
//
//	go run ./tools/eval-coach
//	go run ./tools/eval-coach -data /path/to/data/cs -errors deflection
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/tools/internal/replydata"
)

func main() {
	data := flag.String("data", "data/cs", "the team's corpus (replies-*.jsonl) and twcs-dev/reply-labels.jsonl")
	tweets := flag.String("tweets", "../shared/data/twcs-dev/tweets.jsonl", "texts of the real development set")
	showErrors := flag.String("errors", "", "comma-separated labels whose misses and false alarms to print (dev set)")
	flag.Parse()
	log.SetFlags(0)

	a := analyze.Default()
	c := coach.New(nil)
	review := func(set []replydata.Example) []map[string]bool {
		out := make([]map[string]bool, len(set))
		for i, e := range set {
			rv, err := c.Review(e.Reply, replydata.Context(a, e.Customer))
			if err != nil {
				out[i] = map[string]bool{}
				continue
			}
			out[i] = replydata.Predicted(rv)
		}
		return out
	}

	dev, err := replydata.LoadDev(filepath.Join(*data, "twcs-dev", "reply-labels.jsonl"), *tweets)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Printf("real development set: skipped (%v)\n\n", err)
	case err != nil:
		log.Fatal(err)
	default:
		pred := review(dev)
		fmt.Println(replydata.Score(pred, dev).Table(fmt.Sprintf("real development set (twcs-dev, %d agent replies)", len(dev))))
		for _, l := range strings.Split(*showErrors, ",") {
			if l == "" {
				continue
			}
			for i, e := range dev {
				if pred[i][l] != e.Labels[l] {
					kind := "MISS"
					if pred[i][l] {
						kind = "FALSE"
					}
					fmt.Printf("%s %s %s: %s\n", kind, l, e.ID, strings.ReplaceAll(e.Reply, "\n", " "))
				}
			}
		}
	}

	all, err := replydata.LoadCorpus(*data)
	if errors.Is(err, fs.ErrNotExist) || err != nil && strings.Contains(err.Error(), "no replies") {
		fmt.Printf("team corpus: skipped (%v)\n", err)
		os.Exit(0)
	}
	if err != nil {
		log.Fatal(err)
	}
	_, test := replydata.Split(all)
	fmt.Println(replydata.Score(review(test), test).Table(fmt.Sprintf("team corpus, held-out split (%d of %d replies)", len(test), len(all))))
}
