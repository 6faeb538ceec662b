package training

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/mail"
)

// The personal-data spans of data/pii (see data/pii/GUIDELINE.md) are
// labelled on items of two corpora outside the repository: real tweets
// (../shared/data/twcs-dev, CC BY-NC-SA: only ids and offsets are kept
// here) and real test mail of other projects (../shared/data/mail-corpus).
// An item's text is rebuilt here from the corpus, and its hash checked, so a
// label always points at the words it was made on.

// piiItem is one labelled item's text and the names the desk would give
// the scrubber for it (a mail's sender; nobody for a tweet, whose author is
// an anonymised number).
type piiItem struct {
	ID    string
	Text  string
	Known []string
}

// piiLabel is one line of data/pii/labels.jsonl.
type piiLabel struct {
	Item  string    `json:"item"`
	Hash  string    `json:"sha256"` // of the item's text, first 16 hex digits
	Spans []piiSpan `json:"spans"`
}

type piiSpan struct {
	Start int    `json:"start"` // byte offsets in the item's text
	End   int    `json:"end"`
	Kind  string `json:"kind"`
}

// piiKinds are the kinds of personal datum the guideline labels.
var piiKinds = []string{"name", "email", "phone", "address", "ref", "card", "iban", "url"}

func sharedData(parts ...string) string {
	return filepath.Join(append([]string{"..", "..", "..", "shared", "data"}, parts...)...)
}

func itemHash(text string) string {
	sum := sha256.Sum256([]byte(text))
	return hex.EncodeToString(sum[:8])
}

// mailItemBytes bounds a mail item: the subject and the start of the text,
// as far as a person reads when labelling.
const mailItemBytes = 1500

// piiItems loads every item the corpora hold, by id: "tweet:<id>" and
// "mail:<folder>/<file>". It returns nil when the corpora are absent.
func piiItems(t *testing.T) map[string]piiItem {
	t.Helper()
	items := map[string]piiItem{}
	f, err := os.Open(sharedData("twcs-dev", "tweets.jsonl"))
	if err != nil {
		return nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var tw struct {
			ID   string `json:"tweet_id"`
			Text string `json:"text"`
		}
		if err := json.Unmarshal(sc.Bytes(), &tw); err != nil {
			t.Fatal(err)
		}
		items["tweet:"+tw.ID] = piiItem{ID: "tweet:" + tw.ID, Text: tw.Text}
	}
	for _, folder := range []string{"messages", "replies"} {
		paths, _ := filepath.Glob(sharedData("mail-corpus", folder, "*"))
		for _, p := range paths {
			raw, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			in, err := mail.ParseBytes(raw, mail.DefaultLimits())
			if err != nil {
				continue // refused mail never becomes a case
			}
			text := in.Subject + "\n\n" + in.Text
			if len(text) > mailItemBytes {
				cut := mailItemBytes
				for cut > 0 && !utf8.RuneStart(text[cut]) {
					cut--
				}
				text = text[:cut]
			}
			id := "mail:" + folder + "/" + filepath.Base(p)
			it := piiItem{ID: id, Text: text}
			if n := strings.TrimSpace(in.From.Name); n != "" {
				it.Known = []string{n}
			}
			items[id] = it
		}
	}
	return items
}

func readPIILabels(t *testing.T, name string) []piiLabel {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "data", "pii", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []piiLabel
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var l piiLabel
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("labels.jsonl: %v", err)
		}
		out = append(out, l)
	}
	return out
}

