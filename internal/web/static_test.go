package web_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// get sends a GET with the given headers, without Go's transparent gzip.
func rawGet(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// TestStaticFilesCacheAndCompress: the page links its assets with their
// content hash; those are cached for a year, gzipped when asked, and
// answered 304 for a known ETag; /favicon.ico exists; an unknown address
// gets the styled 404 page; a page is gzipped when the browser accepts it.
func TestStaticFilesCacheAndCompress(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	srv := httptest.NewServer(web.New(testDesk(db), web.Config{}, nil))
	t.Cleanup(srv.Close)

	_, login := rawGet(t, srv.URL+"/login")
	css := regexp.MustCompile(`/static/calmdesk\.css\?v=[0-9a-f]{12}`).FindString(string(login))
	icon := regexp.MustCompile(`/static/favicon\.svg\?v=[0-9a-f]{12}`).FindString(string(login))
	if css == "" || icon == "" {
		t.Fatalf("the login page does not link hashed assets:\n%s", login)
	}
	resp, body := rawGet(t, srv.URL+css, "Accept-Encoding", "gzip, br")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || resp.Header.Get("ETag") == "" {
		t.Fatalf("hashed css: %d %v", resp.StatusCode, resp.Header)
	}
	zr, err := gzip.NewReader(strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if !strings.Contains(string(plain), "table.cases") {
		t.Error("gzipped css does not decompress to the stylesheet")
	}
	resp, _ = rawGet(t, srv.URL+"/static/calmdesk.css", "If-None-Match", resp.Header.Get("ETag"))
	if resp.StatusCode != http.StatusNotModified || !strings.Contains(resp.Header.Get("Cache-Control"), "no-cache") {
		t.Errorf("unhashed css with its ETag: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := rawGet(t, srv.URL+"/favicon.ico"); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" {
		t.Errorf("favicon: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	resp, page := rawGet(t, srv.URL+"/no/such/page")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(page), "<h1>Not found</h1>") || !strings.Contains(string(page), "calmdesk.css") {
		t.Errorf("unknown address: %d\n%s", resp.StatusCode, page)
	}
	resp, _ = rawGet(t, srv.URL+"/login", "Accept-Encoding", "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("the login page is not gzipped: %v", resp.Header)
	}
}
