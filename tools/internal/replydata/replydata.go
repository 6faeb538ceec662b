// Package replydata reads the labelled agent replies the coach is trained
// and measured on, maps a coach.Review to their labels and scores the
// agreement. It serves tools/train-coach and tools/eval-coach.
package replydata

import (
	"bufio"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// Labels are the 16 labels of data/cs/GUIDELINE-reply.md, in its order.
var Labels = []string{"greeting", "empathy", "apology", "ownership", "action", "expectation", "follow_up", "thanks", "concern_addressed",
	"deflection", "blame", "non_apology", "vague_timing", "minimizing", "arguing", "robotic"}

// Core are the 13 labels the outside measure of issue 11 averages: the 16
// without greeting, thanks and concern_addressed, which say little about
// de-escalation.
var Core = []string{"empathy", "apology", "ownership", "action", "expectation", "follow_up",
	"deflection", "blame", "non_apology", "vague_timing", "minimizing", "arguing", "robotic"}

// Example is one labelled reply with the customer message it answers. A
// label missing from Labels is unknown (the coach's own test cases do not
// say every step).
type Example struct {
	ID       string
	Channel  string
	Customer string
	Reply    string
	Labels   map[string]bool
	// Ctx, when set, is the reply's context; else Context reads Customer.
	Ctx *coach.Context
	// Round is the labelling round of a dev reply: 0 for the first 606
	// labelled, 2 for the 1,198 added in December 2026 (the rest of the
	// pool's replies to customer tweets).
	Round int
}

// Context is the example's coach context.
func (e Example) Context(a *analyze.Analyzer) coach.Context {
	if e.Ctx != nil {
		return *e.Ctx
	}
	return Context(a, e.Customer)
}

// SentAt is the send time every evaluated reply gets: a Friday afternoon.
var SentAt = time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC)

type corpusLine struct {
	ID       string          `json:"id"`
	Channel  string          `json:"channel"`
	Industry string          `json:"industry"`
	Customer string          `json:"customer"`
	Reply    string          `json:"reply"`
	Labels   map[string]bool `json:"labels"`
}

