package coach

import "github.com/calmdesk/calmdesk/internal/textkit"

// language says which language the reply is in and whether the coach reads
// it (English only), by the same guess the reading makes of customers
// (textkit.Language: script and function words) over the part of the reply
// the coach reads: from its first word to its last, markup blanked, quoted
// history after it left out. A reply without a word is "und".
func (c *Coach) language(reply string, toks []tok) (string, bool) {
	if countWords(toks) == 0 {
		return "und", false
	}
	text := reply[toks[0].start:toks[len(toks)-1].end]
	if textkit.LooksLikeMarkup(text) {
		text = textkit.BlankMarkup(text)
	}
	lang := textkit.LanguageOfText(text)
	return lang, lang == "en"
}
