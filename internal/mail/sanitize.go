package mail

import (
	"html"
	"net/url"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// htmlPolicy is bluemonday's user-generated-content policy (no scripts,
// styles, event handlers or forms) with images limited to the message's
// own inline parts: a remote image is a tracking pixel that tells the
// sender when, where and whether an agent opened the mail.
var htmlPolicy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowURLSchemes("cid")
	p.AllowDataURIImages()
	p.AddTargetBlankToFullyQualifiedLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.RewriteSrc(func(u *url.URL) {
		switch strings.ToLower(u.Scheme) {
		case "cid", "data":
		default:
			*u = url.URL{}
		}
	})
	return p
})

// SanitizeHTML returns html made safe to show inside calmdesk: scripts,
// styles, event handlers, forms and remote images removed; images that
// point at the message's own parts (cid:) kept.
func SanitizeHTML(html string) string {
	return htmlPolicy().Sanitize(html)
}

// cidSrc matches the src of an inline image in SanitizeHTML's output,
// which always double-quotes and escapes attribute values.
var cidSrc = textkit.LazyRegexp(`src="cid:([^"]*)"`)

// ResolveInlineImages points the cid: images of sanitised HTML at URLs
// calmdesk serves: resolve maps a Content-ID (as in Attachment.ContentID)
// to a URL, or reports false, in which case the image is left empty.
func ResolveInlineImages(sanitized string, resolve func(contentID string) (url string, ok bool)) string {
	return cidSrc().ReplaceAllStringFunc(sanitized, func(m string) string {
		id := html.UnescapeString(cidSrc().FindStringSubmatch(m)[1])
		if u, err := url.QueryUnescape(id); err == nil {
			id = u
		}
		if target, ok := resolve(id); ok {
			return `src="` + html.EscapeString(target) + `"`
		}
		return `src=""`
	})
}
