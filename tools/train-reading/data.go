package main

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// message is one labelled customer message: the team corpus's schema, and
// the twcs dev labels joined with their tweets' text.
type message struct {
	ID        string `json:"id"`
	Channel   string `json:"channel"`
	Industry  string `json:"industry"`
	Text      string `json:"text"`
	Anger     int    `json:"anger"`
	Complaint bool   `json:"complaint"`
	Sentiment string `json:"sentiment"`
	Signals   []span `json:"signals"`
	Concerns  []span `json:"concerns"`
	file      string // the corpus file's name without .jsonl
}

// span is a labelled signal or concern with the words that show it.
type span struct {
	Kind string `json:"kind"`
	Span string `json:"span"`
}

// signalKinds returns the distinct signal kinds labelled on m.
func (m *message) signalKinds() map[string]bool {
	out := map[string]bool{}
	for _, s := range m.Signals {
		out[s.Kind] = true
	}
	return out
}

// heldOut reports whether a corpus message belongs to the held-out test
// split: a fifth of the ids, chosen by hash, so the split never moves as
// the corpus grows. Nothing trained or tuned sees these messages.
func heldOut(id string) bool {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()%5 == 0
}

// readCorpus reads the team corpus files matching glob (customers-*.jsonl).
func readCorpus(glob string) ([]message, error) {
	files, err := filepath.Glob(glob)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no corpus files match %s", glob)
	}
	slices.Sort(files)
	var out []message
	seen := map[string]bool{}
	for _, f := range files {
		rows, err := readJSONL[message](f)
		if err != nil {
			return nil, err
		}
		for _, m := range rows {
			if m.ID == "" || m.Text == "" || seen[m.ID] {
				return nil, fmt.Errorf("%s: missing or repeated id %q", f, m.ID)
			}
			seen[m.ID] = true
			m.file = strings.TrimSuffix(filepath.Base(f), ".jsonl")
			out = append(out, m)
		}
	}
	return out, nil
}

// splitCorpus returns the training messages and the held-out ones.
func splitCorpus(all []message) (train, test []message) {
	for _, m := range all {
		if heldOut(m.ID) {
			test = append(test, m)
		} else {
			train = append(train, m)
		}
	}
	return train, test
}

// devLabel is one line of data/cs/twcs-dev/customer-labels.jsonl.
type devLabel struct {
	TweetID   string   `json:"tweet_id"`
	Anger     int      `json:"anger"`
	Complaint bool     `json:"complaint"`
	Sentiment string   `json:"sentiment"`
	Signals   []string `json:"signals"`
	Note      string   `json:"note"`
}

// notCustomer matches the labeller's notes on the tweets that are not a
// customer writing to a company (a company's own tweet marked inbound, a
// bystander taunting another customer).
var notCustomer = regexp.MustCompile(`marked inbound|not a customer|company-side|bystander|another customer|company tweet`)

// readDev joins the dev labels with the tweets' text. It returns
// os.ErrNotExist (wrapped) when the tweets are not on this machine.
func readDev(labels, tweets string) (all []message, customers []message, err error) {
	if _, err := os.Stat(tweets); err != nil {
		return nil, nil, err
	}
	type tweet struct {
		ID   string `json:"tweet_id"`
		Text string `json:"text"`
	}
	tw, err := readJSONL[tweet](tweets)
	if err != nil {
		return nil, nil, err
	}
	text := map[string]string{}
	for _, t := range tw {
		text[t.ID] = t.Text
	}
	ls, err := readJSONL[devLabel](labels)
	if err != nil {
		return nil, nil, err
	}
	for _, l := range ls {
		t, ok := text[l.TweetID]
		if !ok {
			return nil, nil, fmt.Errorf("%s: tweet %s not in %s", labels, l.TweetID, tweets)
		}
		m := message{ID: l.TweetID, Channel: "tweet", Text: t, Anger: l.Anger, Complaint: l.Complaint, Sentiment: l.Sentiment}
		for _, k := range l.Signals {
			m.Signals = append(m.Signals, span{Kind: k})
		}
		all = append(all, m)
		if !notCustomer.MatchString(l.Note) {
			customers = append(customers, m)
		}
	}
	return all, customers, nil
}

// readJSONL reads one JSON value per line. A last line without its
// newline that does not parse is a line still being written: it is left out.
func readJSONL[T any](path string) ([]T, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	lines := strings.Split(string(b), "\n")
	var out []T
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var v T
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			if i == len(lines)-1 {
				break
			}
			return nil, fmt.Errorf("%s:%d: %w", path, i+1, err)
		}
		out = append(out, v)
	}
	return out, nil
}
