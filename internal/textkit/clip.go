// Package textkit holds the small text helpers every package of calmdesk
// needs the same way: cutting text to a size without splitting a character.
// (The engines' tokenizers stay with their engines: analyze and coach read
// text differently on purpose.)
package textkit

import (
	"strings"
	"unicode/utf8"
)

// Clip cuts s to at most n bytes without splitting a character: long input
// is kept shortened where refusing it would lose a customer's words.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	if n < 0 {
		n = 0
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Shorten is Clip with "…" added when something was cut, for text shown to
// people.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return Clip(s, n) + "…"
}

// ClipWords shortens s to about n bytes at a word boundary (spaces folded),
// with "…" when something was cut.
func ClipWords(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := Clip(s, n)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}
