package mail

import "testing"

// BenchmarkParse parses the Gmail fixture (2.4 kB, text and HTML parts).
func BenchmarkParse(b *testing.B) {
	raw := fixture(b, "gmail_reply.eml")
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		if _, err := ParseBytes(raw, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
