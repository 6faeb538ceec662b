package analyze

import (
	"slices"
	"strings"
)

// A phrase pattern is a sequence of slots written as words separated by
// spaces. A slot lists alternatives with "|"; "*" before a slot lets up to
// three other words come first; a slot may also be a word class:
//
//	#num      digits ("4471")
//	#count    a number or number word ("3", "three", "several")
//	#ordinal  "second", "3rd", …
//	#unit     a unit of time ("days", "weeks", …)
//
// Patterns match whole words, case-insensitively, inside one sentence. They
// run on word hashes, so matching costs one table look-up per word.
type pattern struct {
	tag    tag
	slots  []slot
	source string
}

type slot struct {
	alts  []uint64
	class wordClass
	gap   int
}

type wordClass uint8

const (
	classNone wordClass = iota
	classNum
	classCount
	classOrdinal
	classUnit
)

// tag says what a match means: a signal, a reason, a concern marker.
type tag struct {
	group  tagGroup
	name   string
	weight float64
}

type tagGroup uint8

const (
	groupSignal   tagGroup = iota
	groupReason            // a reason of kind name
	groupProblem           // a sentence states a problem
	groupRequest           // a sentence asks for an action
	groupExpect            // a sentence states an expectation
	groupFeeling           // a sentence states a feeling
	groupCalm              // wording that lowers the anger read (thanks, resolved)
	groupShout             // a clause with shouting (caps, "!!"); set by the rules, not patterns
	groupSelf              // the customer owns the mistake ("I ordered the wrong size")
	groupDistress          // a sentence states sadness, worry or disappointment
	groupHedge             // wording that softens a complaint ("a bit", "no rush")
	groupResolved          // the problem is put right ("all sorted", "thanks for fixing")
	groupHint              // wording that may show a signal of kind name: a feature and span finder for the reading model, never a signal by itself
	groupCounter           // wording that argues against a signal of kind name (the customer's own troubleshooting is no repeat contact): a feature for the reading model only
)

var (
	numberWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
		"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
		"a": 1, "an": 1, "several": 3, "few": 3, "couple": 2, "multiple": 3, "many": 5, "numerous": 5, "countless": 10,
		"dozen": 12, "dozens": 24}
	ordinalWords = map[string]int{"second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
		"eighth": 8, "ninth": 9, "tenth": 10, "umpteenth": 10, "nth": 10, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5,
		"6th": 6, "7th": 7, "8th": 8, "9th": 9, "10th": 10}
	// unitWords maps a time unit to its ISO 8601 duration designator and
	// multiplier ("weeks" are written as days, as in P21D).
	unitWords = map[string]struct {
		iso  string
		mult int
	}{
		"minute": {"TM", 1}, "minutes": {"TM", 1}, "mins": {"TM", 1}, "min": {"TM", 1},
		"hour": {"TH", 1}, "hours": {"TH", 1}, "hrs": {"TH", 1},
		"day": {"D", 1}, "days": {"D", 1},
		"week": {"D", 7}, "weeks": {"D", 7}, "wks": {"D", 7},
		"month": {"M", 1}, "months": {"M", 1},
		"year": {"Y", 1}, "years": {"Y", 1},
	}
)

// wordInfo is what the analyzer knows about one word, found with one
// look-up: lexicon flags, VADER valence, the patterns starting with it, and
// its number value if it is a number word.
type wordInfo struct {
	valence  float32 // when kind has lexValence
	kind     uint8
	classes  uint8 // 1<<classCount | 1<<classOrdinal | 1<<classUnit
	number   int
	patterns []int32
	hints    uint16 // 1<<k: the word alone is a hint of signal kind k (see hints.go)
}

func (m *lexicon) info(h uint64) *wordInfo {
	wi := m.words[h]
	if wi == nil {
		wi = &wordInfo{}
		m.words[h] = wi
	}
	return wi
}

