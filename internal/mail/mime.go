package mail

import (
	"bytes"
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// calmdesk reads MIME itself rather than through a strict parser: real
// mail breaks the rules at every level (header lines without a name,
// unquoted parameters with spaces, boundaries with '=', base64 that is
// not), and a strict reader's error there costs the customer's words or
// merges an attachment into them. The reader below follows RFC 5322, 2045
// to 2047 and 2231 where mail does, and recovers where it does not, each
// recovery noted in Inbound.Problems. docs/mail.md lists where it
// deliberately reads differently from Python's email package.

// field is one header field: its name and its unfolded value, as written
// (encoded-words and 8-bit bytes not yet decoded).
type field struct{ name, value string }

// header is the fields of one header block, in order.
type header []field

// get returns the value of the first field named name, or "".
func (h header) get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

// values returns the values of every field named name.
func (h header) values(name string) []string {
	var out []string
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			out = append(out, f.value)
		}
	}
	return out
}

// maxHeaderFields bounds one header block; the rest is ignored.
const maxHeaderFields = 2000

// readHeader splits an entity into its header and its body. top is set
// for a whole message, which may start with a byte-order mark, an mbox
// "From " line or stray white space. A line that is neither a field nor
// a continuation is a fold its sender broke when more fields follow it,
// and the start of a body whose blank line is missing when none do.
func readHeader(b []byte, top bool) (h header, body []byte, problems []string) {
	if top {
		if rest, ok := bytes.CutPrefix(b, []byte("\xef\xbb\xbf")); ok {
			b = rest
			problems = append(problems, "byte-order mark before the header ignored")
		}
		if bytes.HasPrefix(b, []byte("From ")) && !isFieldLine(firstLine(b)) {
			if i := bytes.IndexByte(b, '\n'); i >= 0 {
				b = b[i+1:]
			}
		}
		if trimmed := bytes.TrimLeft(b, " \t"); len(trimmed) < len(b) && isFieldLine(firstLine(trimmed)) {
			b = trimmed
			problems = append(problems, "white space before the first header field ignored")
		}
	}
	pos := 0
	for pos < len(b) {
		line, next := lineAt(b, pos)
		switch {
		case len(bytes.TrimSpace(line)) == 0:
			if len(line) > 0 && len(h) > 0 && next < len(b) && continuesHeader(firstLine(b[next:])) {
				pos = next // a line of white space inside a folded field
				continue
			}
			return h, b[next:], problems
		case line[0] == ' ' || line[0] == '\t':
			if len(h) == 0 {
				if !isFieldLine(bytes.TrimLeft(line, " \t")) {
					return h, b[pos:], append(problems, "body without a header")
				}
				line = bytes.TrimLeft(line, " \t")
				break // read as a field below
			}
			h[len(h)-1].value += string(line)
			pos = next
			continue
		case !isFieldLine(line):
			if len(h) > 0 && !bytes.HasPrefix(line, []byte("--")) && fieldFollows(b, next) {
				problems = append(problems, fmt.Sprintf("header line %q without a name joined to %s", clipBytes(line, 40), h[len(h)-1].name))
				h[len(h)-1].value += " " + string(line)
				pos = next
				continue
			}
			if len(h) > 0 {
				problems = append(problems, "header not ended by a blank line")
			}
			return h, b[pos:], problems
		}
		if len(h) >= maxHeaderFields {
			if len(h) == maxHeaderFields {
				problems = append(problems, fmt.Sprintf("more than %d header fields; the rest ignored", maxHeaderFields))
			}
			pos = next
			continue
		}
		colon := bytes.IndexByte(line, ':')
		name := string(bytes.TrimRight(line[:colon], " \t"))
		h = append(h, field{name: name, value: strings.TrimLeft(string(line[colon+1:]), " \t")})
		pos = next
	}
	return h, nil, problems
}

// lineAt returns the line starting at pos without its line end, and where
// the next line starts.
func lineAt(b []byte, pos int) (line []byte, next int) {
	i := bytes.IndexByte(b[pos:], '\n')
	if i < 0 {
		return bytes.TrimSuffix(b[pos:], []byte("\r")), len(b)
	}
	return bytes.TrimSuffix(b[pos:pos+i], []byte("\r")), pos + i + 1
}

func firstLine(b []byte) []byte {
	line, _ := lineAt(b, 0)
	return line
}

