package importer_test

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/importer"
)

// readAll reads a fixture and returns its records and per-record errors.
// openExport opens the export at path for reading; the file is closed
// when the test ends.
func openExport(t *testing.T, format, path string, opt importer.Options) *importer.Reader {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	r, err := importer.Open(format, f, opt)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func readAll(t *testing.T, format, path string, opt importer.Options) ([]importer.Record, []error) {
	t.Helper()
	r := openExport(t, format, path, opt)
	var recs []importer.Record
	var bad []error
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		var rerr *importer.RecordError
		if errors.As(err, &rerr) {
			bad = append(bad, err)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, rec)
	}
	if st, _ := os.Stat(path); r.BytesRead() != st.Size() {
		t.Errorf("BytesRead = %d, file has %d", r.BytesRead(), st.Size())
	}
	return recs, bad
}

func TestCSV(t *testing.T) {
	recs, bad := readAll(t, "csv", "testdata/history.csv", importer.Options{})
	if len(bad) != 0 || len(recs) != 5 {
		t.Fatalf("%d records, errors %v", len(recs), bad)
	}
	first := recs[0]
	if first.Thread != "T-1001" || first.ExternalID != "zd-1001-1" || first.Direction != importer.Inbound ||
		first.CustomerEmail != "dana.reyes@example.com" || first.Category != "billing" || first.Status != "resolved" ||
		!first.At.Equal(time.Date(2024, 3, 4, 9, 12, 0, 0, time.UTC)) || !strings.Contains(first.Text, "\nFix it NOW") {
		t.Errorf("first = %+v", first)
	}
	if recs[1].Direction != importer.Outbound || recs[1].AgentEmail != "sam@shop.example" {
		t.Errorf("reply = %+v", recs[1])
	}
	if recs[3].Status != "open" || !recs[3].At.Equal(time.Date(2024, 3, 6, 14, 30, 0, 0, time.UTC)) {
		t.Errorf("pending ticket = %+v", recs[3])
	}
	jose := recs[4]
	if !strings.HasPrefix(jose.ExternalID, "import:") || jose.CustomerName != "José García" || jose.Status != "resolved" {
		t.Errorf("row without id = %+v", jose)
	}
}

// TestCSVAliases reads a ticket export whose columns have a helpdesk's own
// names, one row per case and no message ids.
func TestCSVAliases(t *testing.T) {
	recs, bad := readAll(t, "csv", "testdata/zendesk_tickets.csv", importer.Options{})
	if len(bad) != 0 || len(recs) != 3 {
		t.Fatalf("%d records, errors %v", len(recs), bad)
	}
	want := []struct{ thread, email, category, status string }{
		{"88001", "amira.haddad@example.com", "refund", "resolved"},
		{"88002", "tom.becker@example.de", "account", "open"},
		{"88003", "priya.n@example.com", "returns", "resolved"},
	}
	for i, w := range want {
		r := recs[i]
		if r.Thread != w.thread || r.CustomerEmail != w.email || r.Category != w.category || r.Status != w.status {
			t.Errorf("record %d = %+v, want %+v", i, r, w)
		}
	}
	again, _ := readAll(t, "csv", "testdata/zendesk_tickets.csv", importer.Options{})
	if again[0].ExternalID != recs[0].ExternalID || recs[0].ExternalID == recs[1].ExternalID {
		t.Errorf("generated ids not stable and distinct: %q %q %q", recs[0].ExternalID, again[0].ExternalID, recs[1].ExternalID)
	}
}

