package main

import (
	"math"
	"testing"
)

func TestNearest(t *testing.T) {
	dev := []doc{
		{id: "1", terms: terms("@ShopLark my parcel never arrived and nobody replies")},
		{id: "2", terms: terms("love the new app update, thanks team")},
		{id: "3", terms: terms("how do I reset my router password?")},
	}
	tests := []struct {
		text               string
		best               string
		minScore, maxScore float64
	}{
		// Handles and links are left out: only the brand differs.
		{"@VoltaMobile my parcel never arrived and nobody replies https://t.co/x", "1", 0.999, 1.001},
		{"how do I reset my router password", "3", 0.999, 1.001},
		{"the parcel arrived late", "1", 0.01, 0.25},
		{"zebra quantum lattice", "", 0, 0},
	}
	for _, tc := range tests {
		items := []doc{{id: "x", terms: terms(tc.text)}}
		ix := newIndex(dev, items)
		best, score := ix.nearest(items[0].terms)
		if score < tc.minScore || score > tc.maxScore || math.IsNaN(score) {
			t.Errorf("%q: score %.3f, want %.3f..%.3f", tc.text, score, tc.minScore, tc.maxScore)
		}
		if tc.best != "" && dev[best].id != tc.best {
			t.Errorf("%q: nearest %s, want %s", tc.text, dev[best].id, tc.best)
		}
	}
}

func TestTerms(t *testing.T) {
	got := terms("@Brand Still DOWN. still down https://x.co/a")
	want := map[string]float64{"still": 2, "down": 2, "still down": 2, "down still": 1}
	if len(got) != len(want) {
		t.Fatalf("terms = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("terms[%q] = %v, want %v", k, got[k], v)
		}
	}
}
