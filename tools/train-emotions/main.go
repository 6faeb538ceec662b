// Command train-emotions trains calmdesk's emotion model on GoEmotions'
// train split, reports per-label F1 on the dev split, and writes the model
// that internal/analyze embeds. It is deterministic: the same data and flags
// give the same bytes.
//
//	go run ./tools/train-emotions                 # train, evaluate, write
//	go run ./tools/train-emotions -eval           # evaluate the committed model
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
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

// derived is the extra label trained next to GoEmotions' own: the anger
// score of a Reading is calibrated on it.
const derived = "anger_or_annoyance"

// groups are further derived labels: any of their members (GoEmotions'
// own sentiment grouping, and Ekman's anger). They give the second stage
// steadier evidence than a rare label's own score. With them the model has
// 32 labels, which keeps a bucket's weights in half a cache line (see
// denseStride in internal/analyze).
var groups = []struct {
	name    string
	members []string
}{
	{"group_anger", []string{"anger", "annoyance", "disapproval", "disgust"}},
	{"group_negative", []string{"anger", "annoyance", "disappointment", "disapproval", "disgust", "embarrassment", "fear", "grief", "nervousness", "remorse", "sadness"}},
	{"group_positive", []string{"admiration", "amusement", "approval", "caring", "desire", "excitement", "gratitude", "joy", "love", "optimism", "pride", "relief"}},
}

func main() {
	data := flag.String("data", "../shared/data/goemotions", "folder with train.tsv, dev.tsv, emotions.txt")
	out := flag.String("out", "internal/analyze/data/emotions.bin", "where to write the model")
	eval := flag.Bool("eval", false, "only evaluate the model at -out on dev")
	bits := flag.Uint("bits", 0, "hash bits (0: default)")
	c := flag.Float64("c", 0, "SVM cost (0: default)")
	cs := flag.String("cs", "", "comma-separated SVM costs to try per label, the best out of fold kept (empty: -c only)")
	posExp := flag.Float64("pos-exp", 0, "positive weighting exponent (0: default)")
	folds := flag.Int("folds", 0, "cross-validation folds (0: default)")
	minCount := flag.Int("min-count", 0, "vocabulary minimum count (0: default)")
	prune := flag.Int("prune", 1, "drop features whose int8 weights are all within ±prune (0 keeps all)")
	bag := flag.Bool("bag", true, "average the cross-validation models instead of retraining on all of train")
	stage := flag.String("second-stage", "trained", "which labels use the second stage: trained (as chosen out of fold), all, none")
	stack := flag.Bool("stack", true, "fit a second stage over all labels' scores")
	useGroups := flag.Bool("groups", true, "train the group labels too")
	flag.Parse()
	if !*useGroups {
		groups = nil
	}
	log.SetFlags(0)

	names, err := readLines(filepath.Join(*data, "emotions.txt"))
	if err != nil {
		log.Fatal(err)
	}
	dev, err := readTSV(filepath.Join(*data, "dev.tsv"), names)
	if err != nil {
		log.Fatal(err)
	}
	var model *analyze.EmotionModel
	if *eval {
		f, err := os.Open(*out)
		if err != nil {
			log.Fatal(err)
		}
		model, err = analyze.LoadEmotionModel(f)
		f.Close()
		if err != nil {
			log.Fatal(err)
		}
		if *prune > 0 {
			model.Prune(*prune)
		}
	} else {
		train, err := readTSV(filepath.Join(*data, "train.tsv"), names)
		if err != nil {
			log.Fatal(err)
		}
		start := time.Now()
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
		all := append(names, derived)
		for _, g := range groups {
			all = append(all, g.name)
		}
		model, err = analyze.TrainEmotions(train, all, analyze.EmotionOptions{
			Bits: *bits, C: *c, Cs: costs, PosExp: *posExp, Folds: *folds, MinCount: *minCount, Stack: *stack, Bag: *bag,
		})
		if err != nil {
			log.Fatal(err)
		}
		model.Prune(*prune)
		log.Printf("trained on %d examples in %s", len(train), time.Since(start).Round(time.Millisecond))
	}
	switch *stage {
	case "all":
		model.UseSecondStage(func(string) bool { return true })
	case "none":
		model.UseSecondStage(func(string) bool { return false })
	}
	if !*eval {
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
	// The embedded reading model was trained over the embedded emotion
	// model: the full Reading is measured with it only when that is the
	// model evaluated.
	var reading *analyze.ReadingModel
	if *eval && *out == "internal/analyze/data/emotions.bin" {
		reading = analyze.Default().ReadingModel()
	}
	report(os.Stdout, model, reading, dev, names)
}

func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(b)), nil
}

