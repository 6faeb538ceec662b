package mailintake_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/smtp"
	"strconv"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

const hostileMail = "From: Mallory <mallory@example.com>\r\n" +
	"To: support@shop.example\r\n" +
	"Subject: Invoice attached\r\n" +
	"Message-ID: <hostile.1@example.com>\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=outer\r\n\r\n" +
	"--outer\r\n" +
	"Content-Type: text/html; charset=utf-8\r\n\r\n" +
	"<p onclick=\"steal()\">My invoice is <b>wrong</b>.</p><script>alert(document.cookie)</script>\r\n" +
	"--outer\r\n" +
	"Content-Type: text/html; name=\"invoice.html\"\r\n" +
	"Content-Disposition: attachment; filename=\"invoice.html\"\r\n\r\n" +
	"<script>alert('pwned')</script>\r\n" +
	"--outer--\r\n"

// TestAttachmentsAndHTMLAreKeptSafely: a hostile email's HTML is stored
// sanitised, its attachment is kept and served only as a download.
func TestAttachmentsAndHTMLAreKeptSafely(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := desk.New(db, desk.Options{Analyzer: testAnalyzer})
		addr := startReceiver(t, d)
		if err := smtp.SendMail(addr, nil, "mallory@example.com", []string{"support@shop.example"}, []byte(hostileMail)); err != nil {
			t.Fatal(err)
		}
		page, err := d.Cases(ctx, desk.CaseQuery{})
		if err != nil || len(page.Cases) != 1 {
			t.Fatalf("cases: %v %v", page, err)
		}
		c, err := d.Case(ctx, page.Cases[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		m := c.Messages[0]
		if !strings.Contains(m.HTML, "<b>wrong</b>") || strings.Contains(m.HTML, "script") || strings.Contains(m.HTML, "onclick") {
			t.Errorf("stored HTML not sanitised: %q", m.HTML)
		}
		if len(m.Attachments) != 1 || m.Attachments[0].Filename != "invoice.html" {
			t.Fatalf("attachments = %+v", m.Attachments)
		}

		api := httptest.NewServer(web.New(d, web.Config{}, nil))
		defer api.Close()
		if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent}); err != nil {
			t.Fatal(err)
		}
		token, err := d.CreateToken(ctx, desk.SystemActor, "sam@calmdesk.test", "")
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", api.URL+"/api/v1/attachments/"+strconv.FormatInt(m.Attachments[0].ID, 10), nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), "pwned") {
			t.Fatalf("download: %d %q", resp.StatusCode, body)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/octet-stream" {
			t.Errorf("an HTML attachment was served as %q", ct)
		}
		if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
			t.Errorf("Content-Disposition %q, want a download", cd)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("missing nosniff or sandbox: %v", resp.Header)
		}
	})
}