func TestJSONL(t *testing.T) {
	recs, bad := readAll(t, "jsonl", "testdata/history.jsonl", importer.Options{})
	if len(recs) != 4 || len(bad) != 2 {
		t.Fatalf("%d records, %d errors: %v", len(recs), len(bad), bad)
	}
	var rerr *importer.RecordError
	if !errors.As(bad[0], &rerr) || rerr.Position != 5 || !strings.Contains(bad[0].Error(), "missing text") {
		t.Errorf("first error = %v", bad[0])
	}
	kim := recs[0]
	if kim.CustomerEmail != "kim.tran@example.com" || kim.Thread != "conv-77" || !kim.At.Equal(time.Date(2024, 4, 2, 5, 45, 0, 0, time.UTC)) {
		t.Errorf("kim = %+v", kim)
	}
	if recs[1].Direction != importer.Outbound || !recs[1].At.Equal(time.Unix(1712044800, 0)) {
		t.Errorf("reply = %+v", recs[1])
	}
	if recs[2].ExternalID != "503" || recs[2].Thread != "503" || recs[2].Position != 4 {
		t.Errorf("numeric id = %+v", recs[2])
	}
}

func TestMbox(t *testing.T) {
	recs, bad := readAll(t, "mbox", "testdata/support.mbox", importer.Options{SupportAddresses: []string{"@shop.example"}})
	if len(recs) != 4 || len(bad) != 1 || !errors.Is(bad[0], importer.ErrAutomatic) {
		t.Fatalf("%d records, errors %v", len(recs), bad)
	}
	dana := recs[0]
	if dana.ExternalID != "CAFdana.1@mail.example.com" || dana.Thread != dana.ExternalID || dana.Direction != importer.Inbound {
		t.Errorf("first = %+v", dana)
	}
	if !strings.Contains(dana.RawText, "\nFrom the statement") || strings.Contains(dana.RawText, ">From") {
		t.Errorf("mboxrd quoting not undone: %q", dana.RawText)
	}
	reply := recs[1]
	if reply.Direction != importer.Outbound || reply.CustomerEmail != "dana.reyes@example.com" || reply.AgentEmail != "sam@shop.example" ||
		reply.Thread != dana.ExternalID || strings.Contains(reply.Text, "> This is the third time") {
		t.Errorf("reply = %+v", reply)
	}
	if recs[2].Thread != dana.ExternalID || recs[2].Text != "Thanks, I can see the refund is pending." {
		t.Errorf("follow-up = %+v", recs[2])
	}
	lee := recs[3]
	if lee.CustomerName != "Lee Mörgan" || lee.Subject != "Blender arrived broken — order 5120" ||
		strings.Contains(lee.Text, "alert") || !strings.Contains(lee.Text, "cracked jar") {
		t.Errorf("html mail = %+v", lee)
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct{ format, input, want string }{
		{"csv", "name,subject\nDana,hi\n", "no customer_email column"},
		{"xml", "", "unknown format"},
	}
	for _, c := range cases {
		_, err := importer.Open(c.format, strings.NewReader(c.input), importer.Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%s, %q) = %v, want %q", c.format, c.input, err, c.want)
		}
	}
	r, err := importer.Open("mbox", strings.NewReader("Subject: not an mbox\n\nhello\n"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), "not an mbox") {
		t.Errorf("plain message as mbox: %v", err)
	}
	r, _ = importer.Open("csv", strings.NewReader("email,text,date\na@example.com,hi,yesterday\nb@example.com,hello,2024-01-02\n"), importer.Options{})
	if _, err := r.Next(); err == nil || !strings.Contains(err.Error(), `date "yesterday"`) {
		t.Errorf("bad date: %v", err)
	}
	if rec, err := r.Next(); err != nil || rec.CustomerEmail != "b@example.com" {
		t.Errorf("row after a bad one: %+v %v", rec, err)
	}
}

func TestBrokenBytesBecomeUTF8(t *testing.T) {
	r, err := importer.Open("csv", strings.NewReader("email,name,text\nana@example.com,Ana \xe9lise,caf\xe9 cr\xe8me was cold\n"), importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Next()
	if err != nil || rec.Text != "caf\uFFFD cr\uFFFDme was cold" || rec.CustomerName != "Ana \uFFFDlise" {
		t.Errorf("record = %+v, %v", rec, err)
	}
}
