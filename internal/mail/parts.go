package mail

import (
	"bytes"
	"fmt"
	"mime"
	"path"
	"strings"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// walker visits the MIME tree of one message and fills an Inbound.
type walker struct {
	in     *Inbound
	limits Limits
	parts  int
	kept   int // attachments kept with data
	html   bytes.Buffer
	report string // report-type of a multipart/report, or the kind of report part seen
	// namedText are the indexes in in.Attachments of text parts that
	// carry a file name but no "attachment" disposition: the body when the
	// message has no other text.
	namedText []int
	tnefClass string // the message class of a TNEF (winmail.dat) part
}

// empty reports whether the walk found nothing to show.
func (w *walker) empty() bool {
	return w.in.Text == "" && w.html.Len() == 0 && len(w.in.Attachments) == 0
}

// boundaryLine finds the first MIME boundary delimiter line in a body.
var boundaryLine = textkit.LazyRegexp(`(?m)^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*\r?$`)

// recover is called when the MIME walk gave nothing readable: a multipart
// body without a usable boundary is read with the boundary it actually
// uses; anything else is shown as plain text as written.
func (w *walker) recover(body []byte) {
	if m := boundaryLine().FindSubmatch(body); m != nil {
		if parts, found, _ := splitMultipart(body, string(m[1]), w.limits.MaxParts); found && len(parts) > 0 {
			w.in.problem("multipart boundary not declared; read with %q", m[1])
			for _, p := range parts {
				ph, pbody, probs := readHeader(p, false)
				w.problems(probs)
				w.entity(ph, pbody, 1, "mixed")
			}
			if !w.empty() {
				return
			}
		}
	}
	if looksBinary(body) {
		w.in.problem("no readable MIME part; binary body kept as an attachment")
		w.attachment(nil, body, "application/octet-stream", "", "", "")
		return
	}
	if text := normalizeText(utf8OrWindows1252(body)); strings.TrimSpace(text) != "" {
		w.in.Text = textkit.Clip(text, w.limits.MaxTextBytes)
		w.in.problem("no readable MIME part; body kept as plain text")
	}
}

func (w *walker) problems(list []string) {
	for _, p := range list {
		w.in.problem("%s", p)
	}
}

// entity handles one MIME entity; parent is the enclosing multipart subtype.
func (w *walker) entity(h header, body []byte, depth int, parent string) {
	w.parts++
	if w.parts > w.limits.MaxParts {
		if w.parts == w.limits.MaxParts+1 {
			w.in.problem("more than %d MIME parts; the rest ignored", w.limits.MaxParts)
		}
		return
	}
	ct := h.get("Content-Type")
	mediaType, params := mediaType(ct)
	switch {
	case mediaType == "" && parent == "digest":
		mediaType = "message/rfc822"
	case mediaType == "" && depth == 0 && strings.TrimSpace(ct) == "" && looksHTML(body):
		// No Content-Type, and the body is a web page: mailers that
		// predate MIME and scripts send HTML so.
		w.in.problem("no Content-Type; body read as HTML")
		mediaType = "text/html"
	case mediaType == "":
		if strings.TrimSpace(ct) != "" {
			w.in.problem("unreadable Content-Type %q; read as text/plain", cleanLine(ct, 60))
		}
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		if w.multipart(h, body, mediaType, params, depth) {
			return
		}
		mediaType = "text/plain"
	}
	w.leaf(h, body, mediaType, params, parent)
}

// multipart walks the parts of a multipart entity. It returns false when
// the body has no parts to walk, so that it is read as text.
func (w *walker) multipart(h header, body []byte, mediaType string, params map[string]string, depth int) bool {
	if depth >= w.limits.MaxDepth {
		w.in.problem("multipart nested deeper than %d; ignored", w.limits.MaxDepth)
		return true
	}
	sub := strings.TrimPrefix(mediaType, "multipart/")
	if sub == "report" {
		w.report = strings.ToLower(params["report-type"])
	}
	boundary := params["boundary"]
	parts, found, closed := [][]byte(nil), false, false
	if boundary != "" {
		parts, found, closed = splitMultipart(body, boundary, w.limits.MaxParts+1)
	}
	if !found {
		m := boundaryLine().FindSubmatch(body)
		if m == nil {
			w.in.problem("%s without a boundary; read as text", mediaType)
			return false
		}
		w.in.problem("multipart boundary %q not found; read with %q", boundary, m[1])
		parts, _, closed = splitMultipart(body, string(m[1]), w.limits.MaxParts+1)
	}
	if !closed {
		w.in.problem("multipart/%s not closed", sub)
	}
	textSeen, htmlSeen := false, false
	for _, p := range parts {
		ph, pbody, probs := readHeader(p, false)
		w.problems(probs)
		textBefore, htmlBefore := len(w.in.Text), w.html.Len()
		w.entity(ph, pbody, depth+1, sub)
		if sub != "alternative" {
			continue
		}
		// Alternatives say the same thing: the first text and the first
		// HTML are the message, later ones are the same words again.
		if textSeen && len(w.in.Text) > textBefore {
			w.in.Text = w.in.Text[:textBefore]
		}
		if htmlSeen && w.html.Len() > htmlBefore {
			w.html.Truncate(htmlBefore)
		}
		textSeen = textSeen || strings.TrimSpace(w.in.Text[textBefore:]) != ""
		htmlSeen = htmlSeen || w.html.Len() > htmlBefore
	}
	return true
}

// leaf handles a non-multipart entity: text, HTML or attachment. A part
// is text for the body only when it is text/plain or text/html without a
// file name and not marked "attachment"; a file name, any other type or
// that disposition makes it an attachment even when its header is broken,
// and a text part that turns out to hold binary is one too.
func (w *walker) leaf(h header, body []byte, mediaType string, params map[string]string, parent string) {
	disp, dparams := parseParams(h.get("Content-Disposition"))
	filename := firstNonEmpty(dparams["filename"], params["name"], dparams["name"], params["filename"], params["file"])
	switch mediaType {
	case "message/delivery-status", "message/global-delivery-status":
		w.report = "delivery-status"
	case "message/disposition-notification":
		w.report = "disposition-notification"
	case "message/feedback-report":
		w.report = "feedback-report"
	}
	data := decodeTransfer(body, transferEncoding(h.get("Content-Transfer-Encoding")), func(p string) { w.in.problem("%s", p) })
	if mediaType == "application/ms-tnef" || mediaType == "application/vnd.ms-tnef" || strings.EqualFold(path.Base(filename), "winmail.dat") {
		if w.tnef(data) {
			return
		}
	}
	isText := mediaType == "text/plain" || mediaType == "text/html"
	if parent == "alternative" && !isText && strings.HasPrefix(mediaType, "text/") {
		return // another rendering of the same words (text/enriched, Apple's text/watch-html)
	}
	wide := strings.HasPrefix(strings.ToLower(params["charset"]), "utf-16") || strings.HasPrefix(strings.ToLower(params["charset"]), "utf-32")
	if isText && disp != "attachment" && !wide && looksBinary(data) {
		w.in.problem("%s part holds binary data; kept as an attachment", mediaType)
		w.attachment(h, data, "application/octet-stream", disp, filename, parent)
		return
	}
	if !isText || disp == "attachment" || filename != "" {
		if isText && disp != "attachment" {
			w.namedText = append(w.namedText, len(w.in.Attachments))
		}
		w.attachment(h, data, mediaType, disp, filename, parent)
		return
	}
	w.addText(data, mediaType, params["charset"])
}

// addText adds the bytes of a text/plain or text/html body part.
func (w *walker) addText(data []byte, mediaType, charset string) {
	if len(data) > w.limits.MaxTextBytes {
		w.in.problem("%s part longer than %d bytes; truncated", mediaType, w.limits.MaxTextBytes)
		data = data[:w.limits.MaxTextBytes]
	}
	s := w.decodeText(data, charset)
	if mediaType == "text/html" {
		if w.html.Len() > 0 {
			w.html.WriteString("\n")
		}
		w.html.WriteString(s)
		return
	}
	if w.in.Text != "" {
		w.in.Text += "\n"
	}
	w.in.Text = textkit.Clip(w.in.Text+s, w.limits.MaxTextBytes)
}

// useNamedText makes the first text part that carries a file name the
// body, when the message has no other text: Netscape and some phones send
// the customer's words as "inline; filename=…".
func (w *walker) useNamedText() {
	if strings.TrimSpace(w.in.Text) != "" || w.html.Len() > 0 || len(w.namedText) == 0 {
		return
	}
	i := w.namedText[0]
	a := w.in.Attachments[i]
	if a.Data == nil {
		return
	}
	w.in.Attachments = append(w.in.Attachments[:i], w.in.Attachments[i+1:]...)
	w.kept--
	w.addText(a.Data, a.ContentType, a.charset)
}

func (w *walker) attachment(h header, data []byte, contentType, disp, filename, parent string) {
	a := Attachment{ContentType: contentType}
	if h != nil {
		a.ContentID = strings.Trim(cleanLine(h.get("Content-Id"), 250), "<> ")
		_, params := mediaType(h.get("Content-Type"))
		a.charset = params["charset"]
	}
	a.Inline = disp == "inline" || (disp == "" && a.ContentID != "" && parent == "related")
	a.Filename = cleanFilename(filename, contentType, len(w.in.Attachments)+1)
	a.Size = int64(len(data))
	switch {
	case w.kept >= w.limits.MaxAttachments:
		a.Omitted = fmt.Sprintf("more than %d attachments", w.limits.MaxAttachments)
		w.in.problem("attachment %q dropped: %s", a.Filename, a.Omitted)
	case a.Size > w.limits.MaxAttachmentBytes:
		a.Omitted = fmt.Sprintf("larger than %d bytes", w.limits.MaxAttachmentBytes)
		w.in.problem("attachment %q dropped: %s", a.Filename, a.Omitted)
	default:
		a.Data = bytes.Clone(data)
		w.kept++
	}
	w.in.Attachments = append(w.in.Attachments, a)
}

// decodeText turns the bytes of a text part into clean UTF-8 text.
func (w *walker) decodeText(b []byte, charset string) string {
	s, ok := decodeCharset(b, charset)
	if !ok && charset != "" {
		w.in.problem("unknown charset %q; read as UTF-8 or Windows-1252", cleanLine(charset, 40))
	}
	return normalizeText(s)
}

// htmlStart matches the start of an HTML document or fragment.
var htmlStart = textkit.LazyRegexp(`(?i)^\s*<(!doctype html|html|head|body|p|div|table|br|b|font|span|h[1-6])[\s>/]`)

// looksHTML reports whether body is HTML: it starts with a tag and closes
// one.
func looksHTML(body []byte) bool {
	head := body[:min(len(body), 4096)]
	return htmlStart().Match(head) && bytes.Contains(head, []byte("</"))
}

// looksBinary reports whether data is not text: NUL bytes or other
// control characters in more than a few places of its start. Escape (ISO
// 2022), form feed and the line ends are text.
func looksBinary(data []byte) bool {
	sample := data[:min(len(data), 4096)]
	controls := 0
	for _, c := range sample {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1b {
			controls++
		}
	}
	return controls > 8 && controls*20 > len(sample)
}

func firstNonEmpty(options ...string) string {
	for _, s := range options {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// cleanFilename makes an attachment name safe to store and offer for
// download: decoded, base name only, no control characters.
func cleanFilename(name, mediaType string, n int) string {
	name = decodeHeaderText(name)
	name = strings.ReplaceAll(name, `\`, "/")
	name = path.Base(name)
	name = strings.TrimLeft(cleanLine(name, 200), ".")
	if name == "" || name == "/" {
		ext := ""
		if exts, _ := mime.ExtensionsByType(mediaType); len(exts) > 0 {
			ext = exts[0]
		}
		name = fmt.Sprintf("attachment-%d%s", n, ext)
	}
	return name
}
