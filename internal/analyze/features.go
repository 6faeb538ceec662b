package analyze

import (
	"cmp"
	"math"
	"slices"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// The emotion and category models are linear over three feature groups, each
// normalised on its own so that no group drowns the others:
//
//   - words: hashed word unigrams and bigrams (bigrams never cross a sentence);
//   - chars: hashed character 3- to 5-grams of each word, with "<" and ">"
//     marking its edges;
//   - cues: a few dense numbers (shouting, "!!!", profanity, VADER valence…).
//
// A group's features each count once per occurrence and are scaled by
// 1/sqrt(n), n the group's occurrences in the text. Because every hashed
// feature belongs to one word or one pair of adjacent words, the score of a
// text is a sum over its words; the runtime precomputes per-word sums for the
// vocabulary it was trained on and so touches memory once per word.

const (
	saltWord   uint64 = 0x9e3779b97f4a7c15
	saltBigram uint64 = 0xc2b2ae3d27d4eb4f
	saltChar   uint64 = 0x165667b19e3779f9
	maxGramLen        = 32 // longer words (URLs, hashes) yield no char n-grams
)

func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

func wordBucket(h uint64, bits uint) uint32 { return uint32(mix64(h^saltWord) >> (64 - bits)) }

func bigramBucket(h1, h2 uint64, bits uint) uint32 {
	return uint32(mix64(h1*0x2127599bf4325c37^h2^saltBigram) >> (64 - bits))
}

// lowerWord writes the lower-cased word of t, digits folded to '0', to buf.
func lowerWord(text string, t token, buf []byte) []byte {
	return textkit.Word{Start: t.start, End: t.end, Flags: t.flags}.AppendLower(buf[:0], text)
}

// charGrams appends the char n-gram buckets of a lower-cased word.
func charGrams(word []byte, bits uint, out []uint32) []uint32 {
	if len(word) > maxGramLen {
		return out
	}
	var w [maxGramLen + 2]byte
	w[0] = '<'
	copy(w[1:], word)
	n := len(word) + 2
	w[n-1] = '>'
	for i := 0; i < n; i++ {
		h := fnvOffset
		for j := i; j < n && j < i+5; j++ {
			h = (h ^ uint64(w[j])) * fnvPrime
			if j-i >= 2 {
				out = append(out, uint32(mix64(h^saltChar)>>(64-bits)))
			}
		}
	}
	return out
}

// cueCounts are the raw counts behind the cue features of a span of text.
type cueCounts struct {
	tokens, caps, excl, exclRun, quest, negation, profanity, elongated, you, insult float32
	vaderPos, vaderNeg, maxNeg, maxPos                                              float32
}

func (c *cueCounts) add(o *cueCounts) {
	c.tokens += o.tokens
	c.caps += o.caps
	c.excl += o.excl
	c.exclRun += o.exclRun
	c.quest += o.quest
	c.negation += o.negation
	c.profanity += o.profanity
	c.elongated += o.elongated
	c.you += o.you
	c.insult += o.insult
	c.vaderPos += o.vaderPos
	c.vaderNeg += o.vaderNeg
	c.maxNeg = max(c.maxNeg, o.maxNeg)
	c.maxPos = max(c.maxPos, o.maxPos)
}

// numCues is the number of dense cue features.
const numCues = 14

// features turns counts into the cue feature values.
func (c *cueCounts) features(out *[numCues]float32) {
	n := max(c.tokens, 1)
	l1p := func(x float32) float32 { return float32(math.Log1p(float64(x))) }
	out[0] = c.caps / n
	out[1] = min(c.caps, 3) / 3
	out[2] = l1p(c.excl)
	out[3] = min(c.exclRun, 1)
	out[4] = l1p(c.quest)
	out[5] = c.vaderPos / float32(math.Sqrt(float64(n)))
	out[6] = c.vaderNeg / float32(math.Sqrt(float64(n)))
	out[7] = l1p(c.negation)
	out[8] = l1p(c.profanity)
	out[9] = min(c.elongated, 1)
	out[10] = l1p(c.you)
	out[11] = l1p(c.tokens) / 4
	out[12] = c.maxNeg / 4
	out[13] = c.maxPos/4 + l1p(c.insult)
}

// lexicon holds what calmdesk knows about words, keyed by word hash: VADER
// valence, the word lists behind the cues, and the phrase patterns.
type lexicon struct {
	words    map[uint64]*wordInfo // while building; then frozen into table
	table    wordTable
	list     []*wordInfo
	patterns []pattern
	byClass  [5][]int32 // patterns whose first slot is a word class
}

// lookup returns the word info of each token (nil for most words).
func (lx *lexicon) lookup(toks []token, out []*wordInfo) []*wordInfo {
	for _, t := range toks {
		var wi *wordInfo
		if v := lx.table.get(t.hash); v >= 0 {
			wi = lx.list[v]
		}
		out = append(out, wi)
	}
	return out
}

const (
	lexNegation uint8 = 1 << iota
	lexProfanity
	lexYou
	lexInsult
	lexValence
	lexEntity // may start an entity (see entities.go)
	lexSwap   // a pronoun the paraphrase swaps
)

// counts scans tokens toks (one span of text) and returns their cue counts.
// Punctuation is read from the gaps between words, including the gap after
// the last one up to limit.
func (lx *lexicon) counts(text string, toks []token, infos []*wordInfo, limit int) cueCounts {
	var c cueCounts
	c.tokens = float32(len(toks))
	negUntil := -1
	for i, t := range toks {
		wi := infos[i]
		var k uint8
		if wi != nil {
			k = wi.kind
		}
		if t.flags&tokCaps != 0 && t.end-t.start >= 3 {
			c.caps++
		}
		if k&lexNegation != 0 {
			c.negation++
			negUntil = i + 3
		}
		if k&lexProfanity != 0 {
			c.profanity++
		}
		if k&lexYou != 0 {
			c.you++
		}
		if k&lexInsult != 0 {
			c.insult++
		}
		if k&(lexValence|lexNegation) == lexValence {
			v := wi.valence
			if i <= negUntil && i > 0 {
				v *= -0.74
			}
			if v > 0 {
				c.vaderPos += v
				c.maxPos = max(c.maxPos, v)
			} else {
				c.vaderNeg -= v
				c.maxNeg = max(c.maxNeg, -v)
			}
		}
		if elongated(text[t.start:t.end]) {
			c.elongated++
		}
		end := limit
		if i+1 < len(toks) {
			end = int(toks[i+1].start)
		}
		gapPunct(text[t.end:end], &c)
	}
	return c
}

func gapPunct(gap string, c *cueCounts) {
	run := 0
	for i := 0; i < len(gap); i++ {
		switch gap[i] {
		case '!':
			c.excl++
			run++
			if run == 2 {
				c.exclRun++
			}
			continue
		case '?':
			c.quest++
		}
		run = 0
	}
}

// elongated reports a letter written three or more times in a row ("sooo").
func elongated(w string) bool {
	for i := 2; i < len(w); i++ {
		if w[i] == w[i-1] && w[i] == w[i-2] && (w[i] >= 'a' && w[i] <= 'z' || w[i] >= 'A' && w[i] <= 'Z') {
			return true
		}
	}
	return false
}

// sentences returns the index ranges [from, to) of the sentences in toks.
func sentences(toks []token, out [][2]int) [][2]int {
	from := 0
	for i, t := range toks {
		if t.flags&tokSentEnd != 0 {
			out = append(out, [2]int{from, i + 1})
			from = i + 1
		}
	}
	return out
}

// sparseFeature is one feature of a training example: index into the model's
// hashed space (or past it, for cues) and value.
type sparseFeature struct {
	Index uint32
	Value float32
}

// featurize returns the features of text as a sorted sparse vector with
// duplicates merged. Cue features get indices 1<<bits + k. It is the slow,
// obviously-right path that training uses; model.score must agree with it.
func (lx *lexicon) featurize(text string, bits uint) []sparseFeature {
	toks := tokenize(text, nil)
	infos := lx.lookup(toks, nil)
	var words, chars []uint32
	var buf []byte
	for _, s := range sentences(toks, nil) {
		for i := s[0]; i < s[1]; i++ {
			t := toks[i]
			words = append(words, wordBucket(t.hash, bits))
			if i > s[0] {
				words = append(words, bigramBucket(toks[i-1].hash, t.hash, bits))
			}
			buf = lowerWord(text, t, buf)
			chars = charGrams(buf, bits, chars)
		}
	}
	m := map[uint32]float32{}
	if len(words) > 0 {
		v := float32(1 / math.Sqrt(float64(len(words))))
		for _, b := range words {
			m[b] += v
		}
	}
	if len(chars) > 0 {
		v := float32(1 / math.Sqrt(float64(len(chars))))
		for _, b := range chars {
			m[b] += v
		}
	}
	var c cueCounts
	for _, s := range sentences(toks, nil) {
		limit := len(text)
		if s[1] < len(toks) {
			limit = int(toks[s[1]].start)
		}
		sc := lx.counts(text, toks[s[0]:s[1]], infos[s[0]:s[1]], limit)
		c.add(&sc)
	}
	var cues [numCues]float32
	c.features(&cues)
	for k, v := range cues {
		if v != 0 {
			m[1<<bits+uint32(k)] = v
		}
	}
	out := make([]sparseFeature, 0, len(m))
	for k, v := range m {
		out = append(out, sparseFeature{k, v})
	}
	sortFeatures(out)
	return out
}

func sortFeatures(f []sparseFeature) {
	slices.SortFunc(f, func(a, b sparseFeature) int { return cmp.Compare(a.Index, b.Index) })
}
