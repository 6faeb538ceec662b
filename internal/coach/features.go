package coach

import (
	"strings"
	"sync"

	"github.com/calmdesk/calmdesk/internal/playbook"
)

// feature is one hashed feature of a reply; sent is the sentence its words
// are in, or -1 for a feature of the whole reply (a rule's verdict, the
// length, the customer's reading).
type feature struct {
	key  uint64
	sent int32
}

// featureBufs recycles the feature lists of reviews: a 1 KB reply has
// about 800 features, and allocating them each time showed as garbage
// collection in the benchmarks.
var featureBufs = sync.Pool{New: func() any { return new([]feature) }}

// maxPooledFeatures bounds the lists kept for reuse (a 64 KB reply).
const maxPooledFeatures = 1 << 15

// Seeds keep the kinds of features apart in the hash space.
const (
	seedWord   uint64 = 0x6a09e667f3bcc908
	seedBigram uint64 = 0xbb67ae8584caa73b
	seedName   uint64 = 0x3c6ef372fe94f82b
	seedFirst  uint64 = 0xa54ff53a5f1d36f1
)

func hashString(seed uint64, s string) uint64 {
	h := seed ^ 0xcbf29ce484222325
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 0x100000001b3
	}
	return h
}

func mix(a, b uint64) uint64 {
	h := a*0x9E3779B97F4A7C15 ^ b
	h ^= h >> 29
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>32
}

var (
	hStart  = hashString(seedWord, "<s>")
	hEnd    = hashString(seedWord, "</s>")
	hEndQ   = hashString(seedWord, "</s?>")
	hNumber = hashString(seedWord, "<num>")
	hBigram = hashString(seedBigram, "")
)

// nameKey2 is the key of a named feature, prefix + name ("rule:" +
// "blame"), hashed without building the string.
func nameKey2(prefix, name string) uint64 {
	h := seedName ^ 0xcbf29ce484222325
	for i := 0; i < len(prefix); i++ {
		h ^= uint64(prefix[i])
		h *= 0x100000001b3
	}
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 0x100000001b3
	}
	return h
}

// evidence is what the rules found in a reply: the model's features and,
// where the model agrees, the review's spans.
type evidence struct {
	steps      map[string]Step
	findings   []Finding // pitfalls found by rules
	concerns   []Concern
	covered    bool
	coverStart int
	coverEnd   int
	promises   []Promise
}

// features lists the hashed features of a reviewed reply: its words and
// word pairs by sentence, the rules' verdicts, its shape and the
// customer's reading.
func (c *Coach) features(d *doc, ev *evidence, out []feature) []feature {
	add := func(prefix, name string) { out = append(out, feature{key: nameKey2(prefix, name), sent: -1}) }
	words := 0
	first := 0
	questions := 0
	specific := 0 // words outside the vocabulary every support reply shares
	for si, s := range d.sents {
		prev := hStart
		for i := s.from; i < s.to; i++ {
			t := &d.toks[i]
			var h uint64
			switch t.kind {
			case kWord, kSymbol:
				h = hashString(seedWord, t.norm)
				words++
				if t.kind == kWord && !genericWords[t.norm] && !strings.HasPrefix(t.norm, "@") {
					specific++
				}
			case kNumber:
				h = hNumber
				words++
			default:
				continue
			}
			out = append(out, feature{key: h, sent: int32(si)}, feature{key: mix(prev, h) ^ hBigram, sent: int32(si)})
			if first < 3 {
				out = append(out, feature{key: h ^ seedFirst, sent: int32(si)})
				first++
			}
			prev = h
		}
		end := hEnd
		if isQuestion(d, si) {
			end = hEndQ
			questions++
		}
		out = append(out, feature{key: mix(prev, end) ^ hBigram, sent: int32(si)})
	}
	// The rules' verdicts.
	for _, id := range playbook.StepIDs {
		if ev.steps[id].Done {
			add("step:", id)
		}
	}
	for o, ms := range d.matches {
		if len(ms) > 0 && c.ownerKeys[o] != 0 {
			out = append(out, feature{key: c.ownerKeys[o], sent: -1})
		}
	}
	for _, f := range ev.findings {
		add("rule:", f.Rule)
	}
	for _, cm := range ev.promises {
		if cm.Vague {
			add("commitment:", "vague")
		} else {
			add("commitment:", "timed")
		}
	}
	if len(d.times) > 0 {
		add("times", "")
	}
	// Shape.
	add("words:", bucket(words, 3, 6, 12, 25, 50, 100, 200))
	add("sentences:", bucket(len(d.sents), 1, 2, 3, 5, 8))
	text := d.text
	if strings.Contains(text, "http://") || strings.Contains(text, "https://") || strings.Contains(text, "www.") {
		add("url", "")
		if words <= 8 {
			add("url:short", "")
		}
	}
	if mentionInBody(text) {
		add("mention:body", "")
	}
	// A reply that only asks (what happened, which device) gathers facts;
	// it neither blames nor argues, whatever its words.
	switch {
	case questions == 0:
	case questions == len(d.sents):
		add("questions:", "all")
	default:
		add("questions:", "some")
	}
	// A reply of nothing but the words any support reply uses ("please DM
	// us so we can further assist") could go to anyone: robotic.
	add("specific:", bucket(specific, 1, 2, 5, 12))
	if signedOff(text) {
		add("signoff", "") // a person wrote it: not a template, and it often opens with a greeting
	}
	// The customer: what they raised (their anger level is left out: it
	// says what the reply should do, not what it does).
	nconc := 0
	for _, r := range d.ctx.Readings {
		if r.Complaint {
			add("customer:complaint", "")
		}
		// Cheer answers praise well and an angry customer badly.
		switch {
		case r.Angry:
			add("customer:angry", "")
		case r.Sentiment == "positive":
			add("customer:positive", "")
		case !r.Complaint:
			add("customer:calm", "")
		}
		for _, s := range r.Signals {
			add("signal:", s.Kind)
		}
		for _, cn := range r.Concerns {
			add("concern:", cn.Kind)
			nconc++
		}
	}
	addressed := 0
	for _, cn := range ev.concerns {
		if cn.Addressed {
			addressed++
		}
	}
	switch {
	case nconc == 0:
	case addressed == len(ev.concerns):
		add("coverage:", "all")
	case addressed > 0:
		add("coverage:", "some")
	default:
		add("coverage:", "none")
	}
	return out
}

