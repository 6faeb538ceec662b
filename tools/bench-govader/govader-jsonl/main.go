// Command govader-jsonl is govader as a whole process, for the side-by-side
// with `calmdesk analyze --jsonl` (wholeprocess.sh): it reads one
// {"id","text"} per line and writes govader's PolarityScores per line.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"github.com/jonreiter/govader"
)

func main() {
	sia := govader.NewSentimentIntensityAnalyzer()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for in.Scan() {
		var line struct {
			ID   json.RawMessage `json:"id"`
			Text string          `json:"text"`
		}
		if err := json.Unmarshal(in.Bytes(), &line); err != nil {
			fmt.Fprintln(os.Stderr, "govader-jsonl:", err)
			os.Exit(1)
		}
		s := sia.PolarityScores(line.Text)
		if err := enc.Encode(struct {
			ID json.RawMessage `json:"id"`
			govader.Sentiment
		}{line.ID, s}); err != nil {
			fmt.Fprintln(os.Stderr, "govader-jsonl:", err)
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "govader-jsonl:", err)
		os.Exit(1)
	}
}
