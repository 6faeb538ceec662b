package mail

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message"
	"golang.org/x/text/encoding/charmap"
)

// walker visits the MIME tree of one message and fills an Inbound.
type walker struct {
	in     *Inbound
	limits Limits
	parts  int
	kept   int // attachments kept with data
	html   strings.Builder
	// charsetErr is set while reading a part whose charset go-message
	// does not know: its bytes arrive undecoded.
	charsetErr bool
	report     string // report-type of a multipart/report, or "delivery-status" from a part
}

// empty reports whether the walk found nothing to show.
func (w *walker) empty() bool {
	return w.in.Text == "" && w.html.Len() == 0 && len(w.in.Attachments) == 0
}

// boundaryLine finds the first MIME boundary delimiter line in a body.
var boundaryLine = regexp.MustCompile(`(?m)^--([0-9A-Za-z'()+_,./:=?-]{1,70})[ \t]*\r?$`)

// recover is called when the MIME walk gave nothing readable. A multipart
// whose declared boundary is wrong is read again with the boundary its body
// actually uses; anything else is shown as plain text as written.
func (w *walker) recover(raw []byte, h message.Header) {
	body := rawBody(raw)
	mediaType, params, _ := h.ContentType()
	if m := boundaryLine.FindSubmatch(body); m != nil && strings.HasPrefix(mediaType, "multipart/") && string(m[1]) != params["boundary"] {
		h = h.Copy()
		h.SetContentType(mediaType, map[string]string{"boundary": string(m[1])})
		if e, err := message.New(h, bytes.NewReader(body)); err == nil {
			w.in.problem("multipart boundary %q not found; read with %q", params["boundary"], m[1])
			w.entity(e, 0, "")
			if !w.empty() {
				return
			}
		}
	}
	if text := normalizeText(body); strings.TrimSpace(text) != "" {
		w.in.Text = truncate(text, w.limits.MaxTextBytes)
		w.in.problem("no readable MIME part; body kept as plain text")
	}
}

// entity handles one MIME entity; parent is the enclosing multipart subtype.
func (w *walker) entity(e *message.Entity, depth int, parent string) {
	w.parts++
	if w.parts > w.limits.MaxParts {
		if w.parts == w.limits.MaxParts+1 {
			w.in.problem("more than %d MIME parts; the rest ignored", w.limits.MaxParts)
		}
		return
	}
	mediaType, params, err := e.Header.ContentType()
	if err != nil || mediaType == "" {
		mediaType, params = "text/plain", map[string]string{}
	}
	if mr := e.MultipartReader(); mr != nil {
		if depth >= w.limits.MaxDepth {
			w.in.problem("multipart nested deeper than %d; ignored", w.limits.MaxDepth)
			return
		}
		sub := strings.TrimPrefix(mediaType, "multipart/")
		if sub == "report" {
			w.report = strings.ToLower(params["report-type"])
		}
		for {
			p, err := mr.NextPart()
			w.charsetErr = message.IsUnknownCharset(err)
			if err == io.EOF {
				return
			}
			if err != nil && p == nil {
				w.in.problem("broken multipart/%s: %v", sub, err)
				return
			}
			if err != nil {
				w.in.problem("%v", err)
			}
			w.entity(p, depth+1, sub)
		}
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		w.in.problem("%s without a boundary; read as text", mediaType)
		mediaType = "text/plain"
	}
	w.leaf(e, mediaType, params, parent)
}

// leaf handles a non-multipart entity: text, HTML or attachment.
func (w *walker) leaf(e *message.Entity, mediaType string, params map[string]string, parent string) {
	disp, dparams, _ := e.Header.ContentDisposition()
	filename := dparams["filename"]
	if filename == "" {
		filename = params["name"]
	}
	isAttachment := disp == "attachment" || filename != ""
	if mediaType == "message/delivery-status" || mediaType == "message/global-delivery-status" {
		w.report = "delivery-status"
	}
	if !isAttachment && (mediaType == "text/plain" || mediaType == "text/html") {
		b, over := w.read(e.Body, int64(w.limits.MaxTextBytes))
		if over {
			w.in.problem("%s part longer than %d bytes; truncated", mediaType, w.limits.MaxTextBytes)
		}
		s := w.decodeText(b, params["charset"])
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
		w.in.Text = truncate(w.in.Text+s, w.limits.MaxTextBytes)
		return
	}
	w.attachment(e, mediaType, disp, filename, parent)
}

func (w *walker) attachment(e *message.Entity, mediaType, disp, filename, parent string) {
	a := Attachment{
		ContentType: mediaType,
		ContentID:   strings.Trim(cleanLine(e.Header.Get("Content-Id"), 250), "<> "),
	}
	a.Inline = disp == "inline" || (disp == "" && a.ContentID != "" && parent == "related")
	a.Filename = cleanFilename(filename, mediaType, len(w.in.Attachments)+1)
	if w.kept >= w.limits.MaxAttachments {
		n, _ := io.Copy(io.Discard, e.Body)
		a.Size = n
		a.Omitted = fmt.Sprintf("more than %d attachments", w.limits.MaxAttachments)
		w.in.problem("attachment %q dropped: %s", a.Filename, a.Omitted)
	} else if b, over := w.read(e.Body, w.limits.MaxAttachmentBytes); over {
		consumed := w.limits.MaxAttachmentBytes + 1 // read consumed one byte more than it returned
		n, _ := io.Copy(io.Discard, e.Body)
		a.Size = consumed + n
		a.Omitted = fmt.Sprintf("larger than %d bytes", w.limits.MaxAttachmentBytes)
		w.in.problem("attachment %q dropped: %s", a.Filename, a.Omitted)
	} else {
		a.Data, a.Size = b, int64(len(b))
		w.kept++
	}
	w.in.Attachments = append(w.in.Attachments, a)
}

// decodeText turns the bytes of a text part into valid UTF-8. Bytes that
// are not UTF-8 in a part whose charset is unknown or missing are read as
// Windows-1252, the most common unlabelled or mislabelled charset, so that
// "café" does not become "caf\uFFFD".
func (w *walker) decodeText(b []byte, charset string) string {
	if !utf8.Valid(b) && (w.charsetErr || charset == "" || strings.EqualFold(charset, "us-ascii")) {
		if d, err := charmap.Windows1252.NewDecoder().Bytes(b); err == nil {
			b = d
		}
	}
	return normalizeText(b)
}

// read reads at most max bytes of body; over is true when there was more.
// A decoding error part-way keeps what was read.
func (w *walker) read(body io.Reader, max int64) (b []byte, over bool) {
	b, err := io.ReadAll(io.LimitReader(body, max+1))
	if err != nil {
		w.in.problem("part body: %v", err)
	}
	if int64(len(b)) > max {
		return b[:max], true
	}
	return b, false
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
