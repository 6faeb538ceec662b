package textkit

import "strings"

// LooksLikeMarkup reports whether text contains an HTML tag (see Tag).
func LooksLikeMarkup(text string) bool {
	for i := strings.IndexByte(text, '<'); i >= 0 && i+1 < len(text); {
		if _, _, ok := Tag(text, i); ok {
			return true
		}
		j := strings.IndexByte(text[i+1:], '<')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// Tag recognises an HTML tag (or comment, or declaration) starting at
// text[i] == '<' and returns where it ends and its lower-cased name, the
// same for an opening and a closing tag ("p" for "<p>" and "</p>"). A "<"
// not followed by a name, or with no ">" within 2,000 bytes, is no tag.
func Tag(text string, i int) (end int, name string, ok bool) {
	s := text
	j := i + 1
	if j < len(s) && (s[j] == '/' || s[j] == '!') {
		j++
	}
	k := j
	for k < len(s) && (s[k] >= 'a' && s[k] <= 'z' || s[k] >= 'A' && s[k] <= 'Z' || s[k] >= '0' && s[k] <= '9' || s[k] == '-') {
		k++
	}
	if k == j && !(j > i+1 && s[j-1] == '!') {
		return 0, "", false
	}
	limit := min(len(s), i+2000)
	if k >= limit {
		return 0, "", false // a "tag" too long to be one
	}
	name = strings.ToLower(s[j:k])
	gt := strings.IndexByte(s[k:limit], '>')
	if gt < 0 {
		return 0, "", false
	}
	return k + gt + 1, name, true
}

// Entity recognises a character entity, &name; or &#123;, at text[i] ==
// '&' and returns where it ends.
func Entity(text string, i int) (end int, ok bool) {
	s := text
	j := i + 1
	for j < len(s) && j < i+10 && (s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9' || s[j] == '#') {
		j++
	}
	if j < len(s) && s[j] == ';' && j > i+1 {
		return j + 1, true
	}
	return 0, false
}

// apostropheEntities are the entities that stand for an apostrophe.
var apostropheEntities = []string{"&rsquo;", "&#39;", "&apos;", "&#8217;", "&#x27;", "&#x2019;"}

// ApostropheEntity reports whether an entity (as Entity finds it) stands
// for an apostrophe: I&rsquo;m is "I'm".
func ApostropheEntity(e string) bool {
	for _, a := range apostropheEntities {
		if strings.EqualFold(e, a) {
			return true
		}
	}
	return false
}

// ReplaceApostropheEntities writes every apostrophe entity in w as "'".
func ReplaceApostropheEntities(w string) string {
	for _, e := range apostropheEntities {
		w = strings.ReplaceAll(w, e, "'")
	}
	return w
}

// BlankMarkup replaces tags, script and style bodies and character entities
// with spaces (keeping line breaks), so offsets into the result are offsets
// into text.
func BlankMarkup(text string) string {
	b := []byte(text)
	for i := 0; i < len(text); i++ {
		end := 0
		switch text[i] {
		case '<':
			e, name, ok := Tag(text, i)
			if !ok {
				continue
			}
			end = e
			if (name == "script" || name == "style") && text[i+1] != '/' {
				// The body is code, not words: blank up to the closing tag.
				if c := indexClosing(text[end:], name); c >= 0 {
					if e, _, ok := Tag(text, end+c); ok {
						end = e
					}
				}
			}
		case '&':
			e, ok := Entity(text, i)
			if !ok {
				continue
			}
			end = e
		default:
			continue
		}
		for j := i; j < end; j++ {
			if b[j] != '\n' {
				b[j] = ' '
			}
		}
		i = end - 1
	}
	return string(b)
}

// indexClosing is the index in s of the first closing tag "</name", in any
// case, or -1.
func indexClosing(s, name string) int {
	for k := 0; ; {
		c := strings.Index(s[k:], "</")
		if c < 0 {
			return -1
		}
		c += k
		if len(s) >= c+2+len(name) && strings.EqualFold(s[c+2:c+2+len(name)], name) {
			return c
		}
		k = c + 2
	}
}
