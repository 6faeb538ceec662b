package coach

import (
	"fmt"
	"sort"
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
	kind elemKind
	ids  []int32  // word ids, sorted
	pfx  []uint16 // prefix ids, sorted
	n    int
	neg  bool
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
	return e.inSet(t) != e.neg
}

func (e *elem) inSet(t *tok) bool {
	if t.id >= 0 {
		ids := e.ids
		if len(ids) <= 8 {
			for _, x := range ids {
				if x == t.id {
					return true
				}
			}
		} else if i := sort.Search(len(ids), func(i int) bool { return ids[i] >= t.id }); i < len(ids) && ids[i] == t.id {
			return true
		}
	}
	for _, p := range t.prefixes() {
		for _, q := range e.pfx {
			if p == q {
				return true
			}
		}
	}
	return false
}

// literal reports whether the element is a plain set of words: usable as
// an index key.
func (e *elem) literal() bool { return e.kind == eSet && len(e.pfx) == 0 && !e.neg && len(e.ids) > 0 }

// seq is one expanded alternative of a pattern, owned by a step, a rule, a
// rule's exception list or a vocabulary list.
type seq struct {
	elems []elem
	owner int
	cue   int
	first int // index of the first element that consumes a word
}

// matcher finds every sequence in a tokenised reply in one pass. Words are
// interned: a reply's words are looked up once, then compared as integers.
// Sequences are indexed by their first two words when both are literal,
// else by their first word, else scanned at every position.
type matcher struct {
	seqs   []seq
	vocab  map[string]int32
	prefix map[string]uint16
	// prefixes by first byte, for annotate.
	prefixByte map[byte][]prefixEntry
	byWord     map[int32][]int32
	byPair     map[uint64][]int32
	byTriple   map[uint64][]int32
	byPrefix   map[uint16][]int32
	byBack     map[int32][]int32
	scan       []int32
	// flags and concepts of interned words, by id, for the checks that
	// look at every word (see the f* flags).
	flags   []uint8
	concept []string
}

// Word flags set by the coach and copied onto tokens by annotate.
const (
	fStop    uint8 = 1 << iota // says nothing about a concern
	fTime                      // may start a time expression
	fConcept                   // maps to a concept
)

// mark interns w and sets flags on it.
func (m *matcher) mark(w string, f uint8) int32 {
	id := m.wordID(w)
	m.flags[id] |= f
	return id
}

type prefixEntry struct {
	p  string
	id uint16
}

// match is one occurrence of a sequence: toks [from, to).
type match struct {
	owner, cue int
	from, to   int
}

// maxPairs bounds how many index entries one sequence may create.
const maxPairs = 256

func (m *matcher) wordID(w string) int32 {
	if m.vocab == nil {
		m.vocab = map[string]int32{}
		m.prefix = map[string]uint16{}
		m.prefixByte = map[byte][]prefixEntry{}
		m.byWord = map[int32][]int32{}
		m.byPair = map[uint64][]int32{}
		m.byTriple = map[uint64][]int32{}
		m.byPrefix = map[uint16][]int32{}
		m.byBack = map[int32][]int32{}
	}
	id, ok := m.vocab[w]
	if !ok {
		id = int32(len(m.vocab))
		m.vocab[w] = id
		m.flags = append(m.flags, 0)
		m.concept = append(m.concept, "")
	}
	return id
}

func (m *matcher) prefixID(p string) uint16 {
	id, ok := m.prefix[p]
	if !ok {
		id = uint16(len(m.prefix))
		m.prefix[p] = id
		if p != "" {
			m.prefixByte[p[0]] = append(m.prefixByte[p[0]], prefixEntry{p, id})
		}
	}
	return id
}

// annotate sets each token's word id and prefix ids.
func (m *matcher) annotate(toks []tok) {
	for i := range toks {
		t := &toks[i]
		t.id = -1
		t.npfx = 0
		t.flags = 0
		if t.kind == kBound || t.norm == "" {
			continue
		}
		if id, ok := m.vocab[t.norm]; ok {
			t.id = id
			t.flags = m.flags[id]
		}
		for _, pe := range m.prefixByte[t.norm[0]] {
			if strings.HasPrefix(t.norm, pe.p) {
				if t.npfx < maxTokPrefixes {
					t.pfx[t.npfx] = pe.id
					t.npfx++
				}
			}
		}
	}
}

