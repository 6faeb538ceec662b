package mail

import (
	"io"
	"mime"
	netmail "net/mail"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// headerDecoder decodes RFC 2047 encoded-words with every charset
// lookupCharset knows, and never fails on a charset: the IMAP client and
// net/mail's address parser use it.
var headerDecoder = &mime.WordDecoder{CharsetReader: charsetReader}

// charsetReader converts input in charset to UTF-8, reading unknown
// charsets as UTF-8 or Windows-1252.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	b, err := io.ReadAll(io.LimitReader(input, 1<<20))
	if err != nil {
		return nil, err
	}
	s, _ := decodeCharset(b, charset)
	return strings.NewReader(s), nil
}

// decodeHeaderText decodes an unstructured header value (a subject, a
// display name, a file name) and cleans the result.
func decodeHeaderText(v string) string {
	return cleanLine(decodeWords(v), 998)
}

// encodedWord matches an RFC 2047 encoded-word, leniently: as mailers
// write them, with spaces inside, glued to other text, or inside quotes.
var encodedWord = textkit.LazyRegexp(`=\?([^?\s"]{1,75})\?([bBqQ])\?([^?]*)\?=`)

// decodeWords decodes the encoded-words in v and reads the bytes around
// them as UTF-8, or Windows-1252 where they are not UTF-8 (raw 8-bit
// headers). White space between two encoded-words goes, as RFC 2047 says,
// and the bytes of adjacent words in one charset are joined before they
// are decoded, so a character split across two words survives. A word
// whose charset is unknown is read as UTF-8 or Windows-1252; raw 8-bit
// bytes inside a word that make valid UTF-8 are read as UTF-8 whatever
// the label.
func decodeWords(v string) string {
	if !strings.Contains(v, "=?") {
		return utf8OrWindows1252([]byte(v))
	}
	matches := encodedWord().FindAllStringSubmatchIndex(v, 200)
	if matches == nil {
		return utf8OrWindows1252([]byte(v))
	}
	var out strings.Builder
	var pending []byte // decoded bytes of adjacent words in pendingCharset
	pendingCharset, pendingRaw8 := "", false
	flush := func() {
		if pending == nil {
			return
		}
		s, _ := decodeCharset(pending, pendingCharset)
		if pendingRaw8 && utf8.Valid(pending) {
			s = string(pending)
		}
		out.WriteString(s)
		pending, pendingRaw8 = nil, false
	}
	last := 0
	for _, m := range matches {
		between := v[last:m[0]]
		charset, _, _ := strings.Cut(strings.ToLower(v[m[2]:m[3]]), "*") // "utf-8*en": RFC 2231 language
		enc, text := v[m[4]:m[5]], v[m[6]:m[7]]
		adjacent := last > 0 && strings.TrimSpace(between) == ""
		if !adjacent || charset != pendingCharset {
			flush()
		}
		if !adjacent {
			out.WriteString(utf8OrWindows1252([]byte(between)))
		}
		var b []byte
		if enc == "b" || enc == "B" {
			b = decodeBase64([]byte(text))
		} else {
			b = decodeQWord(text)
		}
		pending = append(pending, b...)
		pendingCharset = charset
		pendingRaw8 = pendingRaw8 || hasHighBytes(text)
		last = m[1]
	}
	flush()
	out.WriteString(utf8OrWindows1252([]byte(v[last:])))
	return out.String()
}

// decodeQWord decodes the "Q" encoding of RFC 2047: '_' is a space, "=XX"
// a byte, anything else itself.
func decodeQWord(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			out = append(out, ' ')
		case c == '=' && i+2 < len(s):
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if ok1 && ok2 {
				out = append(out, h<<4|l)
				i += 2
				continue
			}
			out = append(out, c)
		default:
			out = append(out, c)
		}
	}
	return out
}

func hasHighBytes(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// cleanLine makes a header value safe to show and to copy into another
// header: valid UTF-8, no control characters (so no CR/LF header
// injection), runs of white space collapsed, at most max bytes.
func cleanLine(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' || r == '\uFEFF' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if b.Len()+utf8.RuneLen(r) > max {
			break
		}
		b.WriteRune(r)
	}
	return b.String()
}

// looseAddress finds something shaped like an address in text that did not
// parse as RFC 5322.
var looseAddress = textkit.LazyRegexp(`[^\s<>"',;:()\[\]]+@[^\s<>"',;:()\[\]]+`)

// angleAddress finds addresses written in angle brackets.
var angleAddress = textkit.LazyRegexp(`<([^\s<>"]+@[^\s<>"]+)>`)

