// Package textkit is calmdesk's one text toolkit: what every package and
// both engines (analyze reads customers, coach reads replies) need the same
// way. Pick by meaning:
//
//   - Clip: cut to a byte size for storage; nothing added.
//   - Shorten: cut for people to read, "…" written onto the last word.
//   - ClipWords: cut at a word boundary with spaces folded, for one-line
//     summaries in notes and notifications.
package textkit

import (
	"strings"
	"unicode"
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
// people. The "…" is written onto the last word (trailing space dropped): a
// detached "…" reads as a blank to fill in.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.TrimRightFunc(Clip(s, n), unicode.IsSpace) + "…"
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
