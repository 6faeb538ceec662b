package coach

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Token kinds.
const (
	kWord   uint8 = iota // letters and digits
	kNumber              // digits, possibly with . , or : inside
	kSymbol              // $ € £ %
	kBound               // end of a sentence: . ! ? ; a line break, a block tag
)

// tok is one unit of the reply the rules look at. Offsets are byte offsets
// into the original reply, so spans stay true whatever was skipped (HTML
// tags, invalid bytes). A contraction yields two toks sharing one span:
// "won't" is "will" + "not".
type tok struct {
	norm       string
	start, end int
	para       int32 // paragraph number
	// Set by matcher.annotate: the word's id in the patterns' vocabulary
	// (-1: no pattern names it) and the ids of the pattern prefixes it has.
	id    int32
	pfx   [maxTokPrefixes]uint16
	npfx  uint8
	flags uint8
	kind  uint8
	caps  bool  // the word was written in capitals (two letters or more)
	code  bool  // looks like a code: letters and digits mixed, or '_'
	excl  uint8 // for kBound: how many '!' the punctuation run held
}

// maxTokPrefixes is how many pattern prefixes one word can carry.
const maxTokPrefixes = 3

// prefixes are the ids of the pattern prefixes the word starts with.
func (t *tok) prefixes() []uint16 { return t.pfx[:t.npfx] }

