package coach

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// A reply can hold text that is not meant for the customer: a template's
// blanks ("[date]", "<name>", "{order}", "XX", "TBD"), an ellipsis standing
// for words still to write ("To recap: …", "sorry for …"), or advice pasted
// in from the coach ("Give a date or a duration: …"). Such text must never
// tick a step nor become a promise: the review reads the reply with it
// blanked out (offsets unchanged) and reports each one as a placeholder
// finding, so the agent fills it in before sending.

// maxPlaceholderBytes bounds a bracketed placeholder: longer bracketed
// text is prose in brackets, not a blank to fill.
const maxPlaceholderBytes = 40

// instructionWords is how many first words of an instruction identify it.
const instructionWords = 5

// htmlTags are tag names that make "<…>" markup rather than a blank.
var htmlTags = boolSet([]string{"a", "abbr", "b", "blockquote", "body", "br", "code", "div", "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "html", "i", "img", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul", "center", "style", "script", "meta", "link", "title", "o:p"})

// placeholderLeads are words after which a detached ellipsis stands for
// words still to write ("sorry for …", "by …", "order number …").
var placeholderLeads = boolSet([]string{"for", "by", "to", "at", "on", "in", "of", "the", "a", "an", "your", "our", "my", "is", "are", "was", "be", "have", "has", "send", "number", "order", "about", "with", "from", "until", "before", "after", "dear", "hi", "hello", "date", "name", "ref", "reference", "and", "or"})

// blankStart marks the bytes a blank can start with.
var blankStart = [256]bool{'[': true, '{': true, '<': true, '.': true, '_': true, 0xe2: true}

// fillIn reports words that only ever stand for a fact still to fill in.
func fillIn(w string) bool {
	return len(w) == 3 && w[0] == 't' && w[1] == 'b' && (w[2] == 'd' || w[2] == 'c' || w[2] == 'a')
}

// compileInstructions indexes the first words of every hint the coach can
// give, so that advice pasted into a reply is recognised.
func (c *Coach) compileInstructions() {
	c.instructions = nil
	add := func(s string) {
		var words []string
		for _, t := range tokenize(s) {
			if t.kind == kBound {
				break
			}
			if t.kind == kWord || t.kind == kNumber {
				words = append(words, t.norm)
			}
			if len(words) == instructionWords {
				id := c.m.mark(words[0], 0)
				for int(id) >= len(c.instructions) {
					c.instructions = append(c.instructions, nil)
				}
				c.instructions[id] = append(c.instructions[id], words)
				return
			}
		}
	}
	for _, r := range c.pb.Rules {
		add(r.Suggestion)
	}
	for _, s := range c.pb.Steps {
		add(s.Description)
	}
	for _, h := range codeHints {
		add(h)
	}
}

// instructionAt reports whether the words from toks[i] on, within one
// sentence, open one of the coach's hints. The tokens are annotated: a
// hint's first word is known by its id, without hashing.
func (c *Coach) instructionAt(toks []tok, i int) bool {
	id := toks[i].id
	if id < 0 || int(id) >= len(c.instructions) {
		return false
	}
	for _, words := range c.instructions[id] {
		n, k := 0, i
		for ; k < len(toks) && n < len(words); k++ {
			if toks[k].kind == kBound {
				break
			}
			if toks[k].kind != kWord && toks[k].kind != kNumber {
				continue
			}
			if toks[k].norm != words[n] {
				break
			}
			n++
		}
		if n == len(words) {
			return true
		}
	}
	return false
}

