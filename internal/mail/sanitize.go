package mail

import (
	"net/url"
	"strings"
	"sync"

	"github.com/microcosm-cc/bluemonday"
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