// isFieldLine reports whether line starts a header field: a name of
// printable ASCII without spaces, then a colon (RFC 5322's obsolete syntax
// allows white space before it).
func isFieldLine(line []byte) bool {
	for i, c := range line {
		switch {
		case c == ':':
			return i > 0
		case c == ' ' || c == '\t':
			rest := bytes.TrimLeft(line[i:], " \t")
			return i > 0 && len(rest) > 0 && rest[0] == ':'
		case c < 0x21 || c > 0x7e || i >= 100:
			return false
		}
	}
	return false
}

// continuesHeader reports whether line can follow a line of white space
// inside a header: a field or a continuation.
func continuesHeader(line []byte) bool {
	return len(line) > 0 && (line[0] == ' ' || line[0] == '\t' || isFieldLine(line))
}

// fieldFollows reports whether a header field comes in the next few lines
// from pos, before a blank line or a MIME boundary.
func fieldFollows(b []byte, pos int) bool {
	for n := 0; n < 20 && pos < len(b); n++ {
		line, next := lineAt(b, pos)
		if len(bytes.TrimSpace(line)) == 0 || bytes.HasPrefix(line, []byte("--")) {
			return false
		}
		if isFieldLine(line) {
			return true
		}
		pos = next
	}
	return false
}

func clipBytes(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
	}
	return strings.ToValidUTF8(string(b), "?")
}

// parseParams reads a Content-Type or Content-Disposition value: the
// lower-cased media type or disposition, and the parameters with lower-
// cased names. Unlike mime.ParseMediaType it never fails: an unquoted
// value runs to the next ';' (so "filename=This is a test.txt" and
// "boundary==_Part_1" keep their spaces and '='), a missing closing quote
// ends the value at the end, a parameter repeated keeps its first value,
// and RFC 2231 continuations and charsets ("filename*0*=utf-8'en'%E7…")
// are joined and decoded. Encoded-words in values are decoded by the
// caller, as mail clients write them there too.
func parseParams(v string) (value string, params map[string]string) {
	v = strings.TrimSpace(v)
	end := strings.IndexAny(v, "; \t")
	if end < 0 {
		end = len(v)
	}
	value = strings.ToLower(strings.Trim(v[:end], `"`))
	rest := v[end:]
	params = map[string]string{}
	type segment struct {
		n       int
		encoded bool
		value   string
	}
	var extended map[string][]segment
	for rest != "" {
		rest = strings.TrimLeft(rest, "; \t\r\n")
		eq := strings.IndexByte(rest, '=')
		if eq < 0 {
			break
		}
		name := strings.ToLower(strings.TrimSpace(rest[:eq]))
		if i := strings.LastIndexAny(name, "; \t"); i >= 0 {
			name = name[i+1:] // a word without '=' before the name
		}
		rest = strings.TrimLeft(rest[eq+1:], " \t\r\n")
		var val string
		if strings.HasPrefix(rest, `"`) {
			val, rest = quotedString(rest[1:])
		} else {
			i := strings.IndexByte(rest, ';')
			if i < 0 {
				i = len(rest)
			}
			val, rest = strings.TrimSpace(rest[:i]), rest[i:]
		}
		if name == "" {
			continue
		}
		if base, section, ok := strings.Cut(name, "*"); ok {
			s := segment{encoded: strings.HasSuffix(name, "*"), value: val}
			section = strings.TrimSuffix(section, "*")
			if section != "" {
				n, err := strconv.Atoi(section)
				if err != nil || n < 0 || n > 100 {
					continue
				}
				s.n = n
			}
			if extended == nil {
				extended = map[string][]segment{}
			}
			extended[base] = append(extended[base], s)
			continue
		}
		if _, seen := params[name]; !seen || params[name] == "" {
			params[name] = val
		}
	}
	for name, segs := range extended {
		sort.SliceStable(segs, func(i, j int) bool { return segs[i].n < segs[j].n })
		var raw []byte
		charset := ""
		for i, s := range segs {
			val := s.value
			if s.encoded {
				if i == 0 {
					// charset'language'%XX…
					if parts := strings.SplitN(val, "'", 3); len(parts) == 3 {
						charset, val = parts[0], parts[2]
					}
				}
				if u, err := url.PathUnescape(val); err == nil {
					val = u
				}
			}
			raw = append(raw, val...)
		}
		decoded, _ := decodeCharset(raw, charset)
		if charset == "" {
			decoded = string(raw) // decoded with the rest of the header later
		}
		params[name] = decoded // RFC 2231 values win over plain ones
	}
	return value, params
}