// TestDumpPIIItems writes items for a person to read and label, when
// CALMDESK_PII_DUMP names a file: one item a line, its id, a tab and its
// text with newlines shown as ⏎. It is a labelling aid, not a check.
func TestDumpPIIItems(t *testing.T) {
	out := os.Getenv("CALMDESK_PII_DUMP")
	if out == "" {
		t.Skip("set CALMDESK_PII_DUMP to write the items to label")
	}
	items := piiItems(t)
	ids := make([]string, 0, len(items))
	for id := range items {
		if strings.HasPrefix(id, "mail:") {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", id, strings.Join(items[id].Known, ","), strings.ReplaceAll(items[id].Text, "\n", "⏎"))
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

// spanCaught reports whether the scrubber removed a labelled span of a
// kind. Replacement moves the offsets, so the scrubbed text is searched:
// an email address or URL is caught when it is gone (for a URL, its path
// and query, where the token is, or its host when it has none); a name,
// phone number, reference or address when none of its words of two
// letters or more, or with a digit, is left as a word.
func spanCaught(kind, span, scrubbed string) bool {
	lower := strings.ToLower(scrubbed)
	switch kind {
	case "email":
		return !strings.Contains(lower, strings.ToLower(span))
	case "url":
		rest := span
		if i := strings.Index(rest, "://"); i >= 0 {
			rest = rest[i+3:]
		}
		host, path, _ := strings.Cut(rest, "/")
		if strings.Trim(path, "/") == "" {
			path = host
		}
		return !strings.Contains(scrubbed, span) && !strings.Contains(scrubbed, path)
	}
	for _, w := range strings.FieldsFunc(span, func(r rune) bool { return !isWordRune(r) }) {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		if containsWord(scrubbed, w) {
			return false
		}
	}
	return true
}

// isWordRune is a letter, digit or underscore of a script that separates
// words with spaces: Han, Hangul, Hiragana and Katakana do not, so a Latin
// name next to them ("Jamisです") still stands as a word.
func isWordRune(r rune) bool {
	if unicode.In(r, unicode.Han, unicode.Hangul, unicode.Hiragana, unicode.Katakana) {
		return false
	}
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// containsWord reports whether w occurs in s as a whole word.
func containsWord(s, w string) bool {
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before, _ := utf8.DecodeLastRuneInString(s[:j])
		after, _ := utf8.DecodeRuneInString(s[j+len(w):])
		if (j == 0 || !isWordRune(before)) && (j+len(w) == len(s) || !isWordRune(after)) {
			return true
		}
		i = j + 1
	}
}

// piiTally is what the scrubber did on a set of labelled items.
type piiTally struct {
	spans, caught map[string]int
	plainWords    int // words outside every span
	plainReplaced int // of those, replaced
	drifted       int
	missed        []string
}

func (tl piiTally) recall(kind string) float64 {
	if kind == "all" {
		n, c := 0, 0
		for _, k := range piiKinds {
			n, c = n+tl.spans[k], c+tl.caught[k]
		}
		return float64(c) / float64(max(n, 1))
	}
	return float64(tl.caught[kind]) / float64(max(tl.spans[kind], 1))
}

// scrubLabelled scrubs each labelled item with a fresh scrubber told only
// what the desk would know, and tallies the spans removed and the words
// outside them replaced.
func scrubLabelled(t *testing.T, items map[string]piiItem, labels []piiLabel) piiTally {
	tl := piiTally{spans: map[string]int{}, caught: map[string]int{}}
	for _, l := range labels {
		it, ok := items[l.Item]
		if !ok || itemHash(it.Text) != l.Hash {
			tl.drifted++
			continue
		}
		scrubbed := NewScrubber(it.Known...).Scrub(it.Text)
		covered := make([]bool, len(it.Text))
		for _, sp := range l.Spans {
			if sp.Start < 0 || sp.End > len(it.Text) || sp.Start >= sp.End || !slices.Contains(piiKinds, sp.Kind) {
				t.Fatalf("%s: bad span %+v", l.Item, sp)
			}
			for i := sp.Start; i < sp.End; i++ {
				covered[i] = true
			}
			tl.spans[sp.Kind]++
			if spanCaught(sp.Kind, it.Text[sp.Start:sp.End], scrubbed) {
				tl.caught[sp.Kind]++
			} else {
				tl.missed = append(tl.missed, fmt.Sprintf("%s %s [%d:%d]", l.Item, sp.Kind, sp.Start, sp.End))
			}
		}
		for _, w := range wordsOutside(it.Text, covered) {
			tl.plainWords++
			if !containsWord(scrubbed, w) {
				tl.plainReplaced++
			}
		}
	}
	return tl
}

func (tl piiTally) log(t *testing.T, set string, items int) {
	for _, k := range piiKinds {
		if tl.spans[k] > 0 {
			t.Logf("%s: %-8s %4d spans, recall %.3f", set, k, tl.spans[k], tl.recall(k))
		}
	}
	total := 0
	for _, n := range tl.spans {
		total += n
	}
	t.Logf("%s: all      %4d spans, recall %.3f; %d items (%d drifted)", set, total, tl.recall("all"), items, tl.drifted)
	t.Logf("%s: non-personal words replaced: %d of %d (%.3f)", set, tl.plainReplaced, tl.plainWords, float64(tl.plainReplaced)/float64(max(tl.plainWords, 1)))
	if testing.Verbose() {
		for _, m := range tl.missed {
			t.Logf("%s: missed %s", set, m)
		}
	}
}

// TestScrubRecallOnLabelledSpans measures the scrubber on the labelled
// items (data/pii/labels.jsonl, 640 items): per kind, the share of
// personal data spans it removed (recall), and of the words no label
// covers, the share it replaced anyway (the cost in precision). The
// scrubber's cues were improved looking at what it missed there; 150 more
// tweets labelled afterwards (labels-heldout.jsonl), never used to change
// it, show whether the cues hold on items they were not made on.
func TestScrubRecallOnLabelledSpans(t *testing.T) {
	items := piiItems(t)
	if items == nil {
		t.Skip("no ../shared/data corpora here")
	}
	labels := readPIILabels(t, "labels.jsonl")
	if len(labels) < 500 {
		t.Fatalf("%d labelled items, want at least 500", len(labels))
	}
	tl := scrubLabelled(t, items, labels)
	tl.log(t, "labelled", len(labels))
	heldout := readPIILabels(t, "labels-heldout.jsonl")
	th := scrubLabelled(t, items, heldout)
	th.log(t, "held out", len(heldout))

	if tl.drifted > len(labels)/20 || th.drifted > len(heldout)/20 {
		t.Errorf("%d + %d labelled items no longer match their text (the corpus or the mail parser changed): relabel them", tl.drifted, th.drifted)
	}
	// Floors under what is measured today, so a change that loses recall
	// fails here; raise them as the scrubber improves.
	for k, floor := range map[string]float64{"all": 0.93, "name": 0.86, "email": 0.99, "url": 0.99} {
		if r := tl.recall(k); r < floor {
			t.Errorf("%s recall %.3f under the floor %.3f", k, r, floor)
		}
	}
	if r := th.recall("all"); r < 0.85 {
		t.Errorf("held-out recall %.3f under the floor 0.85", r)
	}
}

// wordsOutside returns the words (two runes or more) of text that no span
// covers.
func wordsOutside(text string, covered []bool) []string {
	var out []string
	start := -1
	flush := func(end int) {
		if start >= 0 {
			w := text[start:end]
			if utf8.RuneCountInString(w) >= 2 {
				out = append(out, w)
			}
			start = -1
		}
	}
	for i, r := range text {
		if isWordRune(r) && !covered[i] {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
	}
	flush(len(text))
	return out
}
