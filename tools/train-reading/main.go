// Command train-reading trains calmdesk's reading model (anger, complaint,
// sentiment and signals of customer messages) on the team's labelled
// customer-service corpus, and evaluates the Reading on the corpus's
// held-out fifth and on the real twcs dev set. It is deterministic: the
// same data and flags give the same bytes.
//
//	go run ./tools/train-reading                 # train, choose thresholds on dev, evaluate, write
//	go run ./tools/train-reading -thresholds oof # ...thresholds out of fold (no dev set needed)
//	go run ./tools/train-reading -eval           # evaluate the embedded engine
//	go run ./tools/train-reading -eval -rules    # ...without its reading model (the rules decide)
//
// The dev set's tweets are read from ../shared/data/twcs-dev (their
// licence allows evaluating and choosing thresholds, not training): where
// they are absent, evaluation says so and skips them.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

type config struct {
	corpus, devLabels, devTweets string
	half                         int
}

func main() {
	var cfg config
	flag.StringVar(&cfg.corpus, "corpus", "data/cs", "folder with the team corpus, customers-*.jsonl")
	flag.StringVar(&cfg.devLabels, "dev-labels", "data/cs/twcs-dev/customer-labels.jsonl", "labels of the real dev tweets")
	flag.StringVar(&cfg.devTweets, "dev-tweets", "../shared/data/twcs-dev/tweets.jsonl", "the real dev tweets' text (not in the repository)")
	out := flag.String("out", "internal/analyze/data/reading.bin", "where to write the model")
	eval := flag.Bool("eval", false, "only evaluate the engine (with the model at -model, or the embedded one)")
	modelPath := flag.String("model", "", "with -eval: the reading model to evaluate (empty: the embedded one)")
	misses := flag.String("misses", "", "with -eval: print the dev tweets whose label this is (angry, complaint, or a signal kind) and that the engine misreads")
	rules := flag.Bool("rules", false, "with -eval: evaluate without a reading model (the rules decide, as before it)")
	cs := flag.String("cs", "", "comma-separated SVM costs tried per label (empty: the default)")
	posExp := flag.Float64("pos-exp", 0, "positive weighting exponent (0: default)")
	minCount := flag.Int("min-count", 0, "words in at least this many messages (0: default)")
	prune := flag.Int("prune", 1, "drop words whose int8 weights are all within ±prune")
	denseScale := flag.Float64("dense-scale", 0, "scale of the dense features while training (0: default)")
	noGrams := flag.Bool("no-grams", false, "train on the dense features only")
	noDense := flag.Bool("no-dense", false, "train on the n-grams only")
	thresholds := flag.String("thresholds", "dev", "where thresholds come from: oof (the corpus, out of fold) or dev (the real dev set, for labels it has at least -dev-min positives of)")
	devMin := flag.Int("dev-min", 50, "with -thresholds dev: positives a label needs in the dev set")
	write := flag.Bool("write", true, "write the model to -out")
	weights := flag.String("weights", "", "comma-separated file=weight: the training cost of each message of that corpus file, e.g. customers-c=2 (measured: no gain on the dev set, so none by default)")
	flag.IntVar(&cfg.half, "half", -1, "with -eval: read only this half of the dev set (0 or 1, by the same hash as the 2-fold figure; -1: all); errors are studied on half 0 only, half 1 stays the honest check")
	flag.Parse()
	log.SetFlags(0)

	// The reading model is trained over the rules alone, so that training
	// works when the embedded model no longer fits the code.
	base := analyze.DefaultRules()
	if *eval {
		var a *analyze.Analyzer
		switch {
		case *rules:
			a = base
		case *modelPath != "":
			a = must(base.WithReadingModel(loadModel(*modelPath)))
		default:
			a = analyze.Default()
		}
		if *misses != "" {
			printMisses(a, cfg, *misses)
			return
		}
		evaluate(a, cfg)
		return
	}

	all, err := readCorpus(filepath.Join(cfg.corpus, "customers-*.jsonl"))
	if err != nil {
		log.Fatal(err)
	}
	train, test := splitCorpus(all)
	fileWeight := map[string]float64{}
	for f := range strings.SplitSeq(*weights, ",") {
		name, w, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(w, 64)
		if err != nil {
			log.Fatalf("-weights: %v", err)
		}
		fileWeight[name] = v
	}
	var costs []float64
	for f := range strings.SplitSeq(*cs, ",") {
		if f = strings.TrimSpace(f); f != "" {
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				log.Fatalf("-cs: %v", err)
			}
			costs = append(costs, v)
		}
	}
	start := time.Now()
	examples := make([]analyze.ReadingExample, len(train))
	for i, m := range train {
		examples[i] = analyze.ReadingExample{ID: m.ID, Text: m.Text, Anger: m.Anger, Complaint: m.Complaint, Sentiment: m.Sentiment, Weight: fileWeight[m.file]}
		for k := range m.signalKinds() {
			examples[i].Signals = append(examples[i].Signals, k)
		}
	}
	model, fit, err := base.TrainReading(examples, analyze.ReadingOptions{
		Cs: costs, PosExp: *posExp, MinCount: *minCount, Prune: *prune, DenseScale: *denseScale, NoGrams: *noGrams, NoDense: *noDense,
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("trained on %d of %d corpus messages (%d held out) in %s; %d n-grams kept",
		len(train), len(all), len(test), time.Since(start).Round(time.Millisecond), model.Size())
	if len(fit.Skipped) > 0 {
		log.Printf("left out %d messages the analyzer does not read as English: %s", len(fit.Skipped), strings.Join(fit.Skipped, " "))
	}
	printOOF(kept(train, fit.Skipped), model, fit)

	_, customers, devErr := readDev(cfg.devLabels, cfg.devTweets)
	if devErr != nil && !errors.Is(devErr, fs.ErrNotExist) {
		log.Fatal(devErr)
	}
	a := must(base.WithReadingModel(model))
	if *thresholds == "dev" {
		if devErr != nil {
			log.Fatalf("-thresholds dev: %v", devErr)
		}
		// The honest figure first: each half of the dev set read with
		// thresholds chosen on the other half.
		crossFitDev(model, base, customers, *devMin)
		chooseThresholds(a, customers, *devMin, os.Stdout)
	}
	if *write {
		f, err := os.Create(*out)
		if err != nil {
			log.Fatal(err)
		}
		if err := model.Save(f); err != nil {
			log.Fatal(err)
		}
		if err := f.Close(); err != nil {
			log.Fatal(err)
		}
		st, _ := os.Stat(*out)
		log.Printf("wrote %s (%d bytes)", *out, st.Size())
	}
	evaluate(a, cfg)
}

// kept returns msgs without the ones whose ids are in skipped.
func kept(msgs []message, skipped []string) []message {
	var out []message
	for _, m := range msgs {
		if !slices.Contains(skipped, m.ID) {
			out = append(out, m)
		}
	}
	return out
}

func must[T any](v T, err error) T {
	if err != nil {
		log.Fatal(err)
	}
	return v
}

func loadModel(path string) *analyze.ReadingModel {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	return must(analyze.LoadReadingModel(f))
}

// readFunc reads text with a, as an unreadable text reads: calm, neutral.
func readFunc(a *analyze.Analyzer) func(string) analyze.Reading {
	return func(text string) analyze.Reading {
		r, err := a.Read(text)
		if err != nil {
			return analyze.Reading{Level: analyze.Calm, Sentiment: "neutral"}
		}
		return r
	}
}

// evaluate prints the scores of a on the held-out split of the corpus
// and, when its tweets are on this machine, on the dev set.
func evaluate(a *analyze.Analyzer, cfg config) {
	read := readFunc(a)
	all, err := readCorpus(filepath.Join(cfg.corpus, "customers-*.jsonl"))
	if err != nil {
		log.Fatal(err)
	}
	_, test := splitCorpus(all)
	score(test, read).print(os.Stdout, fmt.Sprintf("team corpus, held-out split (%s)", cfg.corpus))
	dev, customers, err := readDev(cfg.devLabels, cfg.devTweets)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Printf("\ntwcs dev set: %s is not on this machine; skipped\n", cfg.devTweets)
		return
	case err != nil:
		log.Fatal(err)
	}
	if cfg.half >= 0 {
		customers = onHalf(customers, cfg.half)
		score(customers, read).print(os.Stdout, fmt.Sprintf("twcs dev, customer tweets, half %d only", cfg.half))
		return
	}
	score(customers, read).print(os.Stdout, "twcs dev, customer tweets (the 35 tweets the labeller marked as not from a customer left out)")
	score(dev, read).print(os.Stdout, "twcs dev, all labelled tweets")
}

