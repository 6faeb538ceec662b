package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Static files are embedded, so each has one content for the life of the
// binary. They are served with a strong ETag (304 on If-None-Match) and,
// where the page links them with their content hash (asset), cached for a
// year: a new release changes the hash, hence the address. Text files are
// gzipped once, at first use, for browsers that accept it.

// staticFile is one embedded file, ready to serve.
type staticFile struct {
	body, gz []byte // gz nil: not worth compressing
	etag     string // quoted
	hash     string // first 12 hex digits of the SHA-256, for ?v=
	ctype    string
}

var (
	staticOnce  sync.Once
	staticCache map[string]*staticFile // by name under static/
)

// loadStatic reads every embedded static file once.
func loadStatic() map[string]*staticFile {
	staticOnce.Do(func() {
		staticCache = map[string]*staticFile{}
		_ = fs.WalkDir(staticFS, "static", func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			body, err := staticFS.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(body)
			f := &staticFile{body: body, hash: hex.EncodeToString(sum[:6]), ctype: mime.TypeByExtension(path.Ext(p))}
			f.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
			if f.ctype == "" {
				f.ctype = http.DetectContentType(body)
			}
			if compressible(f.ctype) && len(body) > 512 {
				var buf bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
				_, _ = zw.Write(body)
				_ = zw.Close()
				if buf.Len() < len(body) {
					f.gz = buf.Bytes()
				}
			}
			staticCache[strings.TrimPrefix(p, "static/")] = f
			return nil
		})
	})
	return staticCache
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.Contains(ctype, "javascript") || strings.Contains(ctype, "json") || strings.Contains(ctype, "svg")
}

// asset is the address of a static file with its content hash, which the
// server caches for a year ("calmdesk.css" -> "/static/calmdesk.css?v=…").
func asset(name string) string {
	if f, ok := loadStatic()[name]; ok {
		return "/static/" + name + "?v=" + f.hash
	}
	return "/static/" + name
}

// serveStatic answers GET /static/{name}: 304 when the browser has it,
// gzip when it accepts it, a year's caching when the address carries the
// current hash and a revalidation otherwise.
func serveStatic() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		f, ok := loadStatic()[name]
		if !ok {
			http.NotFound(w, r)
			return
		}
		serveFile(w, r, f, r.URL.Query().Get("v") == f.hash)
	})
}

func serveFile(w http.ResponseWriter, r *http.Request, f *staticFile, immutable bool) {
	h := w.Header()
	h.Set("ETag", f.etag)
	h.Set("Vary", "Accept-Encoding")
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	if etagMatches(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", f.ctype)
	body := f.body
	if f.gz != nil && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gz
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// favicon answers GET /favicon.ico with the SVG icon, for browsers and
// tools that ask for it without reading the page's link.
func favicon() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := loadStatic()["favicon.svg"]
		if !ok {
			http.NotFound(w, r)
			return
		}
		serveFile(w, r, f, false)
	})
}

// notFoundPage answers a path no route takes with the app's 404 page: in
// the signed-in frame for someone signed in, plain for anyone else.
func (s *Server) notFoundPage(w http.ResponseWriter, r *http.Request) {
	u, _ := s.sessionUser(r)
	s.renderError(w, r, u, http.StatusNotFound, "There is no page at this address. It may have moved, or the link is mistyped.")
}
