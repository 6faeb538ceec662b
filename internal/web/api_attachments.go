package web

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// inlineTypes are the attachment types a browser may show in place; every
// other type is offered as a download, never rendered.
var inlineTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// getAttachment serves an attachment's bytes. Customer files are hostile
// input: no sniffing, a sandbox CSP, and a download unless a plain image.
func (s *Server) getAttachment(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.desk.AttachmentFile(r.Context(), id)
	if err != nil {
		return err
	}
	if a.Data == nil {
		return &httpError{status: http.StatusGone, code: "omitted", message: "this attachment was not kept: " + a.Omitted}
	}
	mediaType, _, _ := mime.ParseMediaType(a.ContentType)
	disposition := "attachment"
	if inlineTypes[mediaType] {
		disposition = "inline"
	} else {
		mediaType = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", mediaType)
	h.Set("Content-Disposition", mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'")
	h.Set("Cache-Control", "private, no-store")
	_, _ = w.Write(a.Data)
	return nil
}
