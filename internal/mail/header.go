package mail

import (
	"mime"
	netmail "net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // registers the common charsets with go-message
)

// headerDecoder decodes RFC 2047 encoded words with every charset
// go-message knows.
var headerDecoder = &mime.WordDecoder{CharsetReader: message.CharsetReader}

// decodeHeaderText decodes encoded words in an unstructured header field and
// cleans the result; undecodable words are kept as written.
func decodeHeaderText(v string) string {
	if d, err := headerDecoder.DecodeHeader(v); err == nil {
		v = d
	}
	return cleanLine(v, 998)
}

// cleanLine makes a header value safe to show and to copy into another
// header: valid UTF-8, no control characters (so no CR/LF header
// injection), runs of white space collapsed, at most max bytes.
func cleanLine(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' {
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
var looseAddress = regexp.MustCompile(`[^\s<>"',;:()\[\]]+@[^\s<>"',;:()\[\]]+`)

// angleAddress finds addresses written in angle brackets.
var angleAddress = regexp.MustCompile(`<([^\s<>"]+@[^\s<>"]+)>`)

// parseAddresses reads an address-list header field leniently: a list that
// does not parse still yields the addresses it visibly contains.
func parseAddresses(h message.Header, key string) []Address {
	var out []Address
	for _, v := range h.Values(key) {
		out = append(out, parseAddressList(v)...)
	}
	return out
}

func parseAddressList(v string) []Address {
	p := netmail.AddressParser{WordDecoder: headerDecoder}
	list, err := p.ParseList(v)
	var out []Address
	if err == nil {
		for _, a := range list {
			out = append(out, cleanAddress(a.Name, a.Address))
		}
		return out
	}
	found := angleAddress.FindAllStringSubmatch(v, 100)
	if found == nil {
		for _, m := range looseAddress.FindAllString(v, 100) {
			found = append(found, []string{m, m})
		}
	}
	for _, m := range found {
		out = append(out, cleanAddress("", m[1]))
	}
	if len(out) == 1 {
		// Keep a display name when there is exactly one address, e.g. an
		// unquoted "Smith, Ana <ana@example.com>".
		if i := strings.IndexByte(v, '<'); i > 0 {
			out[0].Name = cleanName(decodeHeaderText(strings.Trim(v[:i], ` "'`)))
		}
	}
	return out
}

func cleanAddress(name, addr string) Address {
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
func msgIDs(h message.Header, key string, max int) []string {
	var out []string
	for _, v := range h.Values(key) {
		v = cleanLine(v, 1<<16)
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