// parseAddresses reads an address-list header field leniently: a list that
// does not parse still yields the addresses it visibly contains.
func parseAddresses(h header, key string) []Address {
	var out []Address
	for _, v := range h.values(key) {
		out = append(out, parseAddressList(v)...)
	}
	return out
}

func parseAddressList(v string) []Address {
	v = utf8OrWindows1252([]byte(v))
	p := netmail.AddressParser{WordDecoder: headerDecoder}
	list, err := p.ParseList(v)
	var out []Address
	if err == nil {
		for _, a := range list {
			out = append(out, cleanAddress(a.Name, a.Address))
		}
		return out
	}
	if stripped := stripComments(v); stripped != v {
		// Obsolete syntax with comments, "Pete(A chap) <pete(his account)@silly.test>".
		if list, err := p.ParseList(stripped); err == nil {
			for _, a := range list {
				out = append(out, cleanAddress(a.Name, a.Address))
			}
			return out
		}
		v = stripped
	}
	// What does not parse keeps the addresses it visibly holds, each with
	// the words before it as its name: "Smith, Ana <ana@example.com>",
	// "Bob <bob@x> Bobby <bobby@x>" (no comma), "Big Bug bb@bug.com".
	found := angleAddress().FindAllStringSubmatchIndex(v, 100)
	if found == nil {
		found = looseAddress().FindAllStringSubmatchIndex(v, 100)
		for i := range found {
			found[i] = append(found[i], found[i][0], found[i][1])
		}
	}
	prev := 0
	for _, m := range found {
		name := strings.Trim(v[prev:m[0]], " \t\"',;")
		if len(found) > 1 && strings.Contains(name, ",") {
			name = "" // a list whose names and commas cannot be told apart
		}
		a := cleanAddress("", v[m[2]:m[3]])
		a.Name = cleanName(decodeWords(name))
		out = append(out, a)
		prev = m[1]
	}
	return out
}

// stripComments removes RFC 5322 comments (nested, with escapes) outside
// quoted strings, and the white space obsolete syntax allows around the
// dots and the '@' of an address in angle brackets.
func stripComments(v string) string {
	if !strings.ContainsAny(v, "()") && !strings.Contains(v, "< ") && !strings.Contains(v, " >") {
		return v
	}
	var b strings.Builder
	depth, quoted, angle := 0, false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && i+1 < len(v) && (quoted || depth > 0):
			if depth == 0 {
				b.WriteByte(c)
				b.WriteByte(v[i+1])
			}
			i++
			continue
		case depth > 0:
			if c == '(' {
				depth++
			} else if c == ')' {
				depth--
			}
			continue
		case c == '"':
			quoted = !quoted
		case c == '(' && !quoted:
			depth++
			continue
		case c == '<' && !quoted:
			angle = true
		case c == '>' && !quoted:
			angle = false
		case angle && (c == ' ' || c == '\t'):
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// cleanAddress cleans a parsed address. Encoded-words left in a name were
// inside quotes, where RFC 2047 says not to decode them and every mail
// client does: `"=?Windows-1252?B?…?=" <a@b>`.
func cleanAddress(name, addr string) Address {
	if strings.Contains(name, "=?") {
		name = decodeWords(name)
	}
	return Address{Name: cleanName(name), Email: cleanLine(addr, 320)}
}

// cleanName neutralises a display name: besides cleanLine it drops
// characters that would let a name pass for a header or an address when
// shown or re-used ("Ana\r\nBcc: x" or `"support@bank" <evil@x>`).
func cleanName(s string) string {
	s = cleanLine(s, 200)
	s = strings.NewReplacer("<", "", ">", "", `"`, "").Replace(s)
	return strings.TrimSpace(s)
}

// msgIDs reads message ids from In-Reply-To/References/Message-ID fields
// leniently: ids in angle brackets, or bare words when there are none.
func msgIDs(h header, key string, max int) []string {
	var out []string
	for _, v := range h.values(key) {
		v = stripComments(cleanLine(v, 1<<16))
		found := false
		for len(v) > 0 && len(out) < max {
			i := strings.IndexByte(v, '<')
			if i < 0 {
				break
			}
			j := strings.IndexByte(v[i:], '>')
			if j < 0 {
				break
			}
			if id := strings.TrimSpace(v[i+1 : i+j]); id != "" && !strings.ContainsAny(id, " <") {
				out = append(out, id)
				found = true
			}
			v = v[i+j+1:]
		}
		if !found {
			for _, w := range strings.Fields(v) {
				if strings.Contains(w, "@") && len(out) < max {
					out = append(out, strings.Trim(w, "<>,"))
				}
			}
		}
	}
	return out
}
