package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// jsonlLine is one input line of --jsonl; id may be a string or a number.
type jsonlLine struct {
	ID   json.RawMessage `json:"id"`
	Text *string         `json:"text"`
}

// jsonlReading is one output line: the Reading with the caller's id. The
// output is written by analyze.Reading.AppendJSON; this type is what it
// must equal byte for byte (json.Marshal of it), and the fallback.
type jsonlReading struct {
	ID json.RawMessage `json:"id"`
	analyze.Reading
}

type jsonlError struct {
	ID    json.RawMessage `json:"id"`
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// A jsonlBatch is a run of input lines read together, analysed by one
// worker into one output buffer, and written in input order. Batches are
// recycled, so a stream of any length reuses a few buffers.
type jsonlBatch struct {
	in   []byte // the lines, back to back, without their newlines
	ends []int  // where each line ends in in
	long []bool // the line was longer than the limit (kept only in part)
	out  []byte
	done chan struct{}
}

// Lines per batch, and the bytes after which a batch goes out early. A
// batch also goes out as soon as the input has nothing more buffered, so
// an interactive pipe gets each answer at once.
const (
	jsonlBatchLines = 64
	jsonlBatchBytes = 128 << 10
)

// analyzeJSONL streams lines through all cores and writes results in input
// order. Memory stays bounded: at most a window of batches is in flight.
func analyzeJSONL(ctx context.Context, a *analyze.Analyzer, fields *readingFields, in io.Reader, out io.Writer) error {
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan *jsonlBatch, 2*workers)
	order := make(chan *jsonlBatch, 4*workers)
	free := make(chan *jsonlBatch, 8*workers)
	newBatch := func() *jsonlBatch {
		select {
		case b := <-free:
			b.in, b.ends, b.long, b.out = b.in[:0], b.ends[:0], b.long[:0], b.out[:0]
			return b
		default:
			return &jsonlBatch{done: make(chan struct{}, 1)}
		}
	}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for b := range jobs {
				start := 0
				for k, end := range b.ends {
					if b.long[k] {
						b.out = append(b.out, lineError(nil, "line_too_long", fmt.Sprintf("line longer than %d bytes", 2*analyze.MaxTextBytes))...)
					} else {
						b.out = appendAnalyzedLine(b.out, a, fields, b.in[start:end])
					}
					start = end
				}
				b.done <- struct{}{}
			}
		})
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		br := bufio.NewReaderSize(in, 1<<16)
		b := newBatch()
		send := func() bool {
			if len(b.ends) == 0 {
				return true
			}
			select {
			case order <- b:
			case <-ctx.Done():
				return false
			}
			jobs <- b
			b = newBatch()
			return true
		}
		for {
			start := len(b.in)
			var tooLong bool
			var err error
			b.in, tooLong, err = readLine(br, b.in)
			if len(b.in) > start || tooLong {
				b.ends = append(b.ends, len(b.in))
				b.long = append(b.long, tooLong)
			}
			if err != nil {
				if !send() {
					readErr <- ctx.Err()
				} else if err != io.EOF {
					readErr <- err
				}
				return
			}
			if len(b.ends) >= jsonlBatchLines || len(b.in) >= jsonlBatchBytes || br.Buffered() == 0 {
				if !send() {
					readErr <- ctx.Err()
					return
				}
			}
		}
	}()
	bw := bufio.NewWriterSize(out, 1<<16)
	var werr error
	for b := range order {
		<-b.done
		if werr == nil {
			_, werr = bw.Write(b.out)
		}
		if len(order) == 0 && werr == nil {
			werr = bw.Flush() // keep the stream live for interactive pipes
		}
		select {
		case free <- b:
		default:
		}
	}
	wg.Wait()
	if werr == nil {
		werr = bw.Flush()
	}
	select {
	case err := <-readErr:
		return fmt.Errorf("analyze: read input: %w", err)
	default:
	}
	return werr
}

// readLine appends the next non-empty line, without its newline, to buf.
// Memory stays bounded: a line longer than twice the text limit (JSON
// escapes included) is read through but kept only in part, and reported
// too long.
func readLine(br *bufio.Reader, buf []byte) (_ []byte, tooLong bool, err error) {
	start := len(buf)
	for {
		part, isPrefix, err := br.ReadLine()
		if len(buf)-start+len(part) <= analyze.MaxTextBytes*2 {
			buf = append(buf, part...)
		} else {
			tooLong = true
		}
		if err != nil {
			return buf, tooLong, err
		}
		if !isPrefix {
			if !tooLong && len(strings.TrimSpace(string(buf[start:]))) == 0 {
				buf = buf[:start]
				continue
			}
			return buf, tooLong, nil
		}
	}
}

// lineError is the output line for an input line that could not be read.
func lineError(id json.RawMessage, code, msg string) []byte {
	e := jsonlError{ID: id}
	if e.ID == nil {
		e.ID = json.RawMessage("null")
	}
	e.Error.Code, e.Error.Message = code, msg
	b, _ := json.Marshal(e)
	return append(b, '\n')
}

