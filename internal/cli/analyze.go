package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"

	ucli "github.com/urfave/cli/v3"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// analyzeCommand reads customer messages and prints their Readings.
func analyzeCommand() *ucli.Command {
	return &ucli.Command{
		Name:      "analyze",
		Usage:     "read how angry a customer message is, why, and what the customer needs",
		ArgsUsage: "[TEXT]  (or the text on standard input)",
		Flags: []ucli.Flag{
			&ucli.BoolFlag{Name: "json", Usage: "print the Reading as JSON"},
			&ucli.BoolFlag{Name: "jsonl", Usage: `read one {"id","text"} per line, write one Reading per line (same order, all cores)`},
			&ucli.StringFlag{Name: "fields", Usage: "with --json or --jsonl: only these fields of the Reading, comma-separated (e.g. anger,level,angry,signals)"},
		},
		Action: analyzeText,
	}
}

// analyzeText reads the message given as arguments, on standard input or
// as JSON Lines, and prints its Reading.
func analyzeText(ctx context.Context, cmd *ucli.Command) error {
	a, err := analyzerFor(cmd.String("category-model"))
	if err != nil {
		return err
	}
	fields, err := parseReadingFields(cmd.String("fields"))
	if err != nil {
		return err
	}
	if fields != nil && !cmd.Bool("json") && !cmd.Bool("jsonl") {
		return errors.New("--fields goes with --json or --jsonl")
	}
	in, out := cmd.Root().Reader, cmd.Root().Writer
	if cmd.Bool("jsonl") {
		return analyzeJSONL(ctx, a, fields, in, out)
	}
	text := strings.Join(cmd.Args().Slice(), " ")
	if cmd.Args().Len() == 0 {
		b, err := io.ReadAll(io.LimitReader(in, analyze.MaxTextBytes+1))
		if err != nil {
			return fmt.Errorf("analyze: read standard input: %w", err)
		}
		text = string(b)
	}
	r, err := a.Read(text)
	if err != nil {
		return err
	}
	if cmd.Bool("json") && fields != nil {
		b, err := fields.appendJSON(nil, nil, &r)
		if err != nil {
			return err
		}
		var indented bytes.Buffer
		if err := json.Indent(&indented, b, "", "  "); err != nil {
			return err
		}
		indented.WriteByte('\n')
		_, err = indented.WriteTo(out)
		return err
	}
	if cmd.Bool("json") {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	return printReading(out, r)
}

// jsonlLine is one input line of --jsonl; id may be a string or a number.
type jsonlLine struct {
	ID   json.RawMessage `json:"id"`
	Text *string         `json:"text"`
}

// jsonlReading is one output line: the Reading with the caller's id.
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

// analyzeJSONL streams lines through all cores and writes results in input
// order. Memory stays bounded: at most a window of lines is in flight.
func analyzeJSONL(ctx context.Context, a *analyze.Analyzer, fields *readingFields, in io.Reader, out io.Writer) error {
	type job struct {
		line    []byte
		tooLong bool
		res     chan []byte
	}
	workers := runtime.GOMAXPROCS(0)
	jobs := make(chan job, 4*workers)
	order := make(chan chan []byte, 16*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				if j.tooLong {
					j.res <- lineError(nil, "line_too_long", fmt.Sprintf("line longer than %d bytes", 2*analyze.MaxTextBytes))
					continue
				}
				j.res <- analyzeLine(a, fields, j.line)
			}
		})
	}
	readErr := make(chan error, 1)
	go func() {
		defer close(order)
		defer close(jobs)
		br := bufio.NewReaderSize(in, 1<<16)
		for {
			line, tooLong, err := readLine(br)
			if len(line) > 0 {
				res := make(chan []byte, 1)
				select {
				case order <- res:
				case <-ctx.Done():
					readErr <- ctx.Err()
					return
				}
				jobs <- job{line: line, tooLong: tooLong, res: res}
			}
			if err != nil {
				if err != io.EOF {
					readErr <- err
				}
				return
			}
		}
	}()
	bw := bufio.NewWriterSize(out, 1<<16)
	var werr error
	for res := range order {
		b := <-res
		if werr == nil {
			_, werr = bw.Write(b)
		}
		if len(order) == 0 && werr == nil {
			werr = bw.Flush() // keep the stream live for interactive pipes
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

// readLine returns the next non-empty line without its newline. Memory
// stays bounded: a line longer than twice the text limit (JSON escapes
// included) is read through but kept only in part, and reported too long.
func readLine(br *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		part, isPrefix, err := br.ReadLine()
		if len(line)+len(part) <= analyze.MaxTextBytes*2 {
			line = append(line, part...)
		} else {
			tooLong = true
		}
		if err != nil {
			return line, tooLong, err
		}
		if !isPrefix {
			if len(strings.TrimSpace(string(line))) == 0 && !tooLong {
				line = line[:0]
				continue
			}
			return line, tooLong, nil
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

func analyzeLine(a *analyze.Analyzer, fields *readingFields, line []byte) []byte {
	var in jsonlLine
	fail := func(code, msg string) []byte { return lineError(in.ID, code, msg) }
	if err := json.Unmarshal(line, &in); err != nil {
		return fail("bad_json", err.Error())
	}
	if in.Text == nil {
		return fail("missing_text", `the line has no "text"`)
	}
	if in.ID == nil {
		in.ID = json.RawMessage("null")
	}
	r, err := a.Read(*in.Text)
	switch {
	case errors.Is(err, analyze.ErrEmpty):
		return fail("empty_text", err.Error())
	case errors.Is(err, analyze.ErrTooLong):
		return fail("text_too_long", err.Error())
	case err != nil:
		return fail("unreadable", err.Error())
	}
	var b []byte
	if fields != nil {
		b, err = fields.appendJSON(nil, in.ID, &r)
	} else {
		b, err = json.Marshal(jsonlReading{ID: in.ID, Reading: r})
	}
	if err != nil {
		return fail("internal", err.Error())
	}
	return append(b, '\n')
}

// printReading writes a summary a person can read at a glance.
func printReading(w io.Writer, r analyze.Reading) error {
	bw := bufio.NewWriter(w)
	if !r.Supported {
		fmt.Fprintf(bw, "language %q is not supported: no reading\n", r.Language)
		return bw.Flush()
	}
	fmt.Fprintf(bw, "anger      %d/100 (%s)\n", r.Anger, r.Level)
	fmt.Fprintf(bw, "sentiment  %s (%+.2f)", r.Sentiment, r.SentimentScore)
	if r.Complaint {
		fmt.Fprint(bw, ", complaint")
	}
	fmt.Fprintln(bw)
	if r.Category != "" {
		fmt.Fprintf(bw, "category   %s (%.2f)\n", r.Category, r.CategoryScore)
	}
	type kv struct {
		k string
		v float64
	}
	var emo []kv
	for k, v := range r.Emotions {
		if v >= 0.1 {
			emo = append(emo, kv{k, v})
		}
	}
	sort.Slice(emo, func(i, j int) bool { return emo[i].v > emo[j].v || emo[i].v == emo[j].v && emo[i].k < emo[j].k })
	var parts []string
	for _, e := range emo {
		parts = append(parts, fmt.Sprintf("%s %.2f", e.k, e.v))
	}
	fmt.Fprintf(bw, "emotions   %s\n", strings.Join(parts, ", "))
	if len(r.Signals) > 0 {
		fmt.Fprintln(bw, "signals")
		for _, s := range r.Signals {
			fmt.Fprintf(bw, "  %-20s %q\n", s.Kind, s.Text)
		}
	}
	if len(r.Reasons) > 0 {
		fmt.Fprintln(bw, "why")
		for _, s := range r.Reasons {
			fmt.Fprintf(bw, "  %-20s %q\n", s.Kind, s.Text)
		}
	}
	if len(r.Concerns) > 0 {
		fmt.Fprintln(bw, "concerns")
		for _, c := range r.Concerns {
			fmt.Fprintf(bw, "  %-11s %s\n", c.Kind, c.Paraphrase)
			for _, e := range c.Entities {
				fmt.Fprintf(bw, "  %-11s   %s %q = %s\n", "", e.Kind, e.Text, e.Value)
			}
		}
	}
	return bw.Flush()
}
