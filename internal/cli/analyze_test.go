package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestAnalyzeJSONL(t *testing.T) {
	in := strings.Join([]string{
		`{"id":"a","text":"Charged twice for order 4471, third time I write, fix it NOW"}`,
		`{"id":2,"text":""}`,
		`not json`,
		`{"id":"d","text":"Thanks, all sorted now."}`,
		`{"id":"e","text":"Bonjour, je n'ai pas reçu ma commande."}`,
	}, "\n") + "\n"
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"calmdesk", "analyze", "--jsonl"}, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d lines, want 5:\n%s", len(lines), out.String())
	}
	type line struct {
		ID    any    `json:"id"`
		Anger int    `json:"anger"`
		Level string `json:"level"`
		Angry bool   `json:"angry"`
		Lang  string `json:"language"`
		Error *struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	var got []line
	for _, l := range lines {
		var v line
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("bad output line %q: %v", l, err)
		}
		got = append(got, v)
	}
	if got[0].ID != "a" || !got[0].Angry || got[0].Anger < 50 {
		t.Errorf("line 1: %+v", got[0])
	}
	if got[1].ID != float64(2) || got[1].Error == nil || got[1].Error.Code != "empty_text" {
		t.Errorf("line 2: %+v", got[1])
	}
	if got[2].Error == nil || got[2].Error.Code != "bad_json" {
		t.Errorf("line 3: %+v", got[2])
	}
	if got[3].ID != "d" || got[3].Angry {
		t.Errorf("line 4: %+v", got[3])
	}
	if got[4].ID != "e" || got[4].Lang != "fr" {
		t.Errorf("line 5: %+v", got[4])
	}
}

func TestAnalyzeTextAndCategories(t *testing.T) {
	dir := t.TempDir()
	csv := "text,category\n"
	for _, r := range []struct{ text, cat string }{
		{"I was charged twice", "billing"}, {"refund the double charge", "billing"}, {"why is there an extra fee on my bill", "billing"},
		{"my parcel never arrived", "delivery"}, {"where is my package", "delivery"}, {"the courier lost my order", "delivery"},
	} {
		csv += r.text + "," + r.cat + "\n"
	}
	path := filepath.Join(dir, "cats.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "cats.model")
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"calmdesk", "categories", "train", "--csv", path, "--out", model}, nil, &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	out.Reset()
	if err := Run(context.Background(), []string{"calmdesk", "analyze", "--json", "--category-model", model, "I was charged twice on my bill"}, nil, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Category string `json:"category"`
		Anger    int    `json:"anger"`
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err, out.String())
	}
	if r.Category != "billing" {
		t.Errorf("category %q, want billing", r.Category)
	}
	out.Reset()
	if err := Run(context.Background(), []string{"calmdesk", "analyze"}, strings.NewReader("fix it NOW, third time I ask"), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "anger") || !strings.Contains(out.String(), "repeat_contact") {
		t.Errorf("summary:\n%s", out.String())
	}
}

func TestAnalyzeJSONLLineTooLong(t *testing.T) {
	in := `{"id":1,"text":"` + strings.Repeat("a", 3<<20) + `"}` + "\n" + `{"id":2,"text":"fix it NOW"}` + "\n"
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), []string{"calmdesk", "analyze", "--jsonl"}, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatal(err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"line_too_long"`) || !strings.HasPrefix(lines[1], `{"id":2,`) {
		t.Errorf("output:\n%.300s", out.String())
	}
}

// TestAnalyzeFields: --fields gives exactly the fields asked for, in that
// order, with the same values as the full Reading, and refuses a name a
// Reading does not have (saying which it has) and --fields without JSON.
func TestAnalyzeFields(t *testing.T) {
	text := "Third time asking. Refund me or I go to the ombudsman!!"
	run := func(args ...string) (string, error) {
		var out, errOut bytes.Buffer
		err := Run(context.Background(), append([]string{"calmdesk", "analyze"}, args...), strings.NewReader(`{"id":7,"text":"`+text+`"}`+"\n"), &out, &errOut)
		return out.String(), err
	}
	full, err := run("--jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]json.RawMessage
	if err := json.Unmarshal([]byte(full), &want); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		keys []string
	}{
		{[]string{"--jsonl", "--fields", "level,anger,signals"}, []string{"id", "level", "anger", "signals"}},
		{[]string{"--jsonl", "--fields", " angry , angry"}, []string{"id", "angry"}},
		{[]string{"--json", "--fields", "anger,complaint", text}, []string{"anger", "complaint"}},
	} {
		out, err := run(tc.args...)
		if err != nil {
			t.Fatalf("%v: %v", tc.args, err)
		}
		dec := json.NewDecoder(strings.NewReader(out))
		var got []string
		if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
			t.Fatalf("%v: output %q", tc.args, out)
		}
		for dec.More() {
			tok, _ := dec.Token()
			key := tok.(string)
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			var a, b any
			_ = json.Unmarshal(v, &a)
			_ = json.Unmarshal(want[key], &b)
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%v: %s = %s, the full reading says %s", tc.args, key, v, want[key])
			}
			got = append(got, key)
		}
		if !slices.Equal(got, tc.keys) {
			t.Errorf("%v: fields %v, want %v", tc.args, got, tc.keys)
		}
	}
	for _, args := range [][]string{{"--jsonl", "--fields", "anger,mood"}, {"--fields", "anger", text}} {
		if _, err := run(args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if _, err := run("--jsonl", "--fields", "mood"); err == nil || !strings.Contains(err.Error(), "anger, angry") {
		t.Errorf("unknown field: %v", err)
	}
}
