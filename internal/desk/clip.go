package desk

import "unicode/utf8"

// Clip cuts s to at most n bytes without splitting a character: long input
// is stored shortened where refusing it would lose a customer's words.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