// printOOF prints each label's out-of-fold figures on the training split.
func printOOF(train []message, m *analyze.ReadingModel, fit *analyze.ReadingFit) {
	truth := truthOf(train)
	with, alone := m.Thresholds()
	fmt.Printf("\nout of fold on the training split (%d messages, 5 folds; a label alone, without the rules' second opinion)\n\n", len(train))
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "label\tsupport\tprecision\trecall\tF1 at the best threshold\tthreshold with the rules\talone\tC\t")
	for l, name := range fit.Labels {
		var t tally
		th := fit.BestThreshold(l)
		for i, p := range fit.OOF[l] {
			t.add(p >= th, truth[name][i])
		}
		p, r, f := t.prf()
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%g\t\n", name, t.tp+t.fn, p, r, f, with[l], alone[l], fit.C[l])
	}
	tw.Flush()
}

// truthOf returns, per reading-model label, whether each message has it.
func truthOf(msgs []message) map[string][]bool {
	out := map[string][]bool{}
	add := func(name string, v bool) { out[name] = append(out[name], v) }
	for _, m := range msgs {
		add("angry", m.Anger >= 1)
		add("anger_2", m.Anger >= 2)
		add("anger_3", m.Anger >= 3)
		add("complaint", m.Complaint)
		add("negative", m.Sentiment == "negative")
		add("positive", m.Sentiment == "positive")
		kinds := m.signalKinds()
		for _, k := range signalKinds {
			add(k, kinds[k])
		}
	}
	return out
}
