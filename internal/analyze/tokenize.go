package analyze

import (
	"unicode"
	"unicode/utf8"
)

// token is one word of the text: a run of letters, digits and inner
// apostrophes. Punctuation is not a token; the rules look at the raw text
// around tokens when they need it.
type token struct {
	start, end int32  // byte offsets in the text
	hash       uint64 // FNV-1a of the lower-cased word, digits folded to '0'
	flags      uint8
}

const (
	tokCaps    uint8 = 1 << iota // two or more letters, all upper case
	tokUpper                     // starts with an upper-case letter
	tokNumber                    // digits only
	tokASCII                     // pure ASCII
	tokSentEnd                   // last token of its sentence
)

const (
	fnvOffset uint64 = 14695981039346656037
	fnvPrime  uint64 = 1099511628211
)

// wordHash is the hash tokens carry in token.hash, for a word given in lower
// case; the rule tables use it to recognise words without building strings.
func wordHash(w string) uint64 {
	h := fnvOffset
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= '0' && c <= '9' {
			c = '0'
		}
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// tokenize appends the words of text to toks and marks sentence ends.
func tokenize(text string, toks []token) []token {
	n := len(text)
	i := 0
	for i < n {
		c := text[i]
		if c < utf8.RuneSelf {
			if !isWordByte(c) {
				i++
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				i += size
				continue
			}
		}
		// A word starts at i.
		start := i
		h := fnvOffset
		letters, uppers, digits := 0, 0, 0
		ascii := true
		for i < n {
			c := text[i]
			if c < utf8.RuneSelf {
				switch {
				case c >= 'a' && c <= 'z':
					letters++
				case c >= 'A' && c <= 'Z':
					letters++
					uppers++
					c += 'a' - 'A'
				case c >= '0' && c <= '9':
					digits++
					h = (h ^ uint64('0')) * fnvPrime
					i++
					continue
				case c == '\'' && i > start && i+1 < n && isWordByte(text[i+1]):
				default:
					goto done
				}
				h = (h ^ uint64(c)) * fnvPrime
				i++
				continue
			}
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == '’' && i > start && i+size < n && isWordByte(text[i+size]) {
				h = (h ^ uint64('\'')) * fnvPrime
				i += size
				continue
			}
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
			ascii = false
			letters++
			if unicode.IsUpper(r) {
				uppers++
			}
			var buf [utf8.UTFMax]byte
			m := utf8.EncodeRune(buf[:], unicode.ToLower(r))
			for _, b := range buf[:m] {
				h = (h ^ uint64(b)) * fnvPrime
			}
			i += size
		}
	done:
		t := token{start: int32(start), end: int32(i), hash: h}
		if ascii {
			t.flags |= tokASCII
		}
		if letters >= 2 && uppers == letters {
			t.flags |= tokCaps
		}
		if uppers > 0 && text[start] >= 'A' && text[start] <= 'Z' {
			t.flags |= tokUpper
		}
		if letters == 0 && digits > 0 {
			t.flags |= tokNumber
		}
		if len(toks) > 0 && sentenceBreak(text, int(toks[len(toks)-1].end), start) {
			toks[len(toks)-1].flags |= tokSentEnd
		}
		toks = append(toks, t)
	}
	if len(toks) > 0 {
		toks[len(toks)-1].flags |= tokSentEnd
	}
	return toks
}

// sentenceBreak reports whether the gap text[a:b] between two words ends a
// sentence: terminal punctuation followed by space, a blank line, or a line
// break before a capital when the line was short (not a wrapped paragraph).
func sentenceBreak(text string, a, b int) bool {
	gap := text[a:b]
	terminal := false
	newlines := 0
	for i := 0; i < len(gap); i++ {
		switch gap[i] {
		case '.', '!', '?', ';':
			terminal = true
		case '\n':
			newlines++
		}
	}
	if newlines >= 2 {
		return true
	}
	if terminal {
		// "59.90", "e.g." and a few abbreviations do not end sentences.
		if gap == "." {
			return false
		}
		if gap[0] == '.' && isAbbreviation(text, a) {
			return false
		}
		for i := 0; i < len(gap); i++ {
			if gap[i] == ' ' || gap[i] == '\n' || gap[i] == '\t' || gap[i] == '\r' {
				return true
			}
			if gap[i] >= utf8.RuneSelf {
				return true
			}
		}
		return false
	}
	if newlines == 1 {
		// A line that wraps a paragraph is long; a short line is a thought.
		ls := a
		for ls > 0 && text[ls-1] != '\n' {
			ls--
		}
		if a-ls < 60 {
			c := text[b]
			return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		}
	}
	return false
}

// isAbbreviation reports whether the word ending at end is a common
// abbreviation whose dot does not end a sentence.
func isAbbreviation(text string, end int) bool {
	s := end
	for s > 0 && isWordByte(text[s-1]) {
		s--
	}
	switch text[s:end] {
	case "Mr", "Mrs", "Ms", "Dr", "St", "vs", "etc", "No", "approx", "Inc", "Ltd", "Jr", "Sr":
		return true
	}
	return end-s == 1 && s > 0 && text[s-1] == '.' // "e.g" split as "e" "g"
}
