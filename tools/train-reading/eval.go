package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// tally counts a yes/no prediction against the truth.
type tally struct{ tp, fp, fn, tn int }

func (t *tally) add(pred, truth bool) {
	switch {
	case pred && truth:
		t.tp++
	case pred:
		t.fp++
	case truth:
		t.fn++
	default:
		t.tn++
	}
}

func (t *tally) merge(o tally) {
	t.tp += o.tp
	t.fp += o.fp
	t.fn += o.fn
	t.tn += o.tn
}

func (t tally) prf() (p, r, f float64) {
	if t.tp+t.fp > 0 {
		p = float64(t.tp) / float64(t.tp+t.fp)
	}
	if t.tp+t.fn > 0 {
		r = float64(t.tp) / float64(t.tp+t.fn)
	}
	if t.tp > 0 {
		f = 2 * float64(t.tp) / float64(2*t.tp+t.fp+t.fn)
	}
	return p, r, f
}

// signalKinds are the signals a Reading reports, in the order reports list them.
var signalKinds = []string{
	analyze.SignalManagerRequest, analyze.SignalLegalThreat, analyze.SignalRegulatorComplaint,
	analyze.SignalChargeback, analyze.SignalPublicExposure, analyze.SignalChurnThreat,
	analyze.SignalSafetyIssue, analyze.SignalRepeatContact, analyze.SignalLongWait,
	analyze.SignalVulnerableCustomer,
}

// scores are a set of messages read and compared with their labels.
type scores struct {
	n                      int
	angry, angry2, furious tally
	complaint              tally
	sentiment              [3]tally // negative, neutral, positive, each against the rest
	sentimentRight         int
	levelRight             int
	absErr                 int
	signals                map[string]*tally
	spanTP, spanHit        int // signals found with a labelled span, and those whose span overlaps it
}

var sentiments = [3]string{"negative", "neutral", "positive"}

// score reads every message with read and tallies the Reading against the labels.
func score(msgs []message, read func(string) analyze.Reading) *scores {
	s := &scores{signals: map[string]*tally{}}
	for _, k := range signalKinds {
		s.signals[k] = &tally{}
	}
	for _, m := range msgs {
		r := read(m.Text)
		s.n++
		level := levelNumber(r.Level)
		if !r.Supported {
			level = 0
		}
		s.angry.add(level >= 1, m.Anger >= 1)
		s.angry2.add(level >= 2, m.Anger >= 2)
		s.furious.add(level >= 3, m.Anger >= 3)
		if level == m.Anger {
			s.levelRight++
		}
		s.absErr += max(level-m.Anger, m.Anger-level)
		s.complaint.add(r.Supported && r.Complaint, m.Complaint)
		sent := r.Sentiment
		if !r.Supported {
			sent = "neutral"
		}
		for k, c := range sentiments {
			s.sentiment[k].add(sent == c, m.Sentiment == c)
		}
		if sent == m.Sentiment {
			s.sentimentRight++
		}
		truth := m.signalKinds()
		found := map[string][]analyze.Signal{}
		for _, sg := range r.Signals {
			found[sg.Kind] = append(found[sg.Kind], sg)
		}
		for _, k := range signalKinds {
			s.signals[k].add(len(found[k]) > 0, truth[k])
		}
		for _, gold := range m.Signals {
			if gold.Span == "" || len(found[gold.Kind]) == 0 {
				continue
			}
			at := strings.Index(m.Text, gold.Span)
			if at < 0 {
				continue
			}
			s.spanTP++
			for _, sg := range found[gold.Kind] {
				if sg.Start < at+len(gold.Span) && at < sg.End {
					s.spanHit++
					break
				}
			}
		}
	}
	return s
}

func levelNumber(l analyze.Level) int {
	switch l {
	case analyze.Annoyed:
		return 1
	case analyze.Angry:
		return 2
	case analyze.Furious:
		return 3
	}
	return 0
}

// merge adds the tallies of o to s.
func (s *scores) merge(o *scores) {
	s.n += o.n
	s.angry.merge(o.angry)
	s.angry2.merge(o.angry2)
	s.furious.merge(o.furious)
	s.complaint.merge(o.complaint)
	for k := range s.sentiment {
		s.sentiment[k].merge(o.sentiment[k])
	}
	s.sentimentRight += o.sentimentRight
	s.levelRight += o.levelRight
	s.absErr += o.absErr
	for k, t := range o.signals {
		s.signals[k].merge(*t)
	}
	s.spanTP += o.spanTP
	s.spanHit += o.spanHit
}

// micro returns the signals' tallies summed over kinds.
func (s *scores) micro() tally {
	var t tally
	for _, k := range signalKinds {
		t.merge(*s.signals[k])
	}
	return t
}

// print writes the scores as a Markdown table.
func (s *scores) print(w io.Writer, title string) {
	fmt.Fprintf(w, "\n%s (%d messages)\n\n", title, s.n)
	fmt.Fprintln(w, "| label | support | precision | recall | F1 |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	row := func(name string, t tally) {
		p, r, f := t.prf()
		fmt.Fprintf(w, "| %s | %d | %.3f | %.3f | %.3f |\n", name, t.tp+t.fn, p, r, f)
	}
	row("**angry** (anger ≥ 1)", s.angry)
	row("angry or furious (anger ≥ 2)", s.angry2)
	row("furious (anger 3)", s.furious)
	row("**complaint**", s.complaint)
	for k, c := range sentiments {
		row("sentiment "+c, s.sentiment[k])
	}
	for _, k := range signalKinds {
		row(k, *s.signals[k])
	}
	row("**signals, micro**", s.micro())
	fmt.Fprintf(w, "\nlevel exact %.3f, mean level error %.3f, sentiment accuracy %.3f",
		float64(s.levelRight)/float64(max(1, s.n)), float64(s.absErr)/float64(max(1, s.n)),
		float64(s.sentimentRight)/float64(max(1, s.n)))
	if s.spanTP > 0 {
		fmt.Fprintf(w, ", signal spans overlapping the labelled words %d of %d", s.spanHit, s.spanTP)
	}
	fmt.Fprintln(w)
}

// printMisses prints the dev tweets a misreads on one label, for studying
// errors (the text stays on this machine: it is not the project's to copy).
func printMisses(a *analyze.Analyzer, cfg config, label string) {
	_, customers, err := readDev(cfg.devLabels, cfg.devTweets)
	if err != nil {
		fmt.Println(err)
		return
	}
	if cfg.half >= 0 {
		customers = onHalf(customers, cfg.half)
	}
	read := readFunc(a)
	for _, m := range customers {
		r := read(m.Text)
		var pred, truth bool
		switch label {
		case "angry":
			pred, truth = r.Angry, m.Anger >= 1
		case "complaint":
			pred, truth = r.Complaint, m.Complaint
		default:
			for _, s := range r.Signals {
				pred = pred || s.Kind == label
			}
			truth = m.signalKinds()[label]
		}
		if pred != truth {
			fmt.Printf("%s pred=%v truth=%v anger=%d/%d %q\n", m.ID, pred, truth, r.Anger, m.Anger, strings.ReplaceAll(m.Text, "\n", " / "))
		}
	}
}