// add compiles and registers the patterns of one tag.
func (m *lexicon) add(t tag, sources ...string) {
	for _, src := range sources {
		p := pattern{tag: t, source: src}
		gap := 0
		for f := range strings.FieldsSeq(src) {
			if f == "*" {
				gap = 3
				continue
			}
			s := slot{gap: gap}
			gap = 0
			switch f {
			case "#num":
				s.class = classNum
			case "#count":
				s.class = classCount
			case "#ordinal":
				s.class = classOrdinal
			case "#unit":
				s.class = classUnit
			default:
				for alt := range strings.SplitSeq(f, "|") {
					s.alts = append(s.alts, wordHash(alt))
				}
				// Sorted, so that a long list is searched by halves.
				slices.Sort(s.alts)
			}
			p.slots = append(p.slots, s)
		}
		if t.group == groupHint && len(p.slots) == 1 && p.slots[0].class == classNone {
			// A one-word hint is a flag on the word: no match to find.
			for _, h := range p.slots[0].alts {
				m.info(h).hints |= 1 << signalIndex(t.name)
			}
			continue
		}
		id := int32(len(m.patterns))
		m.patterns = append(m.patterns, p)
		first := p.slots[0]
		if first.class != classNone {
			m.byClass[first.class] = append(m.byClass[first.class], id)
			continue
		}
		for _, h := range first.alts {
			wi := m.info(h)
			wi.patterns = append(wi.patterns, id)
		}
	}
}

func (m *lexicon) slotMatches(s *slot, t *token) bool {
	switch s.class {
	case classNone:
		if len(s.alts) > 8 {
			_, found := slices.BinarySearch(s.alts, t.hash)
			return found
		}
		for _, h := range s.alts {
			if h == t.hash {
				return true
			}
		}
		return false
	case classNum:
		return t.flags&tokNumber != 0
	}
	var wi *wordInfo
	if v := m.table.get(t.hash); v >= 0 {
		wi = m.list[v]
	}
	switch s.class {
	case classCount:
		return t.flags&tokNumber != 0 || wi != nil && wi.classes&(1<<classCount) != 0
	case classOrdinal:
		return wi != nil && wi.classes&(1<<classOrdinal) != 0
	case classUnit:
		return wi != nil && wi.classes&(1<<classUnit) != 0
	}
	return false
}

// matchFrom returns the index after the last word of a match of p whose
// first slot matched toks[i], or -1. Words past limit are out of reach.
func (m *lexicon) matchFrom(p *pattern, toks []token, i, k, limit int) int {
	if k == len(p.slots) {
		return i
	}
	s := &p.slots[k]
	for j := i; j <= i+s.gap && j < limit; j++ {
		if m.slotMatches(s, &toks[j]) {
			if end := m.matchFrom(p, toks, j+1, k+1, limit); end >= 0 {
				return end
			}
		}
	}
	return -1
}

// match is one pattern found in the text: words toks[from:to].
type match struct {
	p        *pattern
	from, to int
}

// findAll appends the matches in toks[from:to] (one sentence) to out.
func (m *lexicon) findAll(toks []token, infos []*wordInfo, from, to int, out []match) []match {
	try := func(id int32, i int) {
		p := &m.patterns[id]
		if end := m.matchFrom(p, toks, i+1, 1, to); end >= 0 {
			out = append(out, match{p: p, from: i, to: end})
		}
	}
	for i := from; i < to; i++ {
		wi := infos[i]
		if wi != nil {
			for _, id := range wi.patterns {
				try(id, i)
			}
			for c := classCount; c <= classUnit; c++ {
				if wi.classes&(1<<c) != 0 {
					for _, id := range m.byClass[c] {
						try(id, i)
					}
				}
			}
		}
		if toks[i].flags&tokNumber != 0 {
			for _, id := range m.byClass[classNum] {
				try(id, i)
			}
			for _, id := range m.byClass[classCount] {
				try(id, i)
			}
		}
	}
	return out
}
