package importer_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/importer"
)

// FuzzRead feeds hostile bytes to every format: reading never panics or
// loops, and every record it yields can be imported (an email, a text, an
// id and a thread).
func FuzzRead(f *testing.F) {
	for _, name := range []string{"history.csv", "zendesk_tickets.csv", "history.jsonl", "support.mbox"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("From x\n\nFrom \n>From \r\n"))
	f.Add([]byte("email,text\n\"a@b\",\"unterminated\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, format := range importer.Formats {
			r, err := importer.Open(format, bytes.NewReader(data), importer.Options{SupportAddresses: []string{"@shop.example"}})
			if err != nil {
				continue
			}
			for i := 0; ; i++ {
				if i > len(data)+2 {
					t.Fatalf("%s: more records than bytes: the reader loops", format)
				}
				rec, err := r.Next()
				if err == io.EOF {
					break
				}
				var rerr *importer.RecordError
				if errors.As(err, &rerr) {
					continue
				}
				if err != nil {
					break
				}
				if rec.CustomerEmail == "" || strings.TrimSpace(rec.Text) == "" || rec.ExternalID == "" || rec.Thread == "" {
					t.Fatalf("%s: record cannot be imported: %+v", format, rec)
				}
			}
		}
	})
}
