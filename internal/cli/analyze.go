package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

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
