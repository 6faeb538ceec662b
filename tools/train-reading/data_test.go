package main

import (
	"os"
	"path/filepath"
	"testing"
)

// The two halves of the dev set split it without overlap, by id alone.
func TestOnHalf(t *testing.T) {
	var msgs []message
	for _, id := range []string{"1", "2", "3", "42", "1000", "31337", "abc"} {
		msgs = append(msgs, message{ID: id})
	}
	h0, h1 := onHalf(msgs, 0), onHalf(msgs, 1)
	if len(h0)+len(h1) != len(msgs) || len(h0) == 0 || len(h1) == 0 {
		t.Fatalf("halves of %d: %d and %d", len(msgs), len(h0), len(h1))
	}
	for _, m := range h0 {
		if devHalf(m.ID) != 0 {
			t.Errorf("%s in half 0 but devHalf says %d", m.ID, devHalf(m.ID))
		}
	}
}

// Each corpus message knows its file, which -weights names.
func TestReadCorpusFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("customers-a.jsonl", `{"id": "ca-1", "text": "hello"}`+"\n")
	write("customers-c.jsonl", `{"id": "cc-1", "text": "still waiting"}`+"\n")
	msgs, err := readCorpus(filepath.Join(dir, "customers-*.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].file != "customers-a" || msgs[1].file != "customers-c" {
		t.Fatalf("got %+v", msgs)
	}
}
