package desk_test

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// FuzzIngest throws arbitrary customer input at Ingest: every input is either
// refused with a validation error or stored exactly as given — never a
// panic, never an internal error, never a half-written case.
func FuzzIngest(f *testing.F) {
	seeds := [][4]string{
		{"dana@example.com", "Dana", "Charged twice", "Fix it NOW!!!"},
		{"a@b.c", "<script>alert(1)</script>", "'; DROP TABLE cases; --", "Robert'); DELETE FROM messages;--"},
		{"x@example.com", "\xff\xfe", "bad \xc3\x28", "invalid \xe2\x28\xa1 utf-8"},
		{"e@example.com\r\nBcc: evil@example.com", "Eve", "hi", "header injection"},
		{"emoji@example.com", "😀", "🔥🔥🔥", "😡😡😡 !!!"},
		{"", "", "", ""},
		{"ja@example.com", "山田", "注文について", "注文した商品がまだ届きません。"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3])
	}
	db := storetest.Open(f, store.SQLite)
	d := desk.New(db, desk.Options{Analyzer: testAnalyzer})
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, email, name, subject, text string) {
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: email, CustomerName: name, Subject: subject, Text: text})
		var verr *desk.ValidationError
		if errors.As(err, &verr) {
			return
		}
		if err != nil {
			t.Fatalf("Ingest(%q, %q, %q, %q): %v", email, name, subject, text, err)
		}
		if !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 text was stored")
		}
		c, err := d.Case(ctx, res.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Messages[len(c.Messages)-1].CleanText; got != text {
			t.Fatalf("stored text %q, sent %q", got, text)
		}
	})
}
