package mail

import (
	"bytes"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// charsets caches lookupCharset's answers by lower-cased label; a nil
// value is a label no table knows. Labels come from senders, so the cache
// is bounded.
var charsets = struct {
	sync.Mutex
	m map[string]encoding.Encoding
}{m: map[string]encoding.Encoding{}}

// lookupCharset returns the decoder for a MIME charset label, or nil. The
// WHATWG table (htmlindex) is asked first, as browsers and mail clients
// do: it reads ISO-8859-1 and US-ASCII as Windows-1252, so the bytes
// 0x80-0x9F that Windows senders put in "Latin-1" mail come out as € and
// curly quotes instead of invisible C1 controls. ks_c_5601-1987 is
// EUC-KR there, and the x-mac-* labels are known.
func lookupCharset(label string) encoding.Encoding {
	label = strings.ToLower(strings.Trim(label, " \t\"'"))
	if len(label) > 40 {
		return nil
	}
	charsets.Lock()
	enc, ok := charsets.m[label]
	charsets.Unlock()
	if ok {
		return enc
	}
	enc = findCharset(label)
	if enc == nil {
		// "windows1252", "iso88591", "cp-1251": the label with the
		// punctuation mailers drop or add.
		for _, alt := range []string{strings.ReplaceAll(label, "_", "-"), strings.Replace(label, "windows", "windows-", 1),
			strings.Replace(label, "iso8859", "iso-8859", 1), strings.Replace(label, "cp-", "cp", 1)} {
			if alt != label {
				if enc = findCharset(alt); enc != nil {
					break
				}
			}
		}
	}
	charsets.Lock()
	if len(charsets.m) < 1000 {
		charsets.m[label] = enc
	}
	charsets.Unlock()
	return enc
}

// findCharset looks a lower-cased label up in calmdesk's own table, then
// WHATWG's, then IANA's.
func findCharset(label string) encoding.Encoding {
	switch label {
	case "utf-7", "unicode-1-1-utf-7", "csunicode11utf7", "x-utf-7":
		return utf7{}
	case "utf8", "utf-8", "x-utf_8j", "unicode-1-1-utf-8":
		return xunicode.UTF8
	case "ansi_x3.110-1983", "latin-1", "iso8859-1", "iso_8859_1", "8859-1", "ascii", "us-ascii", "":
		return charmap.Windows1252
	}
	if enc, _ := htmlindex.Get(label); enc != nil {
		return enc
	}
	enc, _ := ianaindex.MIME.Encoding(label)
	return enc
}

// decodeCharset turns bytes in charset label into valid UTF-8. Text in an
// unknown charset, or that is not what its label says, is read as UTF-8
// where it is UTF-8 and as Windows-1252 elsewhere (utf8OrWindows1252): the
// commonest truth behind a missing or wrong label. ok is false when the
// label was not used.
func decodeCharset(b []byte, label string) (s string, ok bool) {
	enc := lookupCharset(label)
	switch {
	case enc == nil:
		return utf8OrWindows1252(b), false
	case enc == xunicode.UTF8, enc == charmap.Windows1252 && utf8.Valid(b):
		// Text labelled Latin-1 or ASCII that is valid UTF-8 is UTF-8: a
		// client's default label on a UTF-8 editor.
		return utf8OrWindows1252(b), true
	}
	if sevenBit(label) && hasHighBytes(string(b)) {
		// 8-bit bytes cannot be ISO-2022 or ASCII: the label is wrong.
		return utf8OrWindows1252(b), false
	}
	d, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return utf8OrWindows1252(b), false
	}
	if bytes.ContainsRune(d, utf8.RuneError) && !bytes.Contains(b, []byte("\uFFFD")) && utf8.Valid(b) {
		// Not what the label says, and valid UTF-8: it is UTF-8 (a long
		// text in another multi-byte charset is never valid UTF-8 by chance).
		return string(b), false
	}
	return string(d), true
}

// sevenBit reports whether a charset label names an encoding of 7-bit
// bytes only.
func sevenBit(label string) bool {
	label = strings.ToLower(label)
	return strings.HasPrefix(label, "iso-2022-") || strings.HasPrefix(label, "csiso2022") || label == "utf-7" || label == "hz-gb-2312"
}

// utf8OrWindows1252 reads b as UTF-8, taking each byte that is not part of
// a valid UTF-8 sequence as a Windows-1252 character, so that unlabelled
// "caf\xe9" is "café" and no U+FFFD appears.
func utf8OrWindows1252(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	var sb strings.Builder
	sb.Grow(len(b) + len(b)/8)
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			sb.WriteRune(windows1252Rune(b[0]))
			b = b[1:]
			continue
		}
		sb.Write(b[:n])
		b = b[n:]
	}
	return sb.String()
}

// windows1252Rune is the character byte c stands for in Windows-1252.
func windows1252Rune(c byte) rune {
	if c < 0x80 {
		return rune(c)
	}
	return charmap.Windows1252.DecodeByte(c)
}

// utf7 decodes RFC 2152 UTF-7, which go-message and x/text do not know but
// some old clients still label encoded-words and parts with.
type utf7 struct{}

func (utf7) NewDecoder() *encoding.Decoder { return &encoding.Decoder{Transformer: utf7Transformer{}} }
func (utf7) NewEncoder() *encoding.Encoder { return encoding.Nop.NewEncoder() }

// utf7Transformer decodes a whole input at once: UTF-7 here is always a
// short header word or a small text part already in memory.
type utf7Transformer struct{}

func (utf7Transformer) Reset() {}

func (utf7Transformer) Transform(dst, src []byte, atEOF bool) (nDst, nSrc int, err error) {
	if !atEOF {
		return 0, 0, transform.ErrShortSrc
	}
	out := decodeUTF7(src)
	if len(out) > len(dst) {
		return 0, 0, transform.ErrShortDst
	}
	return copy(dst, out), len(src), nil
}

// decodeUTF7 decodes UTF-7: "+" starts modified base64 of UTF-16BE, "-" or
// any non-base64 byte ends it, "+-" is a plus sign.
func decodeUTF7(src []byte) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var out []byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		if c != '+' {
			out = append(out, c)
			continue
		}
		i++
		if i < len(src) && src[i] == '-' {
			out = append(out, '+')
			continue
		}
		var bits, nbits uint32
		var units []uint16
		for ; i < len(src); i++ {
			v := strings.IndexByte(alphabet, src[i])
			if v < 0 {
				break
			}
			bits = bits<<6 | uint32(v)
			nbits += 6
			if nbits >= 16 {
				nbits -= 16
				units = append(units, uint16(bits>>nbits))
				bits &= 1<<nbits - 1
			}
		}
		out = append(out, string(utf16.Decode(units))...)
		if i < len(src) && src[i] != '-' {
			i-- // the byte that ended the run is text
		}
	}
	return out
}