// LoadCorpus reads the team's labelled replies (dir/replies-*.jsonl),
// sorted by id. A line that does not parse or lacks a label is an error.
func LoadCorpus(dir string) ([]Example, error) {
	files, err := filepath.Glob(filepath.Join(dir, "replies-*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("replydata: no replies-*.jsonl in %s", dir)
	}
	var out []Example
	seen := map[string]bool{}
	for _, f := range files {
		err := eachLine(f, func(n int, line []byte) error {
			var l corpusLine
			if err := json.Unmarshal(line, &l); err != nil {
				return fmt.Errorf("%s:%d: %w", f, n, err)
			}
			for _, lab := range Labels {
				if _, ok := l.Labels[lab]; !ok {
					return fmt.Errorf("%s:%d: label %s missing", f, n, lab)
				}
			}
			if seen[l.ID] || strings.TrimSpace(l.Reply) == "" {
				return nil // a duplicate id or an empty reply: skip, the writers are still at work
			}
			seen[l.ID] = true
			out = append(out, Example{ID: l.ID, Channel: l.Channel, Customer: l.Customer, Reply: l.Reply, Labels: l.Labels})
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// HeldOut reports whether a corpus reply belongs to the test split: a fifth
// of the ids, by hash, which no training or threshold choice sees.
func HeldOut(id string) bool {
	h := fnv.New32a()
	h.Write([]byte("coach-test:" + id))
	return h.Sum32()%5 == 0
}

// Split divides the corpus into training and held-out replies.
func Split(all []Example) (train, test []Example) {
	for _, e := range all {
		if HeldOut(e.ID) {
			test = append(test, e)
		} else {
			train = append(train, e)
		}
	}
	return train, test
}

// DevHalf is the half (0 or 1) of the development set a reply belongs to,
// by hash of its id: errors are studied on half 0 only, so half 1 stays a
// set nobody read errors on.
func DevHalf(id string) int {
	h := uint32(2166136261)
	for _, b := range []byte("half:" + id) {
		h ^= uint32(b)
		h *= 16777619
	}
	return int(h % 2)
}

type tweet struct {
	ID   string `json:"tweet_id"`
	Text string `json:"text"`
}

type devLine struct {
	TweetID   string          `json:"tweet_id"`
	InReplyTo string          `json:"in_reply_to"`
	Round     int             `json:"round"`
	Labels    map[string]bool `json:"labels"`
}

// LoadDev reads the real development set: labels keyed by tweet id, texts
// from the tweets file. It returns os.ErrNotExist (wrapped) when the texts
// are not on this machine.
func LoadDev(labelsPath, tweetsPath string) ([]Example, error) {
	texts := map[string]string{}
	if err := eachLine(tweetsPath, func(n int, line []byte) error {
		var t tweet
		if err := json.Unmarshal(line, &t); err != nil {
			return fmt.Errorf("%s:%d: %w", tweetsPath, n, err)
		}
		texts[t.ID] = t.Text
		return nil
	}); err != nil {
		return nil, err
	}
	var out []Example
	err := eachLine(labelsPath, func(n int, line []byte) error {
		var l devLine
		if err := json.Unmarshal(line, &l); err != nil {
			return fmt.Errorf("%s:%d: %w", labelsPath, n, err)
		}
		reply, ok := texts[l.TweetID]
		if !ok {
			return fmt.Errorf("%s:%d: tweet %s not in %s", labelsPath, n, l.TweetID, tweetsPath)
		}
		out = append(out, Example{ID: l.TweetID, Channel: "tweet", Customer: texts[l.InReplyTo], Reply: reply, Labels: l.Labels, Round: l.Round})
		return nil
	})
	return out, err
}

func eachLine(path string, fn func(n int, line []byte) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<22)
	n := 0
	for sc.Scan() {
		n++
		if len(strings.TrimSpace(sc.Text())) == 0 {
			continue
		}
		if err := fn(n, sc.Bytes()); err != nil {
			return err
		}
	}
	return sc.Err()
}

// Context is the coach context of a reply as the desk would build it for a
// customer message given as text: the analyzer's reading of it.
func Context(a *analyze.Analyzer, customer string) coach.Context {
	ctx := coach.Context{SentAt: SentAt}
	if strings.TrimSpace(customer) != "" {
		if r, err := a.Read(customer); err == nil {
			ctx.Readings = []analyze.Reading{r}
		}
	}
	return ctx
}

// Predicted maps a Review to the 16 labels: a step label is its step done
// (concern_addressed is the "concerns" step: every concern answered), a
// pitfall label is a finding of the rule with the same id.
func Predicted(rv coach.Review) map[string]bool {
	out := make(map[string]bool, len(Labels))
	for _, s := range rv.Steps {
		id := s.ID
		if id == playbook.StepConcerns {
			id = "concern_addressed"
		}
		if s.Done {
			out[id] = true
		}
	}
	for _, f := range rv.Findings {
		out[f.Rule] = true
	}
	return out
}

// LoadCases reads the coach's own test cases (internal/coach/testdata/…):
// replies written by the team with the findings and steps a supervisor
// expects. Pitfall labels are known for every case (expect lists every
// finding); steps when the case lists them, or, at an anger level where
// their absence is reported, from missing_apology, missing_empathy and
// no_action.
func LoadCases(dir string, a *analyze.Analyzer) ([]Example, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	var out []Example
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for _, block := range strings.Split("\n"+string(b), "\n=== ")[1:] {
			id, rest, _ := strings.Cut(block, "\n")
			head, body, ok := strings.Cut(rest, "\n---\n")
			if !ok {
				return nil, fmt.Errorf("%s: case %s has no ---", f, id)
			}
			ctx := coach.Context{Level: analyze.Annoyed, SentAt: SentAt}
			expect := map[string]bool{}
			var steps map[string]bool
			for _, l := range strings.Split(head, "\n") {
				key, val, _ := strings.Cut(l, ":")
				val = strings.TrimSpace(val)
				switch key {
				case "level":
					ctx.Level = analyze.Level(val)
				case "name":
					ctx.CustomerName = val
				case "venting":
					ctx.VentingWave = val == "true"
				case "customer":
					if r, err := a.Read(val); err == nil {
						r.Level = ctx.Level
						ctx.Readings = append(ctx.Readings, r)
					}
				case "concern":
					parts := append(strings.Split(val, "|"), "", "", "")
					if len(ctx.Readings) == 0 {
						ctx.Readings = []analyze.Reading{{Language: "en", Supported: true, Level: ctx.Level}}
					}
					ctx.Readings[0].Concerns = append(ctx.Readings[0].Concerns, analyze.Concern{Kind: strings.TrimSpace(parts[0]), Text: strings.TrimSpace(parts[1]), Paraphrase: strings.TrimSpace(parts[2])})
				case "expect":
					for _, id := range strings.Fields(val) {
						expect[id] = true
					}
				case "steps":
					steps = map[string]bool{}
					for _, id := range strings.Fields(val) {
						steps[id] = true
					}
				}
			}
			labels := map[string]bool{}
			for _, l := range []string{"deflection", "blame", "non_apology", "vague_timing", "minimizing", "arguing", "robotic"} {
				labels[l] = expect[l]
			}
			if steps != nil {
				for _, id := range playbook.StepIDs {
					l := id
					if id == playbook.StepConcerns {
						l = "concern_addressed"
					}
					labels[l] = steps[id]
				}
			} else if ctx.Level != analyze.Calm {
				labels["apology"] = !expect[playbook.RuleMissingApology]
				labels["empathy"] = !expect[playbook.RuleMissingEmpathy]
				labels["action"] = !expect[playbook.RuleNoAction]
			}
			c := ctx
			out = append(out, Example{ID: "case:" + filepath.Base(f) + "/" + strings.TrimSpace(id), Channel: "email",
				Reply: strings.TrimSpace(body), Labels: labels, Ctx: &c})
		}
	}
	return out, nil
}

// Count is a confusion count for one label.
type Count struct{ TP, FP, FN, TN int }

// Add counts one decision.
func (c *Count) Add(got, want bool) {
	switch {
	case got && want:
		c.TP++
	case got:
		c.FP++
	case want:
		c.FN++
	default:
		c.TN++
	}
}

// P is precision (1 when nothing was asserted).
func (c Count) P() float64 {
	if c.TP+c.FP == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FP)
}

// R is recall (1 when there is nothing to find).
func (c Count) R() float64 {
	if c.TP+c.FN == 0 {
		return 1
	}
	return float64(c.TP) / float64(c.TP+c.FN)
}

// F1 is the harmonic mean of P and R; 0 when there are no true positives,
// unless there was nothing to find and nothing was asserted (1).
func (c Count) F1() float64 {
	if c.TP == 0 {
		if c.FP == 0 && c.FN == 0 {
			return 1
		}
		return 0
	}
	return 2 * float64(c.TP) / float64(2*c.TP+c.FP+c.FN)
}

// Scores are the counts of every label over a set of replies.
type Scores map[string]*Count

// Score compares predictions with labels.
func Score(pred []map[string]bool, gold []Example) Scores {
	s := Scores{}
	for _, l := range Labels {
		s[l] = &Count{}
	}
	for i, e := range gold {
		for _, l := range Labels {
			s[l].Add(pred[i][l], e.Labels[l])
		}
	}
	return s
}

// Macro is the mean F1 over labels.
func (s Scores) Macro(labels []string) float64 {
	sum := 0.0
	for _, l := range labels {
		sum += s[l].F1()
	}
	return sum / float64(len(labels))
}

// Table formats per-label support, P, R, F1 and both macro-F1s.
func (s Scores) Table(title string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%-18s %7s %6s %6s %6s\n", title, "label", "support", "P", "R", "F1")
	for _, l := range Labels {
		c := s[l]
		mark := " "
		if !contains(Core, l) {
			mark = "*"
		}
		fmt.Fprintf(&b, "%-18s %7d %6.3f %6.3f %6.3f\n", l+mark, c.TP+c.FN, c.P(), c.R(), c.F1())
	}
	fmt.Fprintf(&b, "macro-F1, 13 core labels: %.3f   all 16: %.3f   (* not in the 13)\n", s.Macro(Core), s.Macro(Labels))
	return b.String()
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
