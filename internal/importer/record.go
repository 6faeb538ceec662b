// Package importer brings a support desk's history onto calmdesk: a Reader
// turns an export — CSV, JSON Lines or an mbox mailbox — into a stream of
// records, one per message, and a History stores them on the desk, on the
// history's own clock, without duplicates, with the cases' outcomes.
// `calmdesk import` only wires its flags to this package.
package importer

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
)

// Direction says who wrote a record's message.
type Direction string

// Directions of a record.
const (
	Inbound  Direction = "inbound"  // the customer wrote it
	Outbound Direction = "outbound" // an agent answered
)

// Record is one past message: a customer's message or an agent's reply,
// with what the export knows of its case.
type Record struct {
	Position      int       // line (CSV, JSONL) or message number (mbox), for error reports
	ExternalID    string    // the export's id, or a content hash when it has none
	Thread        string    // records with the same thread belong to one case
	InReplyTo     []string  // ids this message answers (mbox)
	Direction     Direction // inbound unless the export says otherwise
	CustomerEmail string    // the customer, also on an agent's reply
	CustomerName  string
	AgentEmail    string // who wrote an outbound reply, when known
	Subject       string
	Text          string    // what was newly written, analysed
	RawText       string    // the whole message with quoted history (mbox); Text when empty
	At            time.Time // when it was written; zero when unknown
	Category      string    // the case's category, when known
	Status        string    // the case's outcome: "resolved", "open" or ""
}

// RecordError is a record that could not be read; the Reader stays usable
// and the next call to Next moves on to the following record.
type RecordError struct {
	Position int
	Err      error
}

func (e *RecordError) Error() string { return fmt.Sprintf("record %d: %v", e.Position, e.Err) }

func (e *RecordError) Unwrap() error { return e.Err }

// Formats the importer reads.
var Formats = []string{"csv", "jsonl", "mbox"}

// FormatOf is the format a file's name suggests: jsonl for .jsonl and
// .ndjson, mbox for .mbox and .mbx, else csv.
func FormatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".mbox", ".mbx":
		return "mbox"
	}
	return "csv"
}

// Options tune reading.
type Options struct {
	// SupportAddresses are the desk's own addresses (or "@domain" for a
	// whole domain): mbox messages from them are agents' replies, addressed
	// to the customer. Unused by CSV and JSONL, which have a direction column.
	SupportAddresses []string
}

// Reader yields the records of one export, in file order.
type Reader struct {
	next func() (Record, error)
	read func() int64 // bytes consumed so far, for progress
}

// Next returns the next record, io.EOF at the end, or a *RecordError for a
// record that is malformed (reading may continue after it).
func (r *Reader) Next() (Record, error) { return r.next() }

// BytesRead is how far into the input the reader is, for progress reports.
func (r *Reader) BytesRead() int64 { return r.read() }

// Open returns a Reader for the named format.
func Open(format string, r io.Reader, opt Options) (*Reader, error) {
	cr := &countingReader{r: r}
	var next func() (Record, error)
	switch strings.ToLower(format) {
	case "csv":
		n, err := newCSV(cr)
		if err != nil {
			return nil, err
		}
		next = n
	case "jsonl", "ndjson":
		next = newJSONL(cr)
	case "mbox":
		next = newMbox(cr, opt)
	default:
		return nil, fmt.Errorf("importer: unknown format %q (want %s)", format, strings.Join(Formats, ", "))
	}
	return &Reader{next: next, read: func() int64 { return cr.n }}, nil
}

// finish checks a record, fills in the defaults and its id.
func finish(rec Record) (Record, error) {
	// Old exports hold broken bytes (a mis-declared charset); the desk takes
	// only UTF-8, and a replacement character beats losing the message.
	for _, f := range []*string{&rec.CustomerEmail, &rec.CustomerName, &rec.AgentEmail, &rec.Subject, &rec.Text, &rec.RawText,
		&rec.Category, &rec.ExternalID, &rec.Thread} {
		*f = strings.ToValidUTF8(*f, "\uFFFD")
	}
	rec.CustomerEmail = strings.ToLower(strings.TrimSpace(rec.CustomerEmail))
	rec.AgentEmail = strings.ToLower(strings.TrimSpace(rec.AgentEmail))
	rec.CustomerName = strings.TrimSpace(rec.CustomerName)
	rec.Subject = strings.TrimSpace(rec.Subject)
	rec.Category = strings.TrimSpace(rec.Category)
	rec.ExternalID = strings.TrimSpace(rec.ExternalID)
	rec.Thread = strings.TrimSpace(rec.Thread)
	if rec.Direction == "" {
		rec.Direction = Inbound
	}
	var missing []string
	if rec.CustomerEmail == "" {
		missing = append(missing, "customer_email")
	}
	if strings.TrimSpace(rec.Text) == "" {
		missing = append(missing, "text")
	}
	if len(missing) > 0 {
		return rec, errors.New("missing " + strings.Join(missing, " and "))
	}
	if rec.ExternalID == "" {
		rec.ExternalID = contentID(rec)
	}
	if rec.Thread == "" {
		rec.Thread = rec.ExternalID
	}
	return rec, nil
}

// contentID is a stable id for a record the export gave none: the same
// message imported again gets the same id and is not stored twice.
func contentID(rec Record) string {
	h := sha256.New()
	at := ""
	if !rec.At.IsZero() {
		at = rec.At.UTC().Format(time.RFC3339Nano)
	}
	for _, f := range []string{string(rec.Direction), rec.CustomerEmail, rec.Thread, at, rec.Subject, rec.Text} {
		h.Write([]byte(f))
		h.Write([]byte{0})
	}
	return "import:" + hex.EncodeToString(h.Sum(nil)[:16])
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
