package coach

import (
	"fmt"
	"strconv"
	"strings"
)

// The playbook writes its cue phrases in a small pattern language over the
// normalised words of a reply (lower case, contractions expanded: "won't"
// is "will not", "I'm" is "i am"; commas, quotes and dashes ignored):
//
//	word       the word itself
//	word*      any word starting with "word"
//	(a|b c)    one of the alternatives; (…)? makes the group optional
//	[a b]      optional
//	_          any one word
//	#          a number
//	..N        up to N words
//	^          the start of a sentence
//	!word      one word that is not word; !(a|b) one that is neither
//
// Patterns never match across a sentence boundary.

type elemKind uint8

const (
	eSet elemKind = iota
	eAny
	eNum
	eStart
	eGap
)

type elem struct {
	kind     elemKind
	words    map[string]bool
	prefixes []string
	n        int
	neg      bool
}

func (e *elem) matches(t *tok) bool {
	switch e.kind {
	case eAny:
		return t.kind != kBound
	case eNum:
		return t.kind == kNumber
	}
	if t.kind == kBound {
		return false
	}
	return e.inSet(t.norm) != e.neg
}

func (e *elem) inSet(w string) bool {
	if e.words[w] {
		return true
	}
	for _, p := range e.prefixes {
		if strings.HasPrefix(w, p) {
			return true
		}
	}
	return false
}

// seq is one expanded alternative of a pattern, owned by a step, a rule, a
// rule's exception list or a vocabulary list.
type seq struct {
	elems []elem
	owner int
	cue   int
}

// matcher finds every sequence in a tokenised reply in one pass, indexing
// sequences by their first literal word.
type matcher struct {
	seqs   []seq
	byWord map[string][]int
	scan   []int
}

// match is one occurrence of a sequence: toks [from, to).
type match struct {
	owner, cue int
	from, to   int
}

type node struct {
	kind     elemKind // eSet for a word, eAny, eNum, eStart, eGap; group when alts != nil
	word     string
	prefix   bool
	n        int
	alts     [][]node
	optional bool
	neg      bool // !word, !(a|b): one word that is none of these
}

// maxExpansions bounds how many sequences one pattern may expand to.
const maxExpansions = 4096

// add compiles pattern p for owner/cue.
func (m *matcher) add(p string, owner, cue int) error {
	nodes, err := parsePattern(p)
	if err != nil {
		return fmt.Errorf("pattern %q: %w", p, err)
	}
	seqs, err := expandNodes(nodes)
	if err != nil {
		return fmt.Errorf("pattern %q: %w", p, err)
	}
	if m.byWord == nil {
		m.byWord = map[string][]int{}
	}
	for _, es := range seqs {
		first := -1
		for i := range es {
			if es[i].kind != eStart {
				first = i
				break
			}
		}
		if first < 0 {
			return fmt.Errorf("pattern %q: matches nothing", p)
		}
		idx := len(m.seqs)
		m.seqs = append(m.seqs, seq{elems: es, owner: owner, cue: cue})
		f := es[first]
		if f.kind == eSet && len(f.prefixes) == 0 && !f.neg {
			for w := range f.words {
				m.byWord[w] = append(m.byWord[w], idx)
			}
		} else {
			m.scan = append(m.scan, idx)
		}
	}
	return nil
}

// find returns every match in toks.
func (m *matcher) find(toks []tok, out []match) []match {
	for i := range toks {
		if toks[i].kind == kBound {
			continue
		}
		for _, si := range m.byWord[toks[i].norm] {
			if end := m.matchAt(&m.seqs[si], toks, 0, i); end >= 0 {
				out = append(out, match{owner: m.seqs[si].owner, cue: m.seqs[si].cue, from: i, to: end})
			}
		}
		for _, si := range m.scan {
			if end := m.matchAt(&m.seqs[si], toks, 0, i); end >= 0 {
				out = append(out, match{owner: m.seqs[si].owner, cue: m.seqs[si].cue, from: i, to: end})
			}
		}
	}
	return out
}

// matchAt matches s.elems[k:] at toks[i:] and returns the end index or -1.
func (m *matcher) matchAt(s *seq, toks []tok, k, i int) int {
	for ; k < len(s.elems); k++ {
		e := &s.elems[k]
		switch e.kind {
		case eStart:
			if i > 0 && toks[i-1].kind != kBound {
				return -1
			}
			continue
		case eGap:
			for j := 0; j <= e.n; j++ {
				if j > 0 && (i+j-1 >= len(toks) || toks[i+j-1].kind == kBound) {
					break
				}
				if end := m.matchAt(s, toks, k+1, i+j); end >= 0 {
					return end
				}
			}
			return -1
		}
		if i >= len(toks) || !e.matches(&toks[i]) {
			return -1
		}
		i++
	}
	return i
}

// parsePattern reads the pattern language into nodes.
func parsePattern(p string) ([]node, error) {
	items := lexPattern(p)
	pos := 0
	nodes, err := parseSeq(items, &pos, "")
	if err != nil {
		return nil, err
	}
	if pos != len(items) {
		return nil, fmt.Errorf("unexpected %q", items[pos])
	}
	return nodes, nil
}

func lexPattern(p string) []string {
	var items []string
	i := 0
	for i < len(p) {
		c := p[i]
		switch {
		case c == ' ' || c == '\t' || c == ',':
			i++
		case strings.IndexByte("()[]|?^!", c) >= 0:
			items = append(items, string(c))
			i++
		default:
			j := i
			for j < len(p) && strings.IndexByte(" \t,()[]|?!", p[j]) < 0 {
				j++
			}
			items = append(items, p[i:j])
			i = j
		}
	}
	return items
}

