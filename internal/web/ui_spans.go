package web

import (
	"slices"
	"unicode/utf8"
)

// mark asks for text[Start:End] to be highlighted. Offsets are byte offsets
// into the text, as the analysis engine and the coach report them.
type mark struct {
	Start, End int
	Class      string   // CSS class of the highlight
	Label      string   // short accessible label ("anger 78", "arguing")
	Notes      []string // shown on hover and focus (reasons, explanations)
	Ref        int      // 1-based number tying the highlight to a list item; 0 for none
}

// segment is a run of text, highlighted when Mark is set. Templates print
// Text through html/template, so customer content is always escaped.
type segment struct {
	Text string
	Mark *mark
}

// segments cuts text into plain and highlighted runs. Spans come from
// engines that may disagree with the text they are shown on (an older
// reading, a mangled offset), so every span is checked: out of range, empty,
// reversed, not on a UTF-8 character boundary, or overlapping a span
// already placed — and dropped rather than trusted.
func segments(text string, marks []mark) []segment {
	valid := make([]mark, 0, len(marks))
	for _, m := range marks {
		if m.Start < 0 || m.End > len(text) || m.Start >= m.End || !boundary(text, m.Start) || !boundary(text, m.End) {
			continue
		}
		valid = append(valid, m)
	}
	slices.SortStableFunc(valid, func(a, b mark) int { return a.Start - b.Start })
	out := make([]segment, 0, 2*len(valid)+1)
	pos := 0
	for i := range valid {
		m := valid[i]
		if m.Start < pos {
			continue // overlaps the previous highlight
		}
		if m.Start > pos {
			out = append(out, segment{Text: text[pos:m.Start]})
		}
		out = append(out, segment{Text: text[m.Start:m.End], Mark: &valid[i]})
		pos = m.End
	}
	if pos < len(text) {
		out = append(out, segment{Text: text[pos:]})
	}
	return out
}

// boundary reports whether byte offset i of s starts a character (or is the end).
func boundary(s string, i int) bool {
	return i == len(s) || utf8.RuneStart(s[i])
}

// utf16Offset converts a byte offset into s to the UTF-16 code-unit offset a
// browser's string and textarea APIs use. It returns -1 for an offset that
// is out of range or inside a character.
func utf16Offset(s string, byteOff int) int {
	if byteOff < 0 || byteOff > len(s) || !boundary(s, byteOff) {
		return -1
	}
	n := 0
	for _, r := range s[:byteOff] {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
