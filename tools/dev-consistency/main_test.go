package main

import "testing"

func TestNormalise(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"@123 Please DM us your order number 4567. ^AB https://t.co/x", "please dm us your order number"},
		{"@9 @10 Hey Sam! We'll look into it -Mike", "hey sam we'll look into it"},
		{"@9 Thanks for waiting *JS", "thanks for waiting"},
		{"@9 Happy to help /CH https://t.co/y", "happy to help"},
		{"@9 ご連絡ありがとうございます。ET", "ご連絡ありがとうございます et"},
		{".@9 See you at 5pm!", "see you at pm"},
	} {
		if got := normalise(tc.in); got != tc.want {
			t.Errorf("normalise(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestJaccard(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want float64
	}{
		{"send us a dm", "send us a dm", 1},
		{"send us a dm", "send us a note", 2.0 / 4},
		{"thanks", "thanks", 1},
		{"thanks", "", 0},
	} {
		if got := jaccard(bigrams(tc.a), bigrams(tc.b)); got != tc.want {
			t.Errorf("jaccard(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}
