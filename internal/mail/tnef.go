package mail

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"unicode/utf16"
)

// Outlook and Exchange wrap a message in TNEF (MS-OXTNEF, the winmail.dat
// attachment) when they believe the receiver is Outlook too: the text,
// the files and the kind of message (a read receipt, an out-of-office)
// are inside, and a client that does not read it shows the customer one
// opaque file. readTNEF reads what a desk needs: the message class, the
// plain, HTML or compressed-RTF body and the attached files.

// tnefMessage is what readTNEF found in a winmail.dat.
type tnefMessage struct {
	class       string // e.g. "IPM.Note", "REPORT.IPM.Note.IPNRN" (read receipt)
	text, html  string
	attachments []tnefAttachment
}

type tnefAttachment struct {
	name, mimeType, contentID string
	data                      []byte
}

const tnefSignature = 0x223E9F78

// TNEF attribute ids (the low 16 bits of an attribute's id).
const (
	attSubject       = 0x8004
	attMessageClass  = 0x8008
	attBody          = 0x800C
	attAttachData    = 0x800F
	attAttachTitle   = 0x8010
	attAttachRenddat = 0x9002
	attMsgProps      = 0x9003
	attAttachment    = 0x9005
)

// MAPI property ids and types read from the property lists.
const (
	prMessageClass      = 0x001A
	prBody              = 0x1000
	prRTFCompressed     = 0x1009
	prBodyHTML          = 0x1013
	prAttachDataBin     = 0x3701
	prAttachFilename    = 0x3704
	prAttachLongName    = 0x3707
	prAttachMimeTag     = 0x370E
	prAttachContentID   = 0x3712
	ptString8           = 0x001E
	ptUnicode           = 0x001F
	ptBinary            = 0x0102
	ptObject            = 0x000D
	ptMultiValuedFlag   = 0x1000
	maxTNEFPropertyList = 10000
)

var errTNEF = errors.New("mail: broken TNEF")

// readTNEF reads a winmail.dat.
func readTNEF(b []byte) (*tnefMessage, error) {
	r := tnefReader{b: b}
	if r.u32() != tnefSignature {
		return nil, errTNEF
	}
	r.u16() // legacy key
	m := &tnefMessage{}
	var att *tnefAttachment
	var rtf []byte
	for r.err == nil && r.pos < len(r.b) {
		level := r.u8()
		id := r.u32()
		data := r.bytes(int(r.u32()))
		r.u16() // checksum
		if r.err != nil {
			break
		}
		switch id & 0xFFFF {
		case attMessageClass:
			if level == 1 {
				m.class = cstring(data)
			}
		case attBody:
			m.text = utf8OrWindows1252(bytes.TrimRight(data, "\x00"))
		case attAttachRenddat:
			m.attachments = append(m.attachments, tnefAttachment{})
			att = &m.attachments[len(m.attachments)-1]
		case attAttachTitle:
			if att != nil && att.name == "" {
				att.name = cstring(data)
			}
		case attAttachData:
			if att != nil {
				att.data = data
			}
		case attMsgProps:
			props := readMAPIProps(data)
			if v, ok := props[prMessageClass]; ok && m.class == "" {
				m.class = v.str()
			}
			if v, ok := props[prBody]; ok {
				m.text = v.str()
			}
			if v, ok := props[prBodyHTML]; ok {
				m.html = v.str()
			}
			if v, ok := props[prRTFCompressed]; ok {
				rtf = v.raw
			}
		case attAttachment:
			if att == nil {
				continue
			}
			props := readMAPIProps(data)
			if v, ok := props[prAttachLongName]; ok && v.str() != "" {
				att.name = v.str()
			} else if v, ok := props[prAttachFilename]; ok && att.name == "" {
				att.name = v.str()
			}
			if v, ok := props[prAttachMimeTag]; ok {
				att.mimeType = strings.ToLower(v.str())
			}
			if v, ok := props[prAttachContentID]; ok {
				att.contentID = v.str()
			}
			if v, ok := props[prAttachDataBin]; ok && att.data == nil {
				att.data = v.raw
			}
		}
	}
	if m.text == "" && m.html == "" && rtf != nil {
		if plain, err := decompressRTF(rtf); err == nil {
			m.text = rtfText(plain)
		}
	}
	if r.err != nil && m.class == "" && m.text == "" && len(m.attachments) == 0 {
		return nil, r.err
	}
	return m, nil
}

// tnefKind says which kind of automatic message a TNEF message class is.
func tnefKind(class string) (AutoKind, bool) {
	c := strings.ToUpper(class)
	switch {
	case c == "":
		return NotAutomatic, false
	case strings.HasPrefix(c, "REPORT.") && strings.HasSuffix(c, ".NDR"):
		return Bounce, true
	case strings.HasPrefix(c, "REPORT."), strings.Contains(c, "READ RECEIPT"), strings.Contains(c, "OOFTEMPLATE"):
		return AutoReply, true
	}
	return NotAutomatic, false
}