// quotedString reads a quoted-string after its opening quote, returning
// the content and what follows the closing quote (nothing if none).
func quotedString(s string) (val, rest string) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) {
				i++
				b.WriteByte(s[i])
			}
		case '"':
			return b.String(), s[i+1:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// mediaType returns the media type a Content-Type value names, or "" when
// it names none: "text" alone is text/plain, "text/plain;" or
// "TEXT/HTML" are read as meant.
func mediaType(v string) (string, map[string]string) {
	t, params := parseParams(v)
	if t == "text" {
		t = "text/plain"
	}
	slash := strings.IndexByte(t, '/')
	if slash <= 0 || slash == len(t)-1 || len(t) > 127 || strings.Count(t, "/") != 1 {
		return "", params
	}
	for i := 0; i < len(t); i++ {
		if c := t[i]; c != '/' && !isTokenByte(c) {
			return "", params
		}
	}
	return t, params
}

// isTokenByte reports whether c may appear in an RFC 2045 token.
func isTokenByte(c byte) bool {
	return c > ' ' && c < 0x7f && !strings.ContainsRune(`()<>@,;:\"/[]?=`, rune(c))
}

// splitMultipart cuts a multipart body at its boundary delimiter lines:
// "--boundary" at the start of a line, then "--" for the last, then only
// white space. found is false when no delimiter is there; closed is false
// when the closing one is missing (the last part then runs to the end).
func splitMultipart(body []byte, boundary string, maxParts int) (parts [][]byte, found, closed bool) {
	delim := []byte("--" + boundary)
	start := -1 // where the current part's content starts
	pos := 0
	for pos < len(body) {
		i := bytes.Index(body[pos:], delim)
		if i < 0 {
			break
		}
		at := pos + i
		pos = at + len(delim)
		if at > 0 && body[at-1] != '\n' {
			continue
		}
		rest := body[pos:]
		last := bytes.HasPrefix(rest, []byte("--"))
		if last {
			rest = rest[2:]
		}
		eol := bytes.IndexByte(rest, '\n')
		tail := rest
		if eol >= 0 {
			tail = rest[:eol]
		}
		if len(bytes.TrimSpace(tail)) > 0 {
			continue // "--boundary-2": another, longer boundary
		}
		found = true
		if start >= 0 && len(parts) < maxParts {
			end := at
			if end > start && body[end-1] == '\n' {
				end--
				if end > start && body[end-1] == '\r' {
					end--
				}
			}
			parts = append(parts, body[start:end])
		}
		if last {
			return parts, true, true
		}
		if eol < 0 {
			return parts, true, false
		}
		start = len(body) - len(rest) + eol + 1
		pos = start
	}
	if start >= 0 && start < len(body) && len(parts) < maxParts {
		parts = append(parts, body[start:])
	}
	return parts, found, false
}

// transferEncoding reads a Content-Transfer-Encoding value as senders mean
// it: "7-bit", "8bits", "Quoted-Printable;", "x-uuencode".
func transferEncoding(v string) string {
	v = strings.ToLower(strings.Trim(v, " \t\"';"))
	if i := strings.IndexAny(v, "; \t"); i >= 0 {
		v = v[:i]
	}
	switch v {
	case "base64", "base-64", "b64":
		return "base64"
	case "quoted-printable", "quotedprintable", "qp":
		return "quoted-printable"
	case "x-uuencode", "uuencode", "x-uue", "uue":
		return "uuencode"
	case "7bit", "8bit", "binary", "7-bit", "8-bit", "8bits", "7bits", "":
		return ""
	}
	return v
}

// decodeTransfer undoes a part's transfer encoding, leniently: base64 with
// line noise or without padding decodes as far as it goes; a body said to
// be base64 that plainly is not (words and spaces) is kept as it is;
// quoted-printable with a broken escape keeps the '='. note receives a
// problem worth recording.
func decodeTransfer(body []byte, encoding string, note func(string)) []byte {
	switch encoding {
	case "":
		return body
	case "base64":
		if !looksBase64(body) {
			note("body said to be base64 is not; kept as written")
			return body
		}
		return decodeBase64(body)
	case "quoted-printable":
		return decodeQuotedPrintable(body)
	case "uuencode":
		if d, ok := decodeUU(body); ok {
			return d
		}
		note("uuencoded body without a begin line; kept as written")
		return body
	}
	note(fmt.Sprintf("unknown transfer encoding %q; body kept as written", clipBytes([]byte(encoding), 40)))
	return body
}

// looksBase64 reports whether body is base64 and not text mislabelled as
// base64: base64 lines hold no spaces and nothing outside the alphabet.
func looksBase64(body []byte) bool {
	sample := body[:min(len(body), 8192)]
	other, total, spaced, lines := 0, 0, 0, 0
	for line := range bytes.Lines(sample) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		lines++
		if bytes.ContainsAny(line, " \t") {
			spaced++
		}
		for _, c := range line {
			total++
			if !isBase64Byte(c) && c != '=' && c != ' ' && c != '\t' {
				other++
			}
		}
	}
	return total == 0 || (other*50 < total && spaced*3 <= lines)
}