// blockTags end a sentence when they appear in an HTML reply.
var blockTags = map[string]bool{"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true, "tr": true, "td": true, "table": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "hr": true}

// abbreviations whose trailing dot does not end a sentence.
var abbreviations = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "st": true, "vs": true, "etc": true, "e": true, "g": true, "i": true, "eg": true, "ie": true, "no": true, "approx": true, "jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true, "inc": true, "ltd": true, "co": true, "a": true, "p": true, "m": true, "ref": true, "tel": true}

// contractions maps a lower-cased word to the words it stands for.
var contractions = map[string][]string{
	"won't": {"will", "not"}, "can't": {"can", "not"}, "cannot": {"can", "not"}, "shan't": {"shall", "not"}, "ain't": {"is", "not"},
	"dont": {"do", "not"}, "cant": {"can", "not"}, "wont": {"will", "not"}, "didnt": {"did", "not"}, "doesnt": {"does", "not"},
	"isnt": {"is", "not"}, "im": {"i", "am"}, "ive": {"i", "have"}, "youre": {"you", "are"}, "thats": {"that", "is"},
	"theres": {"there", "is"}, "shouldnt": {"should", "not"}, "couldnt": {"could", "not"}, "wouldnt": {"would", "not"},
	"havent": {"have", "not"}, "hasnt": {"has", "not"}, "wasnt": {"was", "not"}, "arent": {"are", "not"}, "werent": {"were", "not"},
	"youll": {"you", "will"}, "youve": {"you", "have"}, "weve": {"we", "have"}, "theyre": {"they", "are"}, "itll": {"it", "will"},
	"let's": {"let", "us"}, "gonna": {"going", "to"},
}

// isPronounS lists words whose "'s" means "is" (or "has"); elsewhere "'s"
// is a possessive and is dropped.
var isPronounS = map[string]bool{"it": true, "that": true, "there": true, "here": true, "what": true, "who": true, "he": true, "she": true, "where": true, "this": true, "everything": true, "nothing": true, "something": true, "how": true}

// expand appends the normalised words of one lower-cased written word.
func expand(dst []string, w string) []string {
	if strings.ContainsRune(w, '’') {
		w = strings.ReplaceAll(w, "’", "'")
	}
	if c, ok := contractions[w]; ok {
		return append(dst, c...)
	}
	i := strings.IndexByte(w, '\'')
	if i <= 0 {
		return append(dst, w)
	}
	stem, suf := w[:i], w[i:]
	switch suf {
	case "'ll":
		return append(dst, stem, "will")
	case "'re":
		return append(dst, stem, "are")
	case "'ve":
		return append(dst, stem, "have")
	case "'m":
		return append(dst, stem, "am")
	case "'d":
		return append(dst, stem, "would")
	case "'s":
		if isPronounS[stem] {
			return append(dst, stem, "is")
		}
		return append(dst, stem)
	case "'":
		return append(dst, stem)
	}
	if strings.HasSuffix(w, "n't") && len(w) > 3 {
		return append(dst, w[:len(w)-3], "not")
	}
	return append(dst, strings.ReplaceAll(w, "'", ""))
}

// tokenize splits a reply into toks. It never fails: invalid UTF-8 bytes
// and unknown punctuation separate words, HTML tags and entities are skipped.
func tokenize(s string) []tok {
	toks := make([]tok, 0, len(s)/4+16)
	html := textkit.LooksLikeMarkup(s)
	para := int32(0)
	var words []string
	bound := func(start, end, excl int) {
		if n := len(toks); n > 0 && toks[n-1].kind == kBound {
			toks[n-1].end = max(toks[n-1].end, end)
			toks[n-1].excl = uint8(min(255, int(toks[n-1].excl)+excl))
			return
		}
		if len(toks) == 0 {
			return
		}
		toks = append(toks, tok{norm: ".", start: start, end: end, kind: kBound, excl: uint8(min(255, excl)), para: para})
	}
	lineStart := true
	for i := 0; i < len(s); {
		c := s[i]
		if lineStart {
			lineStart = false
			// Quoted history is the customer's words, not the reply's: skip
			// "> " lines, and stop at "On … wrote:" or "-----Original Message".
			j := i
			for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
				j++
			}
			if j < len(s) && s[j] == '>' && !html {
				if k := strings.IndexByte(s[j:], '\n'); k >= 0 {
					i = j + k
				} else {
					break
				}
				c = s[i]
			} else if quoteHeader(s[j:]) {
				break
			}
		}
		if c < utf8.RuneSelf {
			switch {
			case c == '\n':
				lineStart = true
				// A blank line starts a new paragraph.
				j := i + 1
				for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r') {
					j++
				}
				bound(i, i+1, 0)
				if j < len(s) && s[j] == '\n' {
					para++
				}
				i++
				continue
			case c == '.' && i > 0 && isWordByte(s[i-1]) && i+1 < len(s) && isLetterByte(s[i+1]):
				// "example.com", "invoice.pdf", "e.g": a dot inside a word
				// ends no sentence.
				i++
				continue
			case c == '@' && len(toks) > 0 && toks[len(toks)-1].end == i:
				// An e-mail address: drop its local part ("support_team")
				// along with the domain skipped below.
				for n := len(toks); n > 0 && toks[n-1].end == i; n-- {
					toks = toks[:n-1]
				}
				j := i + 1
				for j < len(s) && (isWordByte(s[j]) || s[j] == '.' || s[j] == '-') && !(s[j] == '.' && (j+1 >= len(s) || !isWordByte(s[j+1]))) {
					j++
				}
				i = j
				continue
			case c == '.' || c == '!' || c == '?' || c == ';':
				j, excl := i, 0
				for j < len(s) && (s[j] == '.' || s[j] == '!' || s[j] == '?' || s[j] == ';') {
					if s[j] == '!' {
						excl++
					}
					j++
				}
				if c == '.' && j == i+1 && len(toks) > 0 {
					last := toks[len(toks)-1]
					if last.kind == kWord && last.end == i && abbreviations[last.norm] && !(j < len(s)-1 && s[j] == ' ' && unicode.IsUpper(rune(s[j+1])) && !abbrevKeepsSentence(last.norm)) {
						i = j
						continue
					}
				}
				bound(i, j, excl)
				i = j
				continue
			case c == '@' || c == '#' && i+1 < len(s) && isLetterByte(s[i+1]) && (i == 0 || !isWordByte(s[i-1])):
				// @handles and #hashtags name no one's words.
				j := i + 1
				for j < len(s) && (isWordByte(s[j]) || s[j] == '.' && j+1 < len(s) && isWordByte(s[j+1])) {
					j++
				}
				i = j
				continue
			case (c == 'h' || c == 'w') && isURL(s[i:]):
				// A link is not prose.
				j := i
				for j < len(s) && s[j] > ' ' && s[j] != '<' && s[j] != '"' {
					j++
				}
				for j > i && strings.IndexByte(".,;:!?)", s[j-1]) >= 0 {
					j--
				}
				i = j
				continue
			case c == '$' || c == '%':
				toks = append(toks, tok{norm: string(c), start: i, end: i + 1, kind: kSymbol, para: para})
				i++
				continue
			case html && c == '<':
				if end, name, ok := textkit.Tag(s, i); ok {
					if blockTags[name] {
						bound(i, end, 0)
						if name == "p" || name == "br" && len(toks) > 0 {
							para++
						}
					}
					i = end
					continue
				}
			case html && c == '&':
				if end, ok := textkit.Entity(s, i); ok {
					i = end
					continue
				}
			}
			if !isWordByte(c) {
				i++
				continue
			}
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == '€' || r == '£' {
				norm := "€"
				if r == '£' {
					norm = "£"
				}
				toks = append(toks, tok{norm: norm, start: i, end: i + size, kind: kSymbol, para: para})
				i += size
				continue
			}
			if r == '…' {
				bound(i, i+size, 0)
				i += size
				continue
			}
			if r == utf8.RuneError || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
				i += size
				continue
			}
		}
		// A word: letters, digits, inner apostrophes, '_', and inner . , :
		// between digits (59.90, 1,200, 17:00).
		start := i
		upper, lower, letters, digits := 0, 0, 0, 0
		under, entity := false, false
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size <= 1:
			case unicode.IsLetter(r):
				letters++
				if unicode.IsUpper(r) {
					upper++
				} else if unicode.IsLower(r) {
					lower++
				}
				i += size
				continue
			case unicode.IsDigit(r):
				digits++
				i += size
				continue
			case r == '_':
				under = true
				i += size
				continue
			case (r == '\'' || r == '’') && i > start:
				if n, nsize := utf8.DecodeRuneInString(s[i+size:]); unicode.IsLetter(n) && nsize > 0 {
					i += size
					continue
				}
				if r == '\'' && i+size <= len(s) && i > start && (s[i-1] == 's' || s[i-1] == 'S') {
					// trailing possessive: customers'
					i += size
				}
			case (r == '.' || r == ',' || r == ':') && digits > 0 && letters == 0 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9':
				i += size
				continue
			case r == '&' && html && letters > 0:
				// I&rsquo;m: an apostrophe written as an entity.
				if end, ok := textkit.Entity(s, i); ok && textkit.ApostropheEntity(s[i:end]) && end < len(s) && isWordByte(s[end]) {
					i = end
					entity = true
					continue
				}
			}
			break
		}
		if i == start {
			// Not a word after all (a lone apostrophe): move on.
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		raw := s[start:i]
		if entity {
			raw = textkit.ReplaceApostropheEntities(raw)
		}
		if (raw == "re" || raw == "Re" || raw == "RE") && i+1 < len(s) && s[i] == '-' && isWordByte(s[i+1]) {
			// "re-issued" reads as "issued": the prefix changes nothing the
			// rules look at.
			continue
		}
		kind := kWord
		if letters == 0 {
			kind = kNumber
		}
		t := tok{start: start, end: i, kind: kind, para: para,
			caps: upper >= 2 && lower == 0,
			code: under || (letters > 0 && digits > 0 && digits+letters >= 4)}
		if kind == kNumber {
			t.norm = raw
			toks = append(toks, t)
			continue
		}
		words = expand(words[:0], lowerASCII(raw))
		for _, w := range words {
			t.norm = w
			toks = append(toks, t)
		}
	}
	return toks
}

