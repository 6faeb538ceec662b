// Command eval-corrections measures what the desk learns from its agents'
// corrections on the team's labelled corpus (data/cs). A fresh desk
// ingests one half of the corpus as its history; two simulated agents
// correct a share of the readings the labels disagree with (angrier than
// shown, not angry, missed and wrong signals); the desk learns; then it
// ingests the other half, and the readings there — adjusted and as the
// engine read them — are scored against the labels.
//
//	go run ./tools/eval-corrections                  # learn on customers-a, score on customers-b
//	go run ./tools/eval-corrections -share 0.5       # agents correct half of what is wrong
//	go run ./tools/eval-corrections -swap            # learn on customers-b, score on customers-a
//
// It is deterministic: the corrected messages are chosen by position.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
)

type item struct {
	ID      string `json:"id"`
	Text    string `json:"text"`
	Anger   int    `json:"anger"`
	Signals []struct {
		Kind string `json:"kind"`
	} `json:"signals"`
}

func (it item) signals() []string {
	var out []string
	for _, s := range it.Signals {
		out = append(out, s.Kind)
	}
	return out
}

func main() {
	data := flag.String("data", "data/cs", "directory with customers-a.jsonl and customers-b.jsonl")
	share := flag.Float64("share", 1, "share of the misread messages the agents correct")
	swap := flag.Bool("swap", false, "learn on customers-b and score on customers-a")
	flag.Parse()
	history, fresh := "customers-a.jsonl", "customers-b.jsonl"
	if *swap {
		history, fresh = fresh, history
	}
	learnOn, scoreOn := load(filepath.Join(*data, history)), load(filepath.Join(*data, fresh))

	ctx := context.Background()
	dir, err := os.MkdirTemp("", "eval-corrections")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(dir, "desk.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	d := desk.New(db, desk.Options{Analyzer: analyze.Default()})
	var agents []desk.User
	for _, email := range []string{"sam@eval.test", "ana@eval.test"} {
		u, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: email, Name: email[:3], Role: desk.RoleAgent})
		if err != nil {
			log.Fatal(err)
		}
		agents = append(agents, u)
	}

	// The history, and the agents' corrections of it: every misreading
	// counts, and each nth of them (n from -share) is corrected.
	start := time.Now()
	seen, corrected := 0, 0
	every := max(1, int(1 / *share + 0.5))
	correct := func(msg int64, in desk.CorrectionInput) {
		seen++
		if seen%every != 0 {
			return
		}
		if _, _, err := d.Correct(ctx, agents[corrected%2], msg, in); err != nil {
			log.Fatal(err)
		}
		corrected++
	}
	for i, it := range learnOn {
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("h%d@eval.test", i), Text: it.Text})
		if err != nil || !res.Reading.Supported {
			continue
		}
		r := res.Reading
		switch {
		case it.Anger >= 1 && r.Level == analyze.Calm:
			correct(res.MessageID, desk.CorrectionInput{Kind: desk.CorrectAngrier})
		case it.Anger == 0 && r.Level != analyze.Calm:
			correct(res.MessageID, desk.CorrectionInput{Kind: desk.CorrectNotAngry})
		}
		got := signalKinds(r)
		for _, s := range desk.SignalKinds {
			switch want := slices.Contains(it.signals(), s); {
			case want && !slices.Contains(got, s):
				correct(res.MessageID, desk.CorrectionInput{Kind: desk.CorrectMissedSignal, Signal: s})
			case !want && slices.Contains(got, s):
				correct(res.MessageID, desk.CorrectionInput{Kind: desk.CorrectWrongSignal, Signal: s})
			}
		}
	}
	fmt.Printf("history: %s, %d messages, %d misreadings, %d corrected (%s)\n", history, len(learnOn), seen, corrected, time.Since(start).Round(time.Second))
	start = time.Now()
	res, err := d.LearnCorrections(ctx)
	if err != nil {
		log.Fatal(err)
	}
	if !res.Trained {
		fmt.Println("nothing learned:", res.Skipped)
		return
	}
	fmt.Printf("learned in %s\n\n", time.Since(start).Round(time.Second))
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "correction\tmessages\tout of fold: put right\tchanged uncorrected\tprecision\tthreshold\tapplies")
	for _, a := range res.Model.Adjusters {
		name := string(a.Correction)
		if a.Signal != "" {
			name += ":" + a.Signal
		}
		applies := "yes"
		if !a.Applies {
			applies = "no: " + a.Why
		}
		if !a.Measured {
			fmt.Fprintf(tw, "%s\t%d\t\t\t\t\t%s\n", name, a.Messages, applies)
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%d (%.0f%%)\t%d of %d (%.1f%%)\t%.2f\t%.3f\t%s\n", name, a.Messages, a.Adjusted, 100*a.Agreement, a.Falsely, a.Compared, 100*a.FalseRate, a.Precision, a.Threshold, applies)
	}
	tw.Flush()

	// The other half, scored against its labels as the engine read it and
	// as the desk adjusted it.
	var engine, adjusted scores
	changed := 0
	for i, it := range scoreOn {
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("n%d@eval.test", i), Text: it.Text})
		if err != nil || !res.Reading.Supported {
			continue
		}
		plain, err := analyze.Default().Read(it.Text)
		if err != nil {
			log.Fatal(err)
		}
		engine.add(it, plain)
		adjusted.add(it, res.Reading)
		if res.Reading.Anger != plain.Anger || !slices.Equal(signalKinds(res.Reading), signalKinds(plain)) {
			changed++
		}
	}
	fmt.Printf("\nscored on %s: %d messages, %d readings adjusted\n", fresh, len(scoreOn), changed)
	tw = tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "reading\tangry P\tangry R\tangry F1\tsignals P\tsignals R\tsignals micro-F1")
	for _, row := range []struct {
		name string
		s    scores
	}{{"the engine's", engine}, {"adjusted", adjusted}} {
		ap, ar, af := prf(row.s.angryTP, row.s.angryFP, row.s.angryFN)
		sp, sr, sf := prf(row.s.sigTP, row.s.sigFP, row.s.sigFN)
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", row.name, ap, ar, af, sp, sr, sf)
	}
	tw.Flush()
}

type scores struct{ angryTP, angryFP, angryFN, sigTP, sigFP, sigFN int }

func (s *scores) add(it item, r analyze.Reading) {
	switch want := it.Anger >= 1; {
	case want && r.Angry:
		s.angryTP++
	case want:
		s.angryFN++
	case r.Angry:
		s.angryFP++
	}
	got := signalKinds(r)
	for _, k := range desk.SignalKinds {
		switch want := slices.Contains(it.signals(), k); {
		case want && slices.Contains(got, k):
			s.sigTP++
		case want:
			s.sigFN++
		case slices.Contains(got, k):
			s.sigFP++
		}
	}
}

func prf(tp, fp, fn int) (float64, float64, float64) {
	p := float64(tp) / float64(max(1, tp+fp))
	r := float64(tp) / float64(max(1, tp+fn))
	if p+r == 0 {
		return p, r, 0
	}
	return p, r, 2 * p * r / (p + r)
}

func signalKinds(r analyze.Reading) []string {
	var out []string
	for _, s := range r.Signals {
		if !slices.Contains(out, s.Kind) {
			out = append(out, s.Kind)
		}
	}
	return out
}

func load(path string) []item {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	var out []item
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var it item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			log.Fatalf("%s: %v", path, err)
		}
		out = append(out, it)
	}
	if err := sc.Err(); err != nil {
		log.Fatal(err)
	}
	return out
}
