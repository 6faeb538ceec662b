package coach

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/calendar"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// corpusCase is one reply of testdata/corpus with what a careful supervisor
// expects the review to say about it.
type corpusCase struct {
	file, id string
	ctx      Context
	reply    string
	expect   map[string]bool
	steps    map[string]bool // nil: not checked
	due      []string
	amount   string
}

func loadCorpus(t testing.TB) []corpusCase { return loadCases(t, "corpus") }

func loadCases(t testing.TB, dir string) []corpusCase {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	var out []corpusCase
	for _, f := range files {
		out = append(out, parseCorpusFile(t, f)...)
	}
	return out
}

func parseCorpusFile(t testing.TB, path string) []corpusCase {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []corpusCase
	var cur *corpusCase
	var body []string
	inBody := false
	flush := func() {
		if cur == nil {
			return
		}
		cur.reply = strings.TrimSpace(strings.Join(body, "\n"))
		out = append(out, *cur)
	}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		if id, ok := strings.CutPrefix(l, "=== "); ok {
			flush()
			cur = &corpusCase{file: filepath.Base(path), id: strings.TrimSpace(id), expect: map[string]bool{}}
			cur.ctx = Context{Level: analyze.Annoyed, SentAt: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC), Calendar: calendar.Default()}
			body, inBody = nil, false
			continue
		}
		if cur == nil {
			continue
		}
		if inBody {
			body = append(body, l)
			continue
		}
		if l == "---" {
			inBody = true
			continue
		}
		key, val, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("%s:%d: bad header %q", path, line, l)
		}
		val = strings.TrimSpace(val)
		switch key {
		case "level":
			cur.ctx.Level = analyze.Level(val)
		case "name":
			cur.ctx.CustomerName = val
		case "venting":
			cur.ctx.VentingWave = val == "true"
		case "sent":
			ts, err := time.Parse(time.RFC3339, val)
			if err != nil {
				t.Fatalf("%s:%d: %v", path, line, err)
			}
			cur.ctx.SentAt = ts
		case "tz":
			loc, err := time.LoadLocation(val)
			if err != nil {
				t.Skipf("time zone %s: %v", val, err)
			}
			cur.ctx.Calendar = cur.ctx.Calendar.In(loc)
		case "customer":
			// The customer's message, read by the real analyzer: its concerns
			// and signals (the level stays the one the case states).
			r, err := analyze.Read(val)
			if err != nil {
				t.Fatalf("%s:%d: analyze: %v", path, line, err)
			}
			r.Level = cur.ctx.Level
			cur.ctx.Readings = append(cur.ctx.Readings, r)
		case "concern":
			parts := strings.Split(val, "|")
			for len(parts) < 3 {
				parts = append(parts, "")
			}
			cn := analyze.Concern{Kind: strings.TrimSpace(parts[0]), Text: strings.TrimSpace(parts[1]), Paraphrase: strings.TrimSpace(parts[2])}
			if len(cur.ctx.Readings) == 0 {
				cur.ctx.Readings = []analyze.Reading{{Language: "en", Supported: true, Level: cur.ctx.Level}}
			}
			cur.ctx.Readings[0].Concerns = append(cur.ctx.Readings[0].Concerns, cn)
		case "expect":
			for _, id := range strings.Fields(val) {
				if id != "-" {
					cur.expect[id] = true
				}
			}
		case "steps":
			cur.steps = map[string]bool{}
			for _, id := range strings.Fields(val) {
				cur.steps[id] = true
			}
		case "due":
			cur.due = strings.Fields(val)
		case "amount":
			cur.amount = val
		default:
			t.Fatalf("%s:%d: unknown header %q", path, line, key)
		}
	}
	flush()
	return out
}

type prCount struct{ tp, fp, fn int }

func (c prCount) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c prCount) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

// TestCorpus reviews every reply of the corpus and reports precision and
// recall per rule and accuracy per step. It fails below precision 0.95 or
// recall 0.90 for any rule, or when a due time or amount is wrong.
func TestCorpus(t *testing.T) {
	cases := loadCorpus(t)
	if len(cases) < 150 {
		t.Errorf("corpus has %d replies, want at least 150", len(cases))
	}
	evaluate(t, cases, true)
}

// TestHoldout reviews replies written after the rules, in other styles and
// trades, and reports the same figures without failing: it is the honest
// estimate of how the coach does on replies it was not tuned on.
func TestHoldout(t *testing.T) {
	evaluate(t, loadCases(t, "holdout"), false)
}