// parseSeq parses until one of the closing items in stop (or the end).
func parseSeq(items []string, pos *int, stop string) ([]node, error) {
	var out []node
	for *pos < len(items) {
		it := items[*pos]
		if strings.Contains(stop, it) && len(it) == 1 {
			return out, nil
		}
		*pos++
		switch {
		case it == "(" || it == "[":
			closer := ")"
			if it == "[" {
				closer = "]"
			}
			var alts [][]node
			for {
				alt, err := parseSeq(items, pos, "|"+closer)
				if err != nil {
					return nil, err
				}
				alts = append(alts, alt)
				if *pos >= len(items) {
					return nil, fmt.Errorf("missing %q", closer)
				}
				sep := items[*pos]
				*pos++
				if sep == closer {
					break
				}
			}
			g := node{alts: alts, optional: it == "["}
			if *pos < len(items) && items[*pos] == "?" {
				g.optional = true
				*pos++
			}
			out = append(out, g)
		case it == ")" || it == "]" || it == "|" || it == "?":
			return nil, fmt.Errorf("unexpected %q", it)
		case it == "!":
			// One atom follows: a word, or a group of single words.
			end := *pos + 1
			if *pos < len(items) && items[*pos] == "(" {
				depth := 0
				for end = *pos; end < len(items); end++ {
					if items[end] == "(" {
						depth++
					} else if items[end] == ")" {
						depth--
						if depth == 0 {
							break
						}
					}
				}
				end++
			}
			if end > len(items) {
				return nil, fmt.Errorf("bad negation")
			}
			sub, err := parseSeq(items[:end], pos, "")
			if err != nil {
				return nil, err
			}
			if len(sub) != 1 || sub[0].kind != eSet || sub[0].alts != nil && !allSingleWords(sub[0].alts) || sub[0].optional {
				return nil, fmt.Errorf("! needs a word or a group of single words")
			}
			sub[0].neg = true
			out = append(out, sub[0])
		case it == "_":
			out = append(out, node{kind: eAny})
		case it == "#":
			out = append(out, node{kind: eNum})
		case it == "^":
			out = append(out, node{kind: eStart})
		case strings.HasPrefix(it, ".."):
			n, err := strconv.Atoi(it[2:])
			if err != nil || n < 1 || n > 8 {
				return nil, fmt.Errorf("bad gap %q", it)
			}
			out = append(out, node{kind: eGap, n: n})
		default:
			prefix := strings.HasSuffix(it, "*")
			w := strings.TrimSuffix(it, "*")
			// Normalise the pattern's words the way the reply's are.
			var ws []string
			for _, t := range tokenize(w) {
				if t.kind != kBound {
					ws = append(ws, t.norm)
				}
			}
			if len(ws) == 0 {
				ws = []string{strings.ToLower(w)}
			}
			for k, x := range ws {
				out = append(out, node{kind: eSet, word: x, prefix: prefix && k == len(ws)-1})
			}
		}
	}
	if stop != "" {
		return nil, fmt.Errorf("missing %q", stop[len(stop)-1:])
	}
	return out, nil
}

// expandNodes turns nodes into flat element sequences. A group whose
// alternatives are all single words becomes one set element; other groups
// multiply the sequences.
func expandNodes(nodes []node) ([][]elem, error) {
	seqs := [][]elem{nil}
	for _, n := range nodes {
		var variants [][]elem
		switch {
		case n.alts == nil:
			variants = [][]elem{{leaf(n)}}
		case allSingleWords(n.alts):
			e := elem{kind: eSet, words: map[string]bool{}}
			for _, a := range n.alts {
				if a[0].prefix {
					e.prefixes = append(e.prefixes, a[0].word)
				} else {
					e.words[a[0].word] = true
				}
			}
			e.neg = n.neg
			variants = [][]elem{{e}}
			if n.optional {
				variants = append(variants, nil)
			}
		default:
			for _, a := range n.alts {
				sub, err := expandNodes(a)
				if err != nil {
					return nil, err
				}
				variants = append(variants, sub...)
			}
			if n.optional {
				variants = append(variants, nil)
			}
		}
		next := make([][]elem, 0, len(seqs)*len(variants))
		for _, s := range seqs {
			for _, v := range variants {
				c := make([]elem, 0, len(s)+len(v))
				c = append(append(c, s...), v...)
				next = append(next, c)
			}
		}
		if len(next) > maxExpansions {
			return nil, fmt.Errorf("expands to more than %d sequences", maxExpansions)
		}
		seqs = next
	}
	// Drop empty sequences (everything optional) — they would match anywhere.
	out := seqs[:0]
	for _, s := range seqs {
		if len(s) > 0 {
			out = append(out, s)
		}
	}
	return out, nil
}

func allSingleWords(alts [][]node) bool {
	for _, a := range alts {
		if len(a) != 1 || a[0].alts != nil || a[0].kind != eSet {
			return false
		}
	}
	return true
}

func leaf(n node) elem {
	switch n.kind {
	case eSet:
		e := elem{kind: eSet, neg: n.neg}
		if n.prefix {
			e.prefixes = []string{n.word}
		} else {
			e.words = map[string]bool{n.word: true}
		}
		return e
	default:
		return elem{kind: n.kind, n: n.n}
	}
}
