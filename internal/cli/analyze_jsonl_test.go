package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// referenceLine is the output line as encoding/json writes it: what the
// appender and the fast line parser must reproduce byte for byte.
func referenceLine(a *analyze.Analyzer, line []byte) []byte {
	var in jsonlLine
	if err := json.Unmarshal(line, &in); err != nil {
		return lineError(in.ID, "bad_json", err.Error())
	}
	if in.Text == nil {
		return lineError(in.ID, "missing_text", `the line has no "text"`)
	}
	if in.ID == nil {
		in.ID = json.RawMessage("null")
	}
	r, err := a.Read(*in.Text)
	switch {
	case errors.Is(err, analyze.ErrEmpty):
		return lineError(in.ID, "empty_text", err.Error())
	case err != nil:
		return lineError(in.ID, "unreadable", err.Error())
	}
	b, err := json.Marshal(jsonlReading{ID: in.ID, Reading: r})
	if err != nil {
		return lineError(in.ID, "internal", err.Error())
	}
	return append(b, '\n')
}

var jsonlLines = []string{
	`{"id":1,"text":"plain"}`,
	` { "id" : "a<b" , "text" : "html id" } `,
	`{"id":{"a": 1},"text":"object id with space"}`,
	`{"id":[1, 2],"text":"array id"}`,
	`{"id":null,"text":"null id"}`,
	`{"text":"no id at all, FIX IT NOW!!!"}`,
	`{"text":"text first","id":"x"}`,
	`{"id":2,"text":"unicode \u00e9 escape and \ud83d\ude21 surrogate"}`,
	`{"id":3,"text":"bad surrogate \ud83d alone"}`,
	`{"id":4,"text":"tab\there \"quoted\" back\\slash \/ slash\nnewline\r\b\f"}`,
	"{\"id\":5,\"text\":\"line sep \u2028 para \u2029 < > & done\"}",
	`{"id":6,"Text":"case-insensitive key, angry!!!"}`,
	`{"id":7,"text":"dup","text":"duplicate text key, second wins"}`,
	`{"id":8,"id":9,"text":"duplicate id"}`,
	`{"id":10,"text":"extra member","lang":"en"}`,
	`{"id":11,"text":""}`,
	`{"id":13}`,
	`{"id":14,"text":null}`,
	`{"id":15,"text":42}`,
	`not json`,
	`{"id":16,"text":"trailing garbage"} x`,
	`{"id":17,"text":"unterminated`,
	`{"id":-0.5e+3,"text":"number id"}`,
	`{"id":01,"text":"bad number"}`,
	`{"id":1.,"text":"bad number 2"}`,
	`{"id":1e,"text":"bad number 3"}`,
	`{"id":-,"text":"bad number 4"}`,
	`{"id":"\u0041","text":"escaped id"}`,
	"{\"id\":\"tab\tin id\",\"text\":\"control char in id\"}",
	"{\"id\":18,\"text\":\"raw control\ttab in text\"}",
	"{\"id\":19,\"text\":\"bad utf8 \xff\xfe here\"}",
	"{\"id\":\"\xff\",\"text\":\"bad utf8 id\"}",
	`{"id":20,"text":"<p>Hello &amp; <b>WHERE</b> is my refund?</p>"}`,
	`{"id":22,"text":"😡😡😡 WORST SERVICE EVER @AmazonHelp #fail https://t.co/xyz"}`,
	`[1,2]`,
	`{"id":23,"text":"a \q escape"}`,
	`{"id":24,"text":"ends in a backslash\`,
	`{"id":25,"text":"x",}`,
	`{"id":26,,"text":"x"}`,
	`{}`,
	`{"id":27 "text":"x"}`,
}

// TestAnalyzeJSONLMatchesEncodingJSON: every output line, on the fast path
// or not, is the bytes encoding/json would write.
func TestAnalyzeJSONLMatchesEncodingJSON(t *testing.T) {
	a := analyze.Default()
	fields, err := parseReadingFields("anger,level,emotions,category_score,signals")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range jsonlLines {
		want := referenceLine(a, []byte(line))
		if got := appendAnalyzedLine([]byte("x"), a, nil, []byte(line)); !bytes.Equal(got[1:], want) {
			t.Errorf("line %s\n got %s\nwant %s", line, got[1:], want)
		}
		// With --fields the id is written as given, as before.
		got := appendAnalyzedLine(nil, a, fields, []byte(line))
		var in jsonlLine
		if json.Unmarshal([]byte(line), &in) == nil && in.Text != nil {
			if r, err := a.Read(*in.Text); err == nil {
				if in.ID == nil {
					in.ID = json.RawMessage("null")
				}
				want, _ := fields.appendJSON(nil, in.ID, &r)
				want = append(want, '\n')
				if !bytes.Equal(got, want) {
					t.Errorf("--fields, line %s\n got %s\nwant %s", line, got, want)
				}
			}
		}
	}
}

// TestAnalyzeJSONLStream runs the whole stream (batches, order, blank
// lines, a last line without newline) against the reference, line by line.
func TestAnalyzeJSONLStream(t *testing.T) {
	a := analyze.Default()
	var in strings.Builder
	var want []byte
	for i := range 500 {
		line := jsonlLines[i%len(jsonlLines)]
		in.WriteString(line + "\n")
		if i%7 == 0 {
			in.WriteString("   \r\n\n")
		}
		want = append(want, referenceLine(a, []byte(line))...)
	}
	in.WriteString(`{"id":"last","text":"no newline at the end"}`)
	want = append(want, referenceLine(a, []byte(`{"id":"last","text":"no newline at the end"}`))...)
	var out bytes.Buffer
	if err := analyzeJSONL(context.Background(), a, nil, strings.NewReader(in.String()), &out); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		got := strings.Split(out.String(), "\n")
		exp := strings.Split(string(want), "\n")
		for i := range min(len(got), len(exp)) {
			if got[i] != exp[i] {
				t.Fatalf("line %d\n got %s\nwant %s", i, got[i], exp[i])
			}
		}
		t.Fatalf("%d lines, want %d", len(got), len(exp))
	}
}

// FuzzParseJSONLLine: when the fast parser takes a line, it reads the same
// text and id as encoding/json.
func FuzzParseJSONLLine(f *testing.F) {
	for _, l := range jsonlLines {
		f.Add([]byte(l))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		id, text, ok := parseJSONLLine(line)
		if !ok {
			return
		}
		var in jsonlLine
		if err := json.Unmarshal(line, &in); err != nil {
			t.Fatalf("fast parser took %q, encoding/json refuses it: %v", line, err)
		}
		if in.Text == nil || *in.Text != text {
			t.Fatalf("%q: text %q, encoding/json %v", line, text, in.Text)
		}
		if in.ID == nil {
			in.ID = json.RawMessage("null")
		}
		compact, err := json.Marshal(in.ID)
		if err != nil || !bytes.Equal(compact, id) || !bytes.Equal(in.ID, id) {
			t.Fatalf("%q: id %s, encoding/json %s (written %s)", line, id, in.ID, compact)
		}
	})
}