// bucket names the band n falls in among ascending limits: "le3", …,
// "gt200".
func bucket(n int, limits ...int) string {
	for _, l := range limits {
		if n <= l {
			return bandNames[l]
		}
	}
	return "gt" + bandNames[limits[len(limits)-1]][2:]
}

// bandNames are the names of the limits bucket uses.
var bandNames = map[int]string{1: "le1", 2: "le2", 3: "le3", 5: "le5", 6: "le6", 8: "le8", 12: "le12", 25: "le25", 50: "le50", 100: "le100", 200: "le200"}

// mentionInBody reports an @name after the leading ones a tweet opens
// with: "reach out to @XboxSupport" sends the customer elsewhere.
func mentionInBody(s string) bool {
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t') {
			i++
		}
		if i < len(s) && s[i] == '@' {
			for i < len(s) && s[i] != ' ' && s[i] != '\n' {
				i++
			}
			continue
		}
		break
	}
	for j := strings.IndexByte(s[i:], '@'); j >= 0; j = strings.IndexByte(s[i:], '@') {
		k := i + j
		if k+1 < len(s) && isWordByte(s[k+1]) && (k == 0 || !isWordByte(s[k-1])) {
			return true
		}
		i = k + 1
	}
	return false
}

// signedOff reports whether a reply ends in a sign-off, as support teams
// sign tweets and emails: initials or a name after ^, *, -, ~ or /
// ("^JS", "-Mike", "*AB", "/PB", "- Ed"), bare initials after the last
// sentence ("… your connection. KB"), or a closing line and a name
// ("Kind regards,\nAnna").
func signedOff(s string) bool {
	s = strings.TrimRight(s, " \t\r\n")
	// Only the end matters: the last two lines, at most 120 bytes.
	if len(s) > 120 {
		s = s[len(s)-120:]
	}
	fields := strings.Fields(s)
	if len(fields) < 2 {
		return false
	}
	last := fields[len(fields)-1]
	prev := fields[len(fields)-2]
	// "- Ed", "– Sam", "^ JS": a mark alone, then a name.
	if (prev == "-" || prev == "–" || prev == "—" || prev == "^" || prev == "~") && isName(last) {
		return true
	}
	// "^JS", "-Becky", "*AAB", "/PB", also glued to the sentence: "here!-Anwar".
	for i := len(last) - 2; i >= 0; i-- {
		switch last[i] {
		case '^', '*', '~', '/', '-':
			if !isName(last[i+1:]) {
				return false
			}
			if i == 0 || last[i] == '^' || last[i] == '*' || last[i] == '~' {
				return true
			}
			// "-Name" or "/PB" glued on: only after the end of a sentence.
			return strings.ContainsRune(".!?)", rune(last[i-1]))
		}
	}
	// Bare initials after the last sentence: "… connection. KB".
	if len(last) >= 2 && len(last) <= 3 && allUpper(last) && !notInitials[last] && strings.ContainsRune(".!?", rune(prev[len(prev)-1])) {
		return true
	}
	// An email's closing: "Regards,", "Best wishes," … on the line before a name.
	lines := strings.Split(s, "\n")
	if n := len(lines); n >= 2 && len(strings.Fields(lines[n-1])) <= 3 && isName(strings.Fields(lines[n-1])[0]) {
		closing := strings.ToLower(strings.TrimSpace(lines[n-2]))
		for _, c := range []string{"regards", "best", "best wishes", "kind regards", "many thanks", "thanks", "thank you", "cheers", "sincerely", "yours sincerely", "warm regards", "all the best"} {
			if strings.TrimRight(closing, ",.!") == c {
				return true
			}
		}
	}
	return false
}

// notInitials are capitals a reply may end with that are not a person's.
var notInitials = map[string]bool{"OK": true, "ASAP": true, "FYI": true, "DM": true, "PM": true, "AM": true, "UK": true, "US": true, "USA": true, "TV": true, "ID": true, "PIN": true, "SMS": true, "FAQ": true}

// isName reports whether s looks like a name or initials: one to twenty
// ASCII letters starting with a capital.
func isName(s string) bool {
	if len(s) == 0 || len(s) > 20 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// allUpper reports whether s is ASCII capitals only.
func allUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return s != ""
}

// genericWords are the words a reply can be made of without saying anything
// about this customer's problem: function words and the vocabulary of
// support templates ("please send us a direct message so we can further
// assist you").
var genericWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or but so if to of in on at by for with from into about as is are was were be been being am
		i me my we us our you your it its this that these those there here they them their he she his her
		do does did done have has had will would can could shall should may might must not no yes
		please kindly thanks thank hi hello hey dear there team customer
		send sent dm dms direct message messages private privately pm reach out contact contacting get touch
		help helping assist assistance assisting further support supporting look looking take looked into more details detail info information
		happy glad love like want would we'd we're i'm let know keep updated posted any anything else further
		sorry apologize apologise apologies hear concern concerns issue issues experience inconvenience trouble
		link below above here via click visit follow following profile top regards best wishes kind
		just now today soon shortly asap also all how what when where which who why can't cannot`) {
		m[w] = true
	}
	return m
}()
