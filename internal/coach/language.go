package coach

import (
	"unicode"
	"unicode/utf8"
)

// Function words of the languages agents most often write in besides
// English: enough to say which language a reply is in, so the coach can say
// it does not read it rather than judge it wrongly.
var foreignWords = map[string][]string{
	"es": {"el", "la", "los", "las", "que", "de", "y", "en", "por", "para", "con", "su", "lo", "es", "una", "muy", "gracias", "hola", "usted", "pedido", "le", "del", "se", "pero"},
	"fr": {"le", "la", "les", "des", "et", "est", "vous", "nous", "pour", "avec", "une", "pas", "que", "votre", "merci", "bonjour", "du", "sur", "je", "ce", "dans", "ne"},
	"de": {"der", "die", "das", "und", "ist", "nicht", "sie", "wir", "ihre", "ihr", "mit", "für", "ein", "eine", "zu", "den", "auf", "es", "ich", "danke", "hallo", "bitte", "dass", "werden"},
	"it": {"il", "lo", "la", "gli", "che", "di", "e", "per", "con", "non", "una", "sono", "grazie", "ciao", "suo", "del", "della", "ordine", "mi", "si"},
	"pt": {"o", "os", "as", "que", "de", "e", "em", "para", "com", "não", "uma", "obrigado", "obrigada", "olá", "seu", "sua", "do", "da", "pedido", "você"},
	"nl": {"de", "het", "een", "en", "is", "niet", "wij", "u", "uw", "met", "voor", "van", "dat", "bedankt", "hallo", "op", "te", "ik", "we", "bestelling"},
}

var foreignSets = func() map[string]map[string]bool {
	m := map[string]map[string]bool{}
	for lang, ws := range foreignWords {
		m[lang] = boolSet(ws)
	}
	return m
}()

// language says which language the reply is in and whether the coach reads
// it. Short replies are taken as English.
func (c *Coach) language(toks []tok) (string, bool) {
	words, en := 0, 0
	scripts := map[string]int{}
	for i := range toks {
		t := &toks[i]
		if t.kind != kWord {
			continue
		}
		words++
		if t.flags&fEnglish != 0 {
			en++
		}
		r, _ := utf8.DecodeRuneInString(t.norm)
		switch {
		case r < 0x250:
			scripts["latin"]++
		case unicode.Is(unicode.Cyrillic, r):
			scripts["ru"]++
		case unicode.Is(unicode.Greek, r):
			scripts["el"]++
		case unicode.Is(unicode.Arabic, r):
			scripts["ar"]++
		case unicode.Is(unicode.Hebrew, r):
			scripts["he"]++
		case unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r):
			scripts["ja"]++
		case unicode.Is(unicode.Hangul, r):
			scripts["ko"]++
		case unicode.Is(unicode.Han, r):
			scripts["zh"]++
		case unicode.Is(unicode.Thai, r):
			scripts["th"]++
		case unicode.Is(unicode.Devanagari, r):
			scripts["hi"]++
		default:
			scripts["und"]++
		}
	}
	if words == 0 {
		return "und", false
	}
	// A reply mostly in another script.
	bestScript, bestN := "latin", scripts["latin"]
	for s, n := range scripts {
		if n > bestN {
			bestScript, bestN = s, n
		}
	}
	if bestScript != "latin" {
		if scripts["ja"] > 0 && bestScript == "zh" {
			bestScript = "ja"
		}
		return bestScript, false
	}
	if words < 4 || float64(en)/float64(words) >= 0.15 {
		return "en", true
	}
	best, bestHits := "und", 0
	for lang, set := range foreignSets {
		hits := 0
		for i := range toks {
			if toks[i].kind == kWord && set[toks[i].norm] {
				hits++
			}
		}
		if hits > bestHits {
			best, bestHits = lang, hits
		}
	}
	if bestHits*5 < words {
		// Neither English nor a language we can name: a list of product
		// names, say. Read it as English rather than refuse.
		return "en", true
	}
	return best, false
}
