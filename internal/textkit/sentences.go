package textkit

import "unicode/utf8"

// SentenceBreak reports whether the gap text[a:b] between two words ends a
// sentence: terminal punctuation followed by space, a blank line, or a line
// break before a capital when the line was short (not a wrapped paragraph).
func SentenceBreak(text string, a, b int) bool {
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
	for s > 0 && IsWordByte(text[s-1]) {
		s--
	}
	switch text[s:end] {
	case "Mr", "Mrs", "Ms", "Dr", "St", "vs", "etc", "No", "approx", "Inc", "Ltd", "Jr", "Sr":
		return true
	}
	return end-s == 1 && s > 0 && text[s-1] == '.' // "e.g" split as "e" "g"
}