// tnef reads a winmail.dat part into the message: its files become
// attachments, its body the text when there is none, its class the
// evidence of an automatic message. It returns false, and the part stays
// one opaque attachment, when the data is not TNEF.
func (w *walker) tnef(data []byte) bool {
	m, err := readTNEF(data)
	if err != nil {
		w.in.problem("winmail.dat unreadable: %v; kept as an attachment", err)
		return false
	}
	if w.tnefClass == "" {
		w.tnefClass = m.class
	}
	if strings.TrimSpace(w.in.Text) == "" && w.html.Len() == 0 {
		switch {
		case strings.TrimSpace(m.text) != "":
			w.addText([]byte(m.text), "text/plain", "utf-8")
		case m.html != "":
			w.addText([]byte(m.html), "text/html", "utf-8")
		}
	}
	for _, a := range m.attachments {
		mediaType := a.mimeType
		if mediaType == "" {
			mediaType = "application/octet-stream"
		}
		w.attachment(header{{"Content-Id", a.contentID}}, a.data, mediaType, "attachment", a.name, "")
	}
	return true
}

// tnefReader reads little-endian values, remembering the first error.
type tnefReader struct {
	b   []byte
	pos int
	err error
}

func (r *tnefReader) bytes(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b)-r.pos {
		r.err = errTNEF
		return nil
	}
	out := r.b[r.pos : r.pos+n]
	r.pos += n
	return out
}