func isBase64Byte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/'
}

// decodeBase64 decodes base64 ignoring everything outside the alphabet
// and any padding, so line noise and truncation lose only what they hit.
func decodeBase64(body []byte) []byte {
	out := make([]byte, 0, len(body)*3/4)
	var acc uint32
	n := 0
	for _, c := range body {
		var v byte
		switch {
		case c >= 'A' && c <= 'Z':
			v = c - 'A'
		case c >= 'a' && c <= 'z':
			v = c - 'a' + 26
		case c >= '0' && c <= '9':
			v = c - '0' + 52
		case c == '+' || c == '-':
			v = 62
		case c == '/' || c == '_':
			v = 63
		default:
			continue
		}
		acc = acc<<6 | uint32(v)
		n++
		if n == 4 {
			out = append(out, byte(acc>>16), byte(acc>>8), byte(acc))
			acc, n = 0, 0
		}
	}
	switch n {
	case 2:
		out = append(out, byte(acc>>4))
	case 3:
		out = append(out, byte(acc>>10), byte(acc>>2))
	}
	return out
}

// decodeQuotedPrintable decodes quoted-printable leniently: "=XX" in
// either case is a byte, '=' at a line's end (after any white space) a
// soft break, any other '=' itself; white space at a line's end is the
// transport's and dropped.
func decodeQuotedPrintable(body []byte) []byte {
	out := make([]byte, 0, len(body))
	for line := range bytes.Lines(body) {
		content := bytes.TrimRight(line, "\r\n")
		hasEOL := len(content) < len(line)
		content = bytes.TrimRight(content, " \t")
		soft := false
		if bytes.HasSuffix(content, []byte("=")) {
			soft = true
			content = content[:len(content)-1]
		}
		for i := 0; i < len(content); i++ {
			c := content[i]
			if c == '=' && i+2 < len(content) {
				if h, ok := unhex(content[i+1]); ok {
					if l, ok := unhex(content[i+2]); ok {
						out = append(out, h<<4|l)
						i += 2
						continue
					}
				}
			}
			out = append(out, c)
		}
		if hasEOL && !soft {
			out = append(out, '\n')
		}
	}
	return out
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// decodeUU decodes the first "begin … end" block of uuencoded data.
func decodeUU(body []byte) ([]byte, bool) {
	var out []byte
	begun := false
	for line := range bytes.Lines(body) {
		line = bytes.TrimRight(line, "\r\n")
		if !begun {
			begun = bytes.HasPrefix(line, []byte("begin "))
			continue
		}
		if bytes.Equal(bytes.TrimSpace(line), []byte("end")) || len(line) == 0 {
			break
		}
		n := int((line[0] - ' ') & 0x3f)
		data := line[1:]
		var chunk []byte
		for i := 0; i+3 < len(data)+3 && len(chunk) < n; i += 4 {
			var q [4]byte
			for j := range 4 {
				if i+j < len(data) {
					q[j] = (data[i+j] - ' ') & 0x3f
				}
			}
			chunk = append(chunk, q[0]<<2|q[1]>>4, q[1]<<4|q[2]>>2, q[2]<<6|q[3])
		}
		if len(chunk) > n {
			chunk = chunk[:n]
		}
		out = append(out, chunk...)
	}
	return out, begun
}