// appendAnalyzedLine appends the output line for one input line.
func appendAnalyzedLine(dst []byte, a *analyze.Analyzer, fields *readingFields, line []byte) []byte {
	// rawID is the id as given, id as json.Marshal writes it (compacted,
	// HTML-escaped); the fast path only takes ids for which they are equal.
	rawID, text, ok := parseJSONLLine(line)
	id := rawID
	if !ok {
		var in jsonlLine
		if err := json.Unmarshal(line, &in); err != nil {
			return append(dst, lineError(in.ID, "bad_json", err.Error())...)
		}
		if in.Text == nil {
			return append(dst, lineError(in.ID, "missing_text", `the line has no "text"`)...)
		}
		if in.ID == nil {
			in.ID = json.RawMessage("null")
		}
		rawID, text = in.ID, *in.Text
		compact, err := json.Marshal(in.ID)
		if err != nil {
			return append(dst, lineError(in.ID, "internal", err.Error())...)
		}
		id = compact
	}
	r, err := a.Read(text)
	switch {
	case errors.Is(err, analyze.ErrEmpty):
		return append(dst, lineError(rawID, "empty_text", err.Error())...)
	case errors.Is(err, analyze.ErrTooLong):
		return append(dst, lineError(rawID, "text_too_long", err.Error())...)
	case err != nil:
		return append(dst, lineError(rawID, "unreadable", err.Error())...)
	}
	start := len(dst)
	if fields != nil {
		dst, err = fields.appendJSON(dst, rawID, &r)
	} else {
		dst = append(dst, `{"id":`...)
		dst = append(dst, id...)
		brace := len(dst)
		dst, err = r.AppendJSON(dst)
		if err == nil {
			dst[brace] = ',' // the Reading's own '{' joins the id's object
		}
	}
	if err != nil {
		// Only a value JSON cannot hold (NaN); json.Marshal says which.
		dst = dst[:start]
		if _, merr := json.Marshal(jsonlReading{ID: rawID, Reading: r}); merr != nil {
			err = merr
		}
		return append(dst, lineError(rawID, "internal", err.Error())...)
	}
	return append(dst, '\n')
}

// parseJSONLLine reads the common shape of an input line,
// {"id":NUMBER-or-"plain string","text":"…"} (members in either order,
// id optional), without reflection. It answers ok false for anything
// else — other members, other id types, \u escapes, invalid UTF-8,
// malformed JSON — and the caller then reads the line with
// encoding/json, which decides (and words any error) as it always did.
// The id it returns is byte for byte what json.Marshal writes for it.
func parseJSONLLine(line []byte) (id []byte, text string, ok bool) {
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return nil, "", false
	}
	i = skipSpace(line, i+1)
	var haveText bool
	for {
		if i >= len(line) || line[i] != '"' {
			return nil, "", false
		}
		var key string
		switch {
		case hasPrefixAt(line, i, `"id"`):
			key, i = "id", i+4
		case hasPrefixAt(line, i, `"text"`):
			key, i = "text", i+6
		default:
			return nil, "", false
		}
		i = skipSpace(line, i)
		if i >= len(line) || line[i] != ':' {
			return nil, "", false
		}
		i = skipSpace(line, i+1)
		switch key {
		case "id":
			if id != nil {
				return nil, "", false
			}
			end, ok := plainIDEnd(line, i)
			if !ok {
				return nil, "", false
			}
			id, i = line[i:end], end
		case "text":
			if haveText {
				return nil, "", false
			}
			var ok bool
			text, i, ok = plainString(line, i)
			if !ok {
				return nil, "", false
			}
			haveText = true
		}
		i = skipSpace(line, i)
		if i >= len(line) {
			return nil, "", false
		}
		if line[i] == '}' {
			break
		}
		if line[i] != ',' {
			return nil, "", false
		}
		i = skipSpace(line, i+1)
	}
	if skipSpace(line, i+1) != len(line) || !haveText {
		return nil, "", false
	}
	if id == nil {
		id = []byte("null")
	}
	return id, text, true
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

func hasPrefixAt(b []byte, i int, p string) bool {
	return len(b)-i >= len(p) && string(b[i:i+len(p)]) == p
}

// plainIDEnd returns the end of a JSON number, or of a string of
// printable ASCII without escapes or HTML characters, starting at i: the
// ids whose compacted, HTML-escaped form is themselves.
func plainIDEnd(b []byte, i int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	if b[i] == '"' {
		for j := i + 1; j < len(b); j++ {
			switch c := b[j]; {
			case c == '"':
				return j + 1, true
			case c < 0x20 || c >= 0x7f || c == '\\' || c == '<' || c == '>' || c == '&':
				return 0, false
			}
		}
		return 0, false
	}
	// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
	j := i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && b[j] >= '1' && b[j] <= '9':
		j = digits(b, j)
	default:
		return 0, false
	}
	if j < len(b) && b[j] == '.' {
		k := digits(b, j+1)
		if k == j+1 {
			return 0, false
		}
		j = k
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := digits(b, j)
		if k == j {
			return 0, false
		}
		j = k
	}
	return j, true
}

func digits(b []byte, i int) int {
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	return i
}

// plainString decodes the JSON string starting at i when it has only the
// two-character escapes and is valid UTF-8 — what encoding/json would
// decode to the same string; anything else is left to encoding/json.
func plainString(b []byte, i int) (string, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return "", 0, false
	}
	start := i + 1
	var out []byte // nil until the first escape
	for j := start; j < len(b); j++ {
		c := b[j]
		switch {
		case c == '"':
			var s string
			if out == nil {
				s = string(b[start:j])
			} else {
				s = string(append(out, b[start:j]...))
			}
			if !utf8.ValidString(s) {
				return "", 0, false
			}
			return s, j + 1, true
		case c < 0x20:
			return "", 0, false
		case c == '\\':
			if j+1 >= len(b) {
				return "", 0, false
			}
			var r byte
			switch b[j+1] {
			case '"', '\\', '/':
				r = b[j+1]
			case 'b':
				r = '\b'
			case 'f':
				r = '\f'
			case 'n':
				r = '\n'
			case 'r':
				r = '\r'
			case 't':
				r = '\t'
			default: // \u, or not JSON
				return "", 0, false
			}
			if out == nil {
				out = make([]byte, 0, len(b)-start)
			}
			out = append(out, b[start:j]...)
			out = append(out, r)
			j++
			start = j + 1
		}
	}
	return "", 0, false
}