func (r *tnefReader) u8() byte {
	if b := r.bytes(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *tnefReader) u16() uint16 {
	if b := r.bytes(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *tnefReader) u32() uint32 {
	if b := r.bytes(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

// align skips the padding after a value of n bytes, to 4 bytes.
func (r *tnefReader) align(n int) {
	if pad := (4 - n%4) % 4; pad > 0 {
		r.bytes(pad)
	}
}

// mapiValue is one property value: a string or binary as read.
type mapiValue struct {
	typ uint16
	raw []byte
}

func (v mapiValue) str() string {
	switch v.typ {
	case ptUnicode:
		u := make([]uint16, len(v.raw)/2)
		for i := range u {
			u[i] = binary.LittleEndian.Uint16(v.raw[2*i:])
		}
		return strings.TrimRight(string(utf16.Decode(u)), "\x00")
	}
	return utf8OrWindows1252(bytes.TrimRight(v.raw, "\x00"))
}

// readMAPIProps reads a TNEF MAPI property list (MS-OXTNEF 2.1.3.4),
// keeping the first value of each property of a string or binary type.
func readMAPIProps(b []byte) map[uint16]mapiValue {
	r := tnefReader{b: b}
	props := map[uint16]mapiValue{}
	count := int(r.u32())
	for i := 0; i < count && i < maxTNEFPropertyList && r.err == nil; i++ {
		typ := r.u16()
		id := r.u16()
		if id >= 0x8000 { // named property: GUID, then an id or a name
			r.bytes(16)
			if kind := r.u32(); kind == 0 {
				r.u32()
			} else {
				n := int(r.u32())
				r.bytes(n)
				r.align(n)
			}
		}
		values := 1
		base := typ &^ ptMultiValuedFlag
		if typ&ptMultiValuedFlag != 0 || base == ptString8 || base == ptUnicode || base == ptBinary || base == ptObject {
			values = int(r.u32())
		}
		for j := 0; j < values && r.err == nil; j++ {
			var raw []byte
			switch base {
			case ptString8, ptUnicode, ptBinary, ptObject:
				n := int(r.u32())
				raw = r.bytes(n)
				r.align(n)
				if base == ptObject && len(raw) >= 16 {
					raw = raw[16:] // the interface id
				}
			case 0x0002, 0x000B: // short, boolean: padded to 4
				raw = r.bytes(4)
			case 0x0003, 0x0004, 0x000A, 0x0001: // long, float, error, null
				raw = r.bytes(4)
			case 0x0005, 0x0006, 0x0007, 0x0014, 0x0040: // double, currency, apptime, int64, systime
				raw = r.bytes(8)
			case 0x0048: // GUID
				raw = r.bytes(16)
			default:
				r.err = errTNEF
			}
			if _, seen := props[id]; !seen && j == 0 && r.err == nil {
				props[id] = mapiValue{typ: base, raw: raw}
			}
		}
	}
	return props
}

func cstring(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return utf8OrWindows1252(b)
}

// rtfPrebuf is the dictionary compressed RTF starts with (MS-OXRTFCP).
const rtfPrebuf = "{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx"

// decompressRTF undoes MS-OXRTFCP compression (PR_RTF_COMPRESSED).
func decompressRTF(b []byte) ([]byte, error) {
	if len(b) < 16 {
		return nil, errTNEF
	}
	compSize := int(binary.LittleEndian.Uint32(b))
	rawSize := int(binary.LittleEndian.Uint32(b[4:]))
	kind := binary.LittleEndian.Uint32(b[8:])
	data := b[16:max(16, min(len(b), 4+compSize))]
	if kind == 0x414C454D { // "MELA": stored uncompressed
		return data[:min(len(data), rawSize)], nil
	}
	if kind != 0x75465A4C { // "LZFu"
		return nil, errTNEF
	}
	var dict [4096]byte
	copy(dict[:], rtfPrebuf)
	wp := len(rtfPrebuf)
	out := make([]byte, 0, min(rawSize, 1<<22))
	for i := 0; i < len(data); {
		control := data[i]
		i++
		for bit := 0; bit < 8 && i < len(data); bit++ {
			if control&(1<<bit) == 0 {
				c := data[i]
				i++
				out = append(out, c)
				dict[wp] = c
				wp = (wp + 1) % 4096
				continue
			}
			if i+1 >= len(data) {
				return out, nil
			}
			ref := int(data[i])<<8 | int(data[i+1])
			i += 2
			offset, length := ref>>4, ref&0xF+2
			if offset == wp {
				return out, nil
			}
			for k := 0; k < length; k++ {
				c := dict[(offset+k)%4096]
				out = append(out, c)
				dict[wp] = c
				wp = (wp + 1) % 4096
			}
			if len(out) > 1<<22 {
				return out, nil
			}
		}
	}
	return out, nil
}

// rtfText extracts the text of an RTF document: paragraphs and line
// breaks kept, control words, font and colour tables, pictures and other
// ignorable groups dropped. Outlook's RTF that encapsulates HTML
// (\fromhtml1) yields the HTML's text: the \htmlrtf parts are RTF for RTF
// readers only, and the \*\htmltag groups carry only markup.
func rtfText(rtf []byte) string {
	var out []byte
	type group struct{ skip, htmlrtf bool }
	stack := []group{{}}
	uc := 1      // characters to skip after \uN
	pending := 0 // fallback characters still to skip
	top := func() *group { return &stack[len(stack)-1] }
	for i := 0; i < len(rtf); i++ {
		c := rtf[i]
		switch c {
		case '{':
			stack = append(stack, *top())
			if len(stack) > 200 {
				return string(out)
			}
			continue
		case '}':
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		case '\r', '\n':
			continue
		case '\\':
		default:
			if pending > 0 {
				pending--
				continue
			}
			if !top().skip && !top().htmlrtf {
				out = append(out, c)
			}
			continue
		}
		// A control word, symbol or escaped character.
		if i+1 >= len(rtf) {
			break
		}
		n := rtf[i+1]
		switch {
		case n == '\\' || n == '{' || n == '}':
			i++
			if !top().skip && !top().htmlrtf {
				out = append(out, n)
			}
			continue
		case n == '\'' && i+3 < len(rtf):
			h, ok1 := unhex(rtf[i+2])
			l, ok2 := unhex(rtf[i+3])
			i += 3
			if pending > 0 {
				pending--
				continue
			}
			if ok1 && ok2 && !top().skip && !top().htmlrtf {
				out = append(out, string(windows1252Rune(h<<4|l))...)
			}
			continue
		case n == '*':
			i++
			top().skip = true // an ignorable destination, unless \htmltag below
			continue
		case !(n >= 'a' && n <= 'z' || n >= 'A' && n <= 'Z'):
			i++
			if n == '~' && !top().skip && !top().htmlrtf {
				out = append(out, ' ')
			}
			continue
		}
		j := i + 1
		for j < len(rtf) && (rtf[j] >= 'a' && rtf[j] <= 'z' || rtf[j] >= 'A' && rtf[j] <= 'Z') {
			j++
		}
		word := string(rtf[i+1 : j])
		k := j
		if k < len(rtf) && rtf[k] == '-' {
			k++
		}
		for k < len(rtf) && rtf[k] >= '0' && rtf[k] <= '9' {
			k++
		}
		param := string(rtf[j:k])
		if k < len(rtf) && rtf[k] == ' ' {
			k++
		}
		i = k - 1
		g := top()
		switch word {
		case "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "header", "footer", "listtable", "listoverridetable", "generator":
			g.skip = true
		case "htmltag":
			// Markup only; a line break or a block's end is a line break.
			g.skip = true
			if end := bytes.IndexByte(rtf[k:], '}'); end >= 0 && len(stack) > 1 {
				parent := stack[len(stack)-2]
				tag := strings.ToLower(string(rtf[k : k+end]))
				if !parent.skip && !parent.htmlrtf && (strings.HasPrefix(tag, "<br") || strings.HasPrefix(tag, "</p") ||
					strings.HasPrefix(tag, "</div") || strings.HasPrefix(tag, "</li") || strings.HasPrefix(tag, "</tr")) {
					out = append(out, '\n')
				}
			}
		case "htmlrtf":
			g.htmlrtf = param != "0"
		case "par", "line", "sect", "row":
			if !g.skip && !g.htmlrtf {
				out = append(out, '\n')
			}
		case "tab", "cell":
			if !g.skip && !g.htmlrtf {
				out = append(out, '\t')
			}
		case "uc":
			uc = atoiSmall(param)
		case "u":
			if !g.skip && !g.htmlrtf {
				v := atoiSmall(strings.TrimPrefix(param, "-"))
				if strings.HasPrefix(param, "-") {
					v = 65536 - v
				}
				out = append(out, string(rune(v))...)
			}
			pending = uc
		}
	}
	return strings.TrimSpace(normalizeText(utf8OrWindows1252(out)))
}

func atoiSmall(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<20 {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}