// readTSV reads GoEmotions rows: text, comma-separated label ids, id.
func readTSV(path string, names []string) ([]analyze.EmotionExample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []analyze.EmotionExample
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 {
			return nil, fmt.Errorf("%s: bad row %q", path, sc.Text())
		}
		ex := analyze.EmotionExample{Text: cols[0]}
		aa := false
		for id := range strings.SplitSeq(cols[1], ",") {
			n, err := strconv.Atoi(id)
			if err != nil || n < 0 || n >= len(names) {
				return nil, fmt.Errorf("%s: bad label %q", path, id)
			}
			ex.Labels = append(ex.Labels, names[n])
			aa = aa || names[n] == "anger" || names[n] == "annoyance"
		}
		if aa {
			ex.Labels = append(ex.Labels, derived)
		}
		for _, g := range groups {
			for _, m := range g.members {
				if slices.Contains(ex.Labels, m) {
					ex.Labels = append(ex.Labels, g.name)
					break
				}
			}
		}
		out = append(out, ex)
	}
	return out, sc.Err()
}

type counts struct{ tp, fp, fn int }

func (c *counts) add(pred, truth bool) {
	switch {
	case pred && truth:
		c.tp++
	case pred:
		c.fp++
	case truth:
		c.fn++
	}
}

func (c counts) f1() (p, r, f float64) {
	if c.tp+c.fp > 0 {
		p = float64(c.tp) / float64(c.tp+c.fp)
	}
	if c.tp+c.fn > 0 {
		r = float64(c.tp) / float64(c.tp+c.fn)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return
}

// report prints precision, recall and F1 per label on dev, the label
// asserted when its probability reaches the model's threshold, and the
// full Reading's angry flag (with the reading model, when given).
func report(w io.Writer, m *analyze.EmotionModel, reading *analyze.ReadingModel, dev []analyze.EmotionExample, names []string) {
	labels := m.Labels()
	th := m.Thresholds()
	cs := make([]counts, len(labels))
	var or counts    // anger OR annoyance asserted, against the derived truth
	var angry counts // a full Reading's angry flag (model + rules), against the same truth
	analyzer := analyze.New(m)
	if reading != nil {
		a, err := analyzer.WithReadingModel(reading)
		if err != nil {
			log.Fatal(err)
		}
		analyzer = a
	}
	ia, in := indexOf(labels, "anger"), indexOf(labels, "annoyance")
	start := time.Now()
	for _, ex := range dev {
		p := m.Predict(ex.Text)
		truth := map[string]bool{}
		for _, l := range ex.Labels {
			truth[l] = true
		}
		for l, name := range labels {
			pred := p[l] >= th[l]
			switch {
			case pred && truth[name]:
				cs[l].tp++
			case pred:
				cs[l].fp++
			case truth[name]:
				cs[l].fn++
			}
		}
		pred := p[ia] >= th[ia] || p[in] >= th[in]
		or.add(pred, truth[derived])
		r, err := analyzer.Read(ex.Text)
		angry.add(err == nil && r.Angry, truth[derived])
	}
	elapsed := time.Since(start)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "label\tsupport\tprecision\trecall\tF1\tthreshold\t")
	macro := 0.0
	for l, name := range labels {
		p, r, f := cs[l].f1()
		fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t\n", name, cs[l].tp+cs[l].fn, p, r, f, th[l])
		if indexOf(names, name) >= 0 {
			macro += f
		}
	}
	p, r, f := or.f1()
	fmt.Fprintf(tw, "anger OR annoyance\t%d\t%.3f\t%.3f\t%.3f\t\t\n", or.tp+or.fn, p, r, f)
	p, r, f = angry.f1()
	fmt.Fprintf(tw, "Reading.angry (rules too)\t%d\t%.3f\t%.3f\t%.3f\t\t\n", angry.tp+angry.fn, p, r, f)
	tw.Flush()
	fmt.Fprintf(w, "macro-F1 over the %d GoEmotions labels: %.3f (dev, %d texts, scored in %s)\n",
		len(names), macro/float64(len(names)), len(dev), elapsed.Round(time.Millisecond))
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}
