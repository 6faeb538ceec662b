package textkit

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Word is one word of a text: a run of letters, digits and inner
// apostrophes. Punctuation is not a word; readers look at the raw text
// around words when they need it.
type Word struct {
	Start, End int32  // byte offsets in the text
	Hash       uint64 // WordHash of the lower-cased word
	Flags      uint8
}

// Word flags.
const (
	WordCaps    uint8 = 1 << iota // two or more letters, all upper case
	WordUpper                     // starts with an upper-case ASCII letter
	WordNumber                    // digits only
	WordASCII                     // pure ASCII
	WordSentEnd                   // last word of its sentence (set by Words)
)

// FNV-1a, the hash of WordHash.
const (
	FNVOffset uint64 = 14695981039346656037
	FNVPrime  uint64 = 1099511628211
)

// WordHash is the hash Words gives a word, for a word given in lower case:
// FNV-1a with every digit folded to '0' ("2nd" and "3rd" hash alike). Word
// tables keyed by it recognise words without building strings.
func WordHash(w string) uint64 {
	h := FNVOffset
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= '0' && c <= '9' {
			c = '0'
		}
		h = (h ^ uint64(c)) * FNVPrime
	}
	return h
}

// AppendLower appends the lower-case form of the word text[w.Start:w.End]
// to dst: letters lower-cased, digits folded to '0' — the string whose
// WordHash is w.Hash, with one exception kept as it is: a word that is ASCII
// but for a ’ ("don’t" has WordASCII) keeps its ’, while its hash reads it
// as '. The reading's models were trained on these forms.
func (w Word) AppendLower(dst []byte, text string) []byte {
	s := text[w.Start:w.End]
	if w.Flags&WordASCII == 0 {
		s = strings.ToLower(strings.ReplaceAll(s, "’", "'"))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
		case c >= '0' && c <= '9':
			c = '0'
		}
		dst = append(dst, c)
	}
	return dst
}

// IsWordByte reports an ASCII letter or digit.
func IsWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// Words appends the words of text to dst and marks each sentence's last
// word with WordSentEnd (see SentenceBreak).
func Words(text string, dst []Word) []Word {
	first := len(dst)
	for i := 0; ; {
		w, ok := NextWord(text, i)
		if !ok {
			break
		}
		if len(dst) > first && SentenceBreak(text, int(dst[len(dst)-1].End), int(w.Start)) {
			dst[len(dst)-1].Flags |= WordSentEnd
		}
		dst = append(dst, w)
		i = int(w.End)
	}
	if len(dst) > first {
		dst[len(dst)-1].Flags |= WordSentEnd
	}
	return dst
}

// NextWord returns the first word of text at or after byte i (its flags
// without WordSentEnd), or false when there is none. Callers building their
// own word type loop over it as Words does.
func NextWord(text string, i int) (Word, bool) {
	n := len(text)
	for i < n {
		c := text[i]
		if c < utf8.RuneSelf {
			if !IsWordByte(c) {
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
		break
	}
	if i >= n {
		return Word{}, false
	}
	// A word starts at i.
	start := i
	h := FNVOffset
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
				h = (h ^ uint64('0')) * FNVPrime
				i++
				continue
			case c == '\'' && i > start && i+1 < n && IsWordByte(text[i+1]):
			default:
				goto done
			}
			h = (h ^ uint64(c)) * FNVPrime
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == '’' && i > start && i+size < n && IsWordByte(text[i+size]) {
			h = (h ^ uint64('\'')) * FNVPrime
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
			h = (h ^ uint64(b)) * FNVPrime
		}
		i += size
	}
done:
	w := Word{Start: int32(start), End: int32(i), Hash: h}
	if ascii {
		w.Flags |= WordASCII
	}
	if letters >= 2 && uppers == letters {
		w.Flags |= WordCaps
	}
	if uppers > 0 && text[start] >= 'A' && text[start] <= 'Z' {
		w.Flags |= WordUpper
	}
	if letters == 0 && digits > 0 {
		w.Flags |= WordNumber
	}
	return w, true
}