// abbrevKeepsSentence is true for abbreviations that are never the last
// word of a sentence.
func abbrevKeepsSentence(w string) bool {
	switch w {
	case "mr", "mrs", "ms", "dr", "st", "vs":
		return true
	}
	return false
}

func isLetterByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// lowerASCII lower-cases a word, quickly when it is ASCII.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s)
		}
		if c >= 'A' && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// sentence is a run of toks between boundaries.
type sentence struct {
	from, to   int // token indices [from, to)
	start, end int // byte span, including the closing punctuation
	para       int32
}

// sentences groups toks into sentences.
func sentences(toks []tok) []sentence {
	var out []sentence
	from := 0
	for i := 0; i <= len(toks); i++ {
		if i < len(toks) && toks[i].kind != kBound {
			continue
		}
		if i > from {
			end := toks[i-1].end
			if i < len(toks) {
				end = toks[i].end
			}
			out = append(out, sentence{from: from, to: i, start: toks[from].start, end: end, para: toks[from].para})
		}
		from = i + 1
	}
	return out
}

// quoteHeader reports whether a line starts the quoted history of a mail
// thread.
func quoteHeader(rest string) bool {
	line := rest
	if k := strings.IndexByte(rest, '\n'); k >= 0 {
		line = rest[:k]
	}
	line = strings.TrimSpace(line)
	if strings.HasPrefix(line, "-----Original Message") || strings.HasPrefix(line, "________________________________") {
		return true
	}
	return strings.HasPrefix(line, "On ") && strings.HasSuffix(line, "wrote:") && len(line) < 200
}

// isURL reports whether s starts with a web address.
func isURL(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "www.")
}