func evaluate(t *testing.T, cases []corpusCase, strict bool) {
	errorf := t.Errorf
	if !strict {
		errorf = t.Logf
	}
	c := New(nil)
	rules := map[string]*prCount{}
	steps := map[string]*prCount{}
	for _, id := range playbook.RuleIDs {
		rules[id] = &prCount{}
	}
	stepRight, stepTotal := map[string]int{}, map[string]int{}
	for _, cc := range cases {
		rv, err := c.Review(cc.reply, cc.ctx)
		if err != nil {
			errorf("%s/%s: %v", cc.file, cc.id, err)
			continue
		}
		got := map[string]bool{}
		for _, f := range rv.Findings {
			got[f.Rule] = true
		}
		for id := range union(got, cc.expect) {
			if rules[id] == nil {
				rules[id] = &prCount{}
			}
			switch {
			case got[id] && cc.expect[id]:
				rules[id].tp++
			case got[id]:
				rules[id].fp++
				t.Logf("FP %-16s %s/%s: %s", id, cc.file, cc.id, findingText(rv, id))
			default:
				rules[id].fn++
				t.Logf("FN %-16s %s/%s", id, cc.file, cc.id)
			}
		}
		if cc.steps != nil {
			for _, s := range rv.Steps {
				if steps[s.ID] == nil {
					steps[s.ID] = &prCount{}
				}
				stepTotal[s.ID]++
				if s.Done == cc.steps[s.ID] {
					stepRight[s.ID]++
				} else {
					t.Logf("STEP %-12s %s/%s: got done=%v", s.ID, cc.file, cc.id, s.Done)
				}
			}
		}
		if cc.due != nil {
			var dues []string
			for _, cm := range rv.Promises {
				if cm.DueAt != nil {
					dues = append(dues, cm.DueAt.Format(time.RFC3339))
				}
			}
			if strings.Join(dues, " ") != strings.Join(cc.due, " ") {
				errorf("%s/%s: due %v, want %v (commitments %+v)", cc.file, cc.id, dues, cc.due, rv.Promises)
			}
		}
		if cc.amount != "" {
			amt := ""
			for _, cm := range rv.Promises {
				if cm.Amount != "" {
					amt = cm.Amount
					break
				}
			}
			if amt != cc.amount {
				errorf("%s/%s: amount %q, want %q", cc.file, cc.id, amt, cc.amount)
			}
		}
	}
	ids := make([]string, 0, len(rules))
	for id := range rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	t.Logf("corpus: %d replies", len(cases))
	t.Logf("%-20s %5s %5s %5s %9s %6s", "rule", "tp", "fp", "fn", "precision", "recall")
	for _, id := range ids {
		r := rules[id]
		if r.tp+r.fp+r.fn == 0 {
			continue
		}
		t.Logf("%-20s %5d %5d %5d %9.3f %6.3f", id, r.tp, r.fp, r.fn, r.precision(), r.recall())
		if r.precision() < 0.95 || r.recall() < 0.90 {
			errorf("rule %s: precision %.3f recall %.3f, want ≥ 0.95 and ≥ 0.90", id, r.precision(), r.recall())
		}
		if r.tp+r.fn < 5 && id != playbook.RuleUnsupportedLanguage {
			errorf("rule %s: only %d positive replies in the corpus, want at least 5", id, r.tp+r.fn)
		}
	}
	sids := make([]string, 0, len(stepTotal))
	for id := range stepTotal {
		sids = append(sids, id)
	}
	sort.Strings(sids)
	for _, id := range sids {
		acc := float64(stepRight[id]) / float64(stepTotal[id])
		t.Logf("step %-12s accuracy %.3f (%d/%d)", id, acc, stepRight[id], stepTotal[id])
		if acc < 0.9 {
			errorf("step %s: accuracy %.3f, want ≥ 0.90", id, acc)
		}
	}
}

func union(a, b map[string]bool) map[string]bool {
	out := map[string]bool{}
	for k := range a {
		out[k] = true
	}
	for k := range b {
		out[k] = true
	}
	return out
}

func findingText(rv Review, id string) string {
	var parts []string
	for _, f := range rv.Findings {
		if f.Rule == id {
			parts = append(parts, fmt.Sprintf("%q", f.Text))
		}
	}
	return strings.Join(parts, ", ")
}
