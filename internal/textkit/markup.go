package textkit

import "strings"

// LooksLikeMarkup reports markup worth blanking: a tag-like "<x" and a ">"
// after it.
func LooksLikeMarkup(text string) bool {
	i := strings.IndexByte(text, '<')
	return i >= 0 && i+1 < len(text) && (IsWordByte(text[i+1]) || text[i+1] == '/' || text[i+1] == '!') && strings.IndexByte(text[i:], '>') > 0
}

// BlankMarkup replaces tags, script and style bodies and character entities
// with spaces (keeping line breaks), so offsets into the result are offsets
// into text.
func BlankMarkup(text string) string {
	b := []byte(text)
	lower := strings.ToLower(text)
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '<':
			end := strings.IndexByte(text[i:], '>')
			if end < 0 {
				return string(b)
			}
			end += i
			for _, body := range []string{"<script", "<style"} {
				if strings.HasPrefix(lower[i:], body) {
					if c := strings.Index(lower[i:], "</"+body[1:]); c > 0 {
						end = i + c + strings.IndexByte(lower[i+c:], '>')
					}
				}
			}
			for j := i; j <= end && j < len(b); j++ {
				if b[j] != '\n' {
					b[j] = ' '
				}
			}
			i = end
		case '&':
			if e := strings.IndexByte(text[i:min(len(text), i+10)], ';'); e > 1 {
				for j := i; j <= i+e; j++ {
					b[j] = ' '
				}
			}
		}
	}
	return string(b)
}
