package coach

import (
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// generic words say nothing about which concern a sentence answers.
var generic = map[string]bool{
	"order": true, "issue": true, "problem": true, "thing": true, "things": true, "help": true, "time": true, "service": true,
	"customer": true, "company": true, "please": true, "want": true, "need": true, "just": true, "really": true, "still": true,
	"you": true, "your": true, "yours": true, "this": true, "that": true, "with": true, "have": true, "has": true, "had": true,
	"was": true, "were": true, "are": true, "been": true, "being": true, "why": true, "what": true, "when": true, "how": true,
	"who": true, "where": true, "which": true, "would": true, "could": true, "should": true, "will": true, "can": true,
	"not": true, "now": true, "all": true, "any": true, "some": true, "did": true, "does": true, "get": true, "got": true,
	"going": true, "make": true, "made": true, "let": true, "know": true, "told": false, "even": true, "again": true,
	"for": true, "and": true, "but": true, "the": true, "from": true, "into": true, "about": true, "there": true, "their": true,
	"they": true, "them": true, "then": true, "than": true, "also": true, "very": true, "here": true, "able": true, "yet": false,
	"one": true, "my": true, "me": true, "our": true, "we": true, "us": true, "its": true, "it": true, "is": true, "be": true,
	"to": true, "of": true, "in": true, "on": true, "at": true, "by": true, "as": true, "or": true, "if": true, "so": true,
	"do": true, "an": true, "a": true, "no": true, "yes": true, "ok": true, "okay": true, "say": true, "said": true,
	"today": true, "day": true, "days": false, "week": false, "month": true, "year": true, "anyone": true, "someone": true,
	"nothing": true, "something": true, "everything": true, "anything": true, "fix": true, "sort": true, "sorted": true,
	"people": true, "guys": true, "team": true, "support": true, "times": false, "ever": true, "never": true, "because": true,
	"right": true, "way": true, "back": true, "like": true, "money": false, "pay": false, "again.": true, "asked": true, "ask": true, "through": true, "put": true, "check": true, "checking": true, "asking": true, "wondering": true, "happen": true, "happening": true, "happened": true, "status": true, "news": true, "progress": true, "latest": true, "hoping": true, "looking": true, "trying": true, "try": true, "wonder": true, "hope": true, "look": true, "speak": true, "talk": true, "send": true, "give": true, "tell": true, "provide": true,
}

// lemmas fold irregular verb forms: "sent" meets "send".
var lemmas = map[string]string{"sent": "send", "paid": "pay", "bought": "buy", "told": "tell", "got": "get", "gotten": "get", "made": "make", "took": "take", "taken": "take", "gave": "give", "given": "give", "left": "leave", "broke": "broken", "lost": "lose", "went": "go", "gone": "go", "came": "come", "said": "say", "wrote": "write", "written": "write", "spoke": "speak", "spoken": "speak", "ran": "run", "kept": "keep", "held": "hold", "found": "find", "chose": "choose", "chosen": "choose"}

// stem folds a word to a crude stem so that "charged" meets "charge".
func stem(w string) string {
	for _, suf := range []string{"ing", "ed", "es", "s", "ly"} {
		if len(w) >= len(suf)+3 && strings.HasSuffix(w, suf) {
			w = w[:len(w)-len(suf)]
			break
		}
	}
	// "write" and "writing" meet at "writ", "charge" and "charged" at "charg".
	if len(w) > 4 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	return w
}

// keyOf maps a word to the key concerns are compared on: its concept when
// the playbook names one, else its stem. Empty means "not a content word".
func (c *Coach) keyOf(t *tok) string {
	w := t.norm
	if t.flags&fConcept != 0 {
		return c.m.concept[t.id]
	}
	if t.kind == kNumber {
		if len(w) >= 2 {
			return "#" + w // a number is as good as an entity: "10 years", "order 4471"
		}
		return ""
	}
	if n, ok := numberWords[w]; ok && n >= 10 {
		return "#" + strconv.Itoa(n) // "ten years" meets "10 years"
	}
	if len(w) < 3 || t.flags&fStop != 0 || t.kind != kWord {
		return ""
	}
	if l, ok := lemmas[w]; ok {
		w = l
	}
	st := stem(w)
	if generic[st] {
		return "" // "asking" says no more than "ask"
	}
	return st
}

// tokenizeAnnotated tokenizes a concern's text the way replies are.
func (c *Coach) tokenizeAnnotated(s string) []tok {
	toks := tokenize(s)
	c.m.annotate(toks)
	return toks
}

// concerns checks which of the customer's concerns the reply answers. A
// feeling is answered by acknowledgement; any other concern by a sentence
// that names its order number or amount, or shares enough of its words.
func (c *Coach) concerns(d *doc, acknowledged, acted bool, actStart, actEnd int) (out []Concern, allAddressed bool, start, end int) {
	if len(d.ctx.Readings) == 0 {
		return []Concern{}, false, 0, 0
	}
	// The sentences each key of the reply appears in.
	keySents := map[string][]int{}
	for si, s := range d.sents {
		for i := s.from; i < s.to; i++ {
			if k := c.keyOf(&d.toks[i]); k != "" {
				if l := keySents[k]; len(l) == 0 || l[len(l)-1] != si {
					keySents[k] = append(l, si)
				}
			}
		}
	}
	out = []Concern{}
	allAddressed = true
	start, end = 0, 0
	any := false
	// Keys of every concern, and how many concerns share each key: a word
	// two concerns share does not tell them apart.
	type item struct {
		ri   int
		cn   analyze.Concern
		keys map[string]bool
	}
	var items []item
	shared := map[string]int{}
	for ri, r := range d.ctx.Readings {
		for _, cn := range r.Concerns {
			cn.Kind = concernKind(c, r, cn)
			keys := map[string]bool{}
			for _, k := range c.textKeys(cn.Text) {
				keys[k] = true
			}
			for _, k := range c.textKeys(cn.Paraphrase) {
				keys[k] = true
			}
			for _, e := range cn.Entities {
				for _, t := range tokenize(e.Text) {
					if t.kind == kNumber && len(t.norm) >= 3 {
						keys["#"+t.norm] = true
					}
				}
			}
			for k := range keys {
				shared[k]++
			}
			items = append(items, item{ri, cn, keys})
		}
	}
	for _, it := range items {
		cn, keys := it.cn, it.keys
		{
			con := Concern{Kind: cn.Kind, Text: cn.Text, Paraphrase: cn.Paraphrase, Message: it.ri}
			distinct := 0
			for k := range keys {
				if shared[k] == 1 && !strings.HasPrefix(k, "#") {
					distinct++
				}
			}
			switch {
			case cn.Kind == "feeling":
				con.Addressed = acknowledged
			case len(keys) == 0 || cn.Kind == kindThreat:
				// "Fix it now!": nothing to match on; any concrete action answers it.
				con.Addressed = acted
				if acted {
					con.Start, con.End = actStart, actEnd
				}
			default:
				bestSi, best := -1, 0.0
				hitsBy := make([]int, len(d.sents))
				distinctBy := make([]int, len(d.sents))
				entityBy := make([]bool, len(d.sents))
				for k := range keys {
					if strings.HasPrefix(k, "#") {
						for _, si := range keySents[k] {
							entityBy[si] = true
						}
						continue
					}
					for _, si := range keySents[k] {
						hitsBy[si]++
						if shared[k] == 1 {
							distinctBy[si]++
						}
					}
				}
				for si := range d.sents {
					hits, distinctHits, entity := hitsBy[si], distinctBy[si], entityBy[si]
					if hits == 0 && !entity {
						continue
					}
					if !entity && distinct > 0 && distinctHits == 0 {
						continue // only words every concern shares
					}
					n := 0
					for k := range keys {
						if !strings.HasPrefix(k, "#") {
							n++
						}
					}
					score := 0.0
					switch {
					case entity:
						score = 1
					// A long concern ("the flight was cancelled and you still
					// charged the seat fee") needs more than its first half.
					case n > 0 && (hits >= max(2, (2*n+4)/5) || hits >= 1 && n <= 2 || float64(hits)/float64(n) >= 0.5):
						score = float64(hits) / float64(n)
					}
					if score > best {
						bestSi, best = si, score
					}
				}
				if bestSi >= 0 {
					con.Addressed = true
					con.Start, con.End = d.sents[bestSi].start, d.sents[bestSi].end
				}
			}
			if !con.Addressed {
				allAddressed = false
			} else if !any && con.End > 0 {
				start, end, any = con.Start, con.End, true
			}
			out = append(out, con)
		}
	}
	if len(out) == 0 {
		allAddressed = false
	}
	return out, allAddressed, start, end
}

// kindThreat marks a concern that is a threat (chargeback, lawyer, going
// public): solving the problem answers it, repeating it back does not.
const kindThreat = "threat"

var threatSignals = map[string]bool{
	analyze.SignalLegalThreat: true, analyze.SignalRegulatorComplaint: true, analyze.SignalChargeback: true,
	analyze.SignalPublicExposure: true, analyze.SignalChurnThreat: true,
}

// concernKind refines the analyzer's kind of a concern: a sentence of pure
// feeling ("Really disappointed.") is a feeling, a threat is a threat.
func concernKind(c *Coach, r analyze.Reading, cn analyze.Concern) string {
	for _, sg := range r.Signals {
		if threatSignals[sg.Kind] && sg.Start >= cn.Start && sg.End <= cn.End && cn.End > cn.Start {
			return kindThreat
		}
	}
	if cn.Kind == "feeling" {
		return cn.Kind
	}
	// "Is this how you treat loyal customers?" asks nothing: it is anger.
	low := strings.ToLower(cn.Text)
	for _, r := range c.pb.Vocabulary["rhetorical"] {
		if strings.Contains(low, r) {
			return "feeling"
		}
	}
	if c.textInfo(cn.Text).feelingOnly {
		return "feeling"
	}
	return cn.Kind
}

// textInfo is what the coach needs from a concern's words: its keys, and
// whether it is nothing but feeling words. A case is reviewed again at
// every keystroke, with the same concerns, so the answer is remembered.
type textInfo struct {
	keys        []string
	feelingOnly bool
}

// maxMemo bounds the remembered concern texts; past it, the memo starts
// afresh.
const maxMemo = 4096

func (c *Coach) textInfo(s string) textInfo {
	if v, ok := c.memo.Load(s); ok {
		return v.(textInfo)
	}
	var ti textInfo
	words, feel := 0, 0
	for _, t := range c.tokenizeAnnotated(s) {
		if k := c.keyOf(&t); k != "" {
			ti.keys = append(ti.keys, k)
		}
		if t.kind != kWord || t.flags&fStop != 0 && !c.feelings.has(&t) {
			continue
		}
		words++
		if c.feelings.has(&t) {
			feel++
		}
	}
	ti.feelingOnly = words > 0 && feel == words
	if c.memoSize.Add(1) > maxMemo {
		c.memo.Clear()
		c.memoSize.Store(0)
	}
	c.memo.Store(s, ti)
	return ti
}

func (c *Coach) textKeys(s string) []string {
	if s == "" {
		return nil
	}
	return c.textInfo(s).keys
}
