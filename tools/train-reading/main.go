// Command train-reading trains calmdesk's reading model (anger, complaint,
// sentiment and signals of customer messages) on the team's labelled
// customer-service corpus and evaluates the Reading on its held-out split
// and on the real twcs dev set.
//
//	go run ./tools/train-reading -eval           # evaluate the embedded engine
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

func main() {
	corpus := flag.String("corpus", "data/cs", "folder with the team corpus, customers-*.jsonl")
	devLabels := flag.String("dev-labels", "data/cs/twcs-dev/customer-labels.jsonl", "labels of the real dev tweets")
	devTweets := flag.String("dev-tweets", "../shared/data/twcs-dev/tweets.jsonl", "the real dev tweets' text (not in the repository)")
	flag.Parse()
	log.SetFlags(0)

	a := analyze.Default()
	read := func(text string) analyze.Reading {
		r, err := a.Read(text)
		if err != nil {
			return analyze.Reading{Level: analyze.Calm, Sentiment: "neutral"}
		}
		return r
	}
	evaluate(read, *corpus, *devLabels, *devTweets)
}

// evaluate prints the scores of read on the held-out split of the corpus
// and, when its tweets are on this machine, on the dev set.
func evaluate(read func(string) analyze.Reading, corpus, devLabels, devTweets string) {
	all, err := readCorpus(filepath.Join(corpus, "customers-*.jsonl"))
	if err != nil {
		log.Fatal(err)
	}
	_, test := splitCorpus(all)
	score(test, read).print(os.Stdout, fmt.Sprintf("team corpus, held-out split (%s)", corpus))
	dev, customers, err := readDev(devLabels, devTweets)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Printf("\ntwcs dev set: %s is not on this machine; skipped\n", devTweets)
		return
	case err != nil:
		log.Fatal(err)
	}
	score(customers, read).print(os.Stdout, "twcs dev, customer tweets (the 35 tweets the labeller marked as not from a customer left out)")
	score(dev, read).print(os.Stdout, "twcs dev, all labelled tweets")
}
