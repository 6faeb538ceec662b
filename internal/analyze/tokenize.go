package analyze

import "github.com/calmdesk/calmdesk/internal/textkit"

// token is one word of the text as textkit finds it (see textkit.Word):
// a run of letters, digits and inner apostrophes. Punctuation is not a
// token; the rules look at the raw text around tokens when they need it.
type token struct {
	start, end int32  // byte offsets in the text
	hash       uint64 // textkit.WordHash of the lower-cased word, digits folded to '0'
	flags      uint8
}

// The token flags are textkit's word flags.
const (
	tokCaps    = textkit.WordCaps    // two or more letters, all upper case
	tokUpper   = textkit.WordUpper   // starts with an upper-case letter
	tokNumber  = textkit.WordNumber  // digits only
	tokASCII   = textkit.WordASCII   // pure ASCII
	tokSentEnd = textkit.WordSentEnd // last token of its sentence
)

const (
	fnvOffset = textkit.FNVOffset
	fnvPrime  = textkit.FNVPrime
)

// wordHash is the hash tokens carry in token.hash, for a word given in lower
// case; the rule tables use it to recognise words without building strings.
func wordHash(w string) uint64 { return textkit.WordHash(w) }

func isWordByte(c byte) bool { return textkit.IsWordByte(c) }

// tokenize appends the words of text to toks and marks sentence ends, as
// textkit.Words does (its loop, into analyze's own token).
func tokenize(text string, toks []token) []token {
	first := len(toks)
	for i := 0; ; {
		w, ok := textkit.NextWord(text, i)
		if !ok {
			break
		}
		if len(toks) > first && textkit.SentenceBreak(text, int(toks[len(toks)-1].end), int(w.Start)) {
			toks[len(toks)-1].flags |= tokSentEnd
		}
		toks = append(toks, token{start: w.Start, end: w.End, hash: w.Hash, flags: w.Flags})
		i = int(w.End)
	}
	if len(toks) > first {
		toks[len(toks)-1].flags |= tokSentEnd
	}
	return toks
}