// placeholders returns the byte spans of text that is not for the
// customer, in order and not overlapping. toks are annotated.
func (c *Coach) placeholders(text string, toks []tok) [][2]int {
	var out [][2]int
	add := func(s, e int) {
		if e <= s {
			return
		}
		if n := len(out); n > 0 && s < out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], e)
			return
		}
		out = append(out, [2]int{s, e})
	}
	// Pasted advice: from its first words to the end of its sentence. It
	// opens a sentence or, pasted mid-sentence, keeps its capital ("we will
	// fix it Give a date or …"); "I apologize for what happened" is no
	// advice.
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != kWord || !c.instructionAt(toks, i) {
			continue
		}
		if opens := i == 0 || toks[i-1].kind == kBound; !opens && !unicode.IsUpper(firstRune(text[toks[i].start:])) {
			continue
		}
		j := i
		for j+1 < len(toks) && toks[j+1].kind != kBound {
			j++
		}
		end := toks[j].end
		// Advice quotes its examples: take the closing quote along.
		for end < len(text) && strings.ContainsRune("\"”'’", rune(text[end])) {
			end++
		}
		if strings.HasPrefix(text[end:], "”") || strings.HasPrefix(text[end:], "’") {
			end += len("”")
		}
		add(toks[i].start, end)
		i = j
	}
	for i := 0; i < len(text); {
		// Only a few bytes can start a blank ('\xe2' starts "…"): skip to
		// the next one.
		for i < len(text) && !blankStart[text[i]] {
			i++
		}
		if i == len(text) {
			break
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '[' || r == '{' || r == '<':
			if e := bracketedBlank(text, i); e > i {
				add(i, e)
				i = e
				continue
			}
		case r == '…' || r == '.' && strings.HasPrefix(text[i:], "..."):
			e := i + size
			for e < len(text) && (text[e] == '.' || strings.HasPrefix(text[e:], "…")) {
				if text[e] == '.' {
					e++
				} else {
					e += len("…")
				}
			}
			// A blank stands alone: "...1/2" and "…continued" mark a
			// thread, written onto what follows.
			if next, _ := utf8.DecodeRuneInString(text[e:]); detachedEllipsis(text, i) && (e == len(text) || !unicode.IsLetter(next) && !unicode.IsDigit(next)) {
				add(i, e)
			}
			i = e
			continue
		case r == '_' && strings.HasPrefix(text[i:], "___"):
			e := i
			for e < len(text) && text[e] == '_' {
				e++
			}
			add(i, e)
			i = e
			continue
		}
		i += size
	}
	for _, t := range toks {
		if t.kind != kWord {
			continue
		}
		if w := text[t.start:t.end]; fillIn(t.norm) || len(w) >= 2 && (w[0] == 'x' || w[0] == 'X') && strings.Trim(w, "xX") == "" {
			add(t.start, t.end)
		}
	}
	return sortSpans(out)
}

// bracketedBlank returns the end of a blank like "[date]", "<name>",
// "{order}" or "{{name}}" starting at i, or i when there is none.
func bracketedBlank(text string, i int) int {
	open := text[i]
	closer := map[byte]byte{'[': ']', '{': '}', '<': '>'}[open]
	from := i + 1
	double := open == '{' && from < len(text) && text[from] == '{'
	if double {
		from++
	}
	lim := min(len(text), from+maxPlaceholderBytes)
	j := strings.IndexByte(text[from:lim], closer)
	if j < 0 {
		return i
	}
	inner := text[from : from+j]
	end := from + j + 1
	if double {
		if end >= len(text) || text[end] != '}' {
			return i
		}
		end++
	}
	letters := 0
	for _, r := range inner {
		switch {
		case unicode.IsLetter(r):
			letters++
		case r == ' ' || r == '_' || r == '-' || r == '/' || r == '.' || r == '\'' || unicode.IsDigit(r):
		default:
			return i
		}
	}
	if letters == 0 {
		return i // "[1]", "<3"
	}
	if open == '<' {
		name := strings.ToLower(strings.TrimSpace(inner))
		if htmlTags[name] || strings.HasPrefix(name, "/") {
			return i
		}
	}
	return end
}

// detachedEllipsis reports whether the ellipsis at i stands for words to
// write: after a colon, at the start of a line or sentence, or after a word
// like "for" or "by" with a space between ("sorry for …"). An ellipsis
// written onto a word ("Well… I") trails off and is left alone.
func detachedEllipsis(text string, i int) bool {
	j := i
	for j > 0 && (text[j-1] == ' ' || text[j-1] == '\t') {
		j--
	}
	if j == 0 {
		return true
	}
	if j == i {
		// Written onto the word before it: "Well…", "sorry for…" reads as
		// trailing off unless that word leads to a blank.
		return false
	}
	switch text[j-1] {
	case ':', '\n', '.', '!', '?', '(', '"', '\'', ',', '-':
		return true
	}
	k := j
	for k > 0 && isLetterByte(text[k-1]) {
		k--
	}
	return placeholderLeads[strings.ToLower(text[k:j])]
}

// mask blanks the spans with spaces, keeping line breaks and offsets.
func mask(text string, spans [][2]int) string {
	b := []byte(text)
	for _, sp := range spans {
		for k := sp[0]; k < sp[1]; k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
	}
	return string(b)
}

// sortSpans orders spans and merges overlapping ones.
func sortSpans(sp [][2]int) [][2]int {
	for i := 1; i < len(sp); i++ {
		for j := i; j > 0 && sp[j][0] < sp[j-1][0]; j-- {
			sp[j], sp[j-1] = sp[j-1], sp[j]
		}
	}
	// Merge what the passes found twice.
	out := sp[:0]
	for _, s := range sp {
		if n := len(out); n > 0 && s[0] < out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], s[1])
			continue
		}
		out = append(out, s)
	}
	return out
}