// add compiles pattern p for owner/cue.
func (m *matcher) add(p string, owner, cue int) error {
	nodes, err := parsePattern(p)
	if err != nil {
		return fmt.Errorf("pattern %q: %w", p, err)
	}
	seqs, err := m.expandNodes(nodes)
	if err != nil {
		return fmt.Errorf("pattern %q: %w", p, err)
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
		idx := int32(len(m.seqs))
		m.seqs = append(m.seqs, seq{elems: es, owner: owner, cue: cue, first: first})
		f := &es[first]
		switch {
		case f.literal() && first+2 < len(es) && es[first+1].literal() && es[first+2].literal() &&
			len(f.ids)*len(es[first+1].ids)*len(es[first+2].ids) <= maxPairs:
			for _, a := range f.ids {
				for _, b := range es[first+1].ids {
					for _, c := range es[first+2].ids {
						k := tripleKey(a, b, c)
						m.byTriple[k] = append(m.byTriple[k], idx)
					}
				}
			}
		case f.literal() && first+1 < len(es) && es[first+1].literal() && len(f.ids)*len(es[first+1].ids) <= maxPairs:
			for _, a := range f.ids {
				for _, b := range es[first+1].ids {
					k := pairKey(a, b)
					m.byPair[k] = append(m.byPair[k], idx)
				}
			}
		case f.literal():
			for _, w := range f.ids {
				m.byWord[w] = append(m.byWord[w], idx)
			}
		case f.kind == eSet && !f.neg && len(f.ids) == 0:
			// Prefixes only ("apolog*"): indexed by prefix id.
			for _, p := range f.pfx {
				m.byPrefix[p] = append(m.byPrefix[p], idx)
			}
		case f.kind == eSet && f.neg && first+1 < len(es) && es[first+1].literal():
			// "!(you|i) will": found at its second word, tried one back.
			for _, w := range es[first+1].ids {
				m.byBack[w] = append(m.byBack[w], idx)
			}
		default:
			m.scan = append(m.scan, idx)
		}
	}
	return nil
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// tripleKey packs three word ids (each below 2^21) into one key.
func tripleKey(a, b, c int32) uint64 {
	return uint64(uint32(a)&0x1fffff)<<42 | uint64(uint32(b)&0x1fffff)<<21 | uint64(uint32(c)&0x1fffff)
}

// find returns every match in annotated toks.
func (m *matcher) find(toks []tok, out []match) []match {
	try := func(si int32, i int) {
		s := &m.seqs[si]
		if end := m.matchAt(s, toks, 0, i); end >= 0 {
			out = append(out, match{owner: s.owner, cue: s.cue, from: i, to: end})
		}
	}
	for i := range toks {
		t := &toks[i]
		if t.kind == kBound {
			continue
		}
		if t.id >= 0 {
			for _, si := range m.byWord[t.id] {
				try(si, i)
			}
			if i+1 < len(toks) && toks[i+1].id >= 0 {
				for _, si := range m.byPair[pairKey(t.id, toks[i+1].id)] {
					try(si, i)
				}
				if i+2 < len(toks) && toks[i+2].id >= 0 {
					for _, si := range m.byTriple[tripleKey(t.id, toks[i+1].id, toks[i+2].id)] {
						try(si, i)
					}
				}
			}
			if i > 0 && toks[i-1].kind != kBound {
				for _, si := range m.byBack[t.id] {
					try(si, i-1)
				}
			}
		}
		for _, p := range t.prefixes() {
			for _, si := range m.byPrefix[p] {
				try(si, i)
			}
		}
		for _, si := range m.scan {
			try(si, i)
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
func (m *matcher) expandNodes(nodes []node) ([][]elem, error) {
	seqs := [][]elem{nil}
	for _, n := range nodes {
		var variants [][]elem
		switch {
		case n.alts == nil:
			variants = [][]elem{{m.leaf(n)}}
		case allSingleWords(n.alts):
			e := elem{kind: eSet}
			for _, a := range n.alts {
				if a[0].prefix {
					e.pfx = append(e.pfx, m.prefixID(a[0].word))
				} else {
					e.ids = append(e.ids, m.wordID(a[0].word))
				}
			}
			sortIDs(&e)
			e.neg = n.neg
			variants = [][]elem{{e}}
			if n.optional {
				variants = append(variants, nil)
			}
		default:
			for _, a := range n.alts {
				sub, err := m.expandNodes(a)
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

func (m *matcher) leaf(n node) elem {
	switch n.kind {
	case eSet:
		e := elem{kind: eSet, neg: n.neg}
		if n.prefix {
			e.pfx = []uint16{m.prefixID(n.word)}
		} else {
			e.ids = []int32{m.wordID(n.word)}
		}
		return e
	default:
		return elem{kind: n.kind, n: n.n}
	}
}

func sortIDs(e *elem) {
	sort.Slice(e.ids, func(i, j int) bool { return e.ids[i] < e.ids[j] })
	sort.Slice(e.pfx, func(i, j int) bool { return e.pfx[i] < e.pfx[j] })
}
