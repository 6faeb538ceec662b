package textkit

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// Function words of the languages a customer or an agent is most likely to
// write in instead of English. Enough to tell them apart, not to read them.
var languages = [...]string{"en", "es", "fr", "de", "pt", "it", "nl"}

var functionWords = func() map[uint64]int {
	m := map[uint64]int{}
	for lang, words := range map[string][]string{
		"en": {"the", "and", "to", "is", "i", "you", "my", "it", "of", "in", "for", "this", "that", "was", "have",
			"with", "me", "your", "are", "be", "not", "on", "what", "we", "they", "but", "just", "can't", "don't",
			"i'm", "it's", "please", "would", "will", "been", "has", "at", "from", "still", "an", "why", "did"},
		"es": {"el", "los", "las", "que", "y", "es", "mi", "con", "para", "una", "por", "pero", "muy", "su",
			"del", "está", "esta", "hola", "gracias", "pedido", "porque", "tengo", "nada", "cuando", "también", "yo"},
		"fr": {"le", "les", "et", "est", "je", "pas", "pour", "une", "des", "vous", "mon", "ma", "ce", "qui",
			"avec", "sur", "dans", "mais", "bonjour", "merci", "commande", "très", "j'ai", "c'est", "n'est", "au"},
		"de": {"der", "die", "das", "und", "ist", "ich", "nicht", "mit", "ein", "eine", "mein", "meine", "sie",
			"zu", "auf", "für", "noch", "bitte", "danke", "bestellung", "habe", "wird", "sehr", "aber", "auch", "wir"},
		"pt": {"não", "um", "uma", "meu", "minha", "com", "é", "os", "obrigado", "pedido", "você", "muito",
			"mas", "isso", "ainda", "foi", "está", "olá", "nao", "por", "favor"},
		"it": {"il", "di", "che", "è", "non", "per", "una", "mio", "mia", "sono", "ho", "ciao", "grazie",
			"ordine", "molto", "questo", "anche", "ancora", "della", "gli"},
		"nl": {"het", "een", "en", "ik", "niet", "van", "mijn", "dat", "zijn", "wij", "bestelling", "nog",
			"maar", "dank", "hallo", "heb", "ook", "geen", "wel", "dit"},
	} {
		id := slices.Index(languages[:], lang)
		for _, w := range words {
			h := WordHash(w)
			if old, taken := m[h]; !taken || id < old {
				m[h] = id
			}
		}
	}
	return m
}()

// Language guesses the language of text from its script and its function
// words: an ISO 639-1 code, or "und" for text without letters. Text in
// Latin script with no sign of another language counts as English, so
// short English messages ("refund NOW") pass. text has n words; word(i)
// gives the WordHash of the i-th and whether it is a number (for words as
// Words finds them; LanguageOfText finds them itself); function words are
// looked for among the first 200.
func Language(text string, n int, word func(i int) (hash uint64, number bool)) string {
	lettered := func() bool {
		for i := range n {
			if _, number := word(i); !number {
				return true
			}
		}
		return false
	}
	return guess(text, min(n, maxFunctionWords), func(i int) uint64 { h, _ := word(i); return h }, lettered)
}

// maxFunctionWords is how many words the guess looks at for function words:
// they are frequent, the first 200 words are plenty.
const maxFunctionWords = 200

// LanguageOfText is Language for text whose words are not at hand: it finds
// them as Words would, without keeping them.
func LanguageOfText(text string) string {
	var hashes [maxFunctionWords]uint64
	n, lettered := 0, false
	for i := 0; ; {
		w, ok := NextWord(text, i)
		if !ok || n == len(hashes) && lettered {
			break
		}
		i = int(w.End)
		lettered = lettered || w.Flags&WordNumber == 0
		if n < len(hashes) {
			hashes[n] = w.Hash
			n++
		}
	}
	return guess(text, n, func(i int) uint64 { return hashes[i] }, func() bool { return lettered })
}

// guess is Language given the hashes of the first n words (at most
// maxFunctionWords) and whether the text has a word with a letter.
func guess(text string, n int, hash func(i int) uint64, lettered func() bool) string {
	// ASCII letters are counted only when another script is present
	// (most text is plain ASCII, skipped eight bytes at a time).
	latin, other := 0, 0
	scripts := map[string]int{}
	for i := 0; i < len(text); {
		i = SkipASCIIBlocks(text, i)
		if i >= len(text) {
			break
		}
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if !unicode.IsLetter(r) {
			continue
		}
		if unicode.Is(unicode.Latin, r) {
			latin++
			continue
		}
		other++
		for _, st := range scriptTables {
			if unicode.Is(st.table, r) {
				scripts[st.lang]++
				break
			}
		}
	}
	if other > 0 {
		for i := 0; i < len(text); i++ {
			if c := text[i]; c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				latin++
			}
		}
	} else if latin == 0 && lettered() {
		latin++ // a word with a letter, Latin (no other script is present)
	}
	if latin+other == 0 {
		return "und"
	}
	if other > latin {
		best, n := "und", 0
		for name, c := range scripts {
			if c > n || c == n && name < best {
				best, n = name, c
			}
		}
		if best == "zh" && scripts["ja"] > 0 {
			best = "ja" // Japanese writes kanji with kana; Chinese has no kana
		}
		return best
	}
	var counts [len(languages)]int
	for i := range n {
		if lang, ok := functionWords[hash(i)]; ok {
			counts[lang]++
			if lang == 0 && counts[0] >= 12 {
				break // plainly English
			}
		}
	}
	best, hits := "en", counts[0]
	for i, c := range counts {
		if c > hits {
			best, hits = languages[i], c
		}
	}
	if best != "en" && hits < 2 {
		return "en"
	}
	return best
}

// scriptTables name a non-Latin script by the language most likely to use it.
var scriptTables = []struct {
	lang  string
	table *unicode.RangeTable
}{
	{"ru", unicode.Cyrillic}, {"el", unicode.Greek}, {"ar", unicode.Arabic}, {"he", unicode.Hebrew},
	{"zh", unicode.Han}, {"ja", unicode.Hiragana}, {"ja", unicode.Katakana}, {"ko", unicode.Hangul},
	{"hi", unicode.Devanagari}, {"th", unicode.Thai},
}

// SkipASCIIBlocks skips plain ASCII from s[i] eight bytes at a time and
// returns where it stopped: at the end of s, at an eight-byte block with a
// non-ASCII byte, or among the last seven bytes. Scanners for non-ASCII
// (scripts, emoji) go on from there byte by byte.
func SkipASCIIBlocks(s string, i int) int {
	for i+8 <= len(s) && word8(s[i:i+8])&0x8080808080808080 == 0 {
		i += 8
	}
	return i
}

// word8 is the first eight bytes of s as one little-endian word (the
// compiler makes it one load).
func word8(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
