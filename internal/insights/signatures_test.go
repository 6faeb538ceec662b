package insights

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkConcernSignature is the clustering step that runs per message
// as concerns come in: tokenising a day's concerns into its signature
// (docOf, the inverted index, the encoding). It reports messages/s of
// one core against the target of 3,000 messages/s.
func BenchmarkConcernSignature(b *testing.B) {
	texts := []string{
		"The promo code SPRING%d is rejected at checkout",
		"My parcel %d has not arrived after two weeks",
		"I was charged twice for invoice %d",
		"The app crashes when I open the basket on version %d",
		"The refund for return %d never reached my card",
	}
	const perCase = 3 // customer messages per case, each with one concern
	var cases []*caseFacts
	for i := range 2000 {
		c := &caseFacts{ID: int64(i + 1), Category: "billing", Channel: "email", Tier: "standard", CreatedAt: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)}
		for j := range perCase {
			c.Inbound = append(c.Inbound, inbound{Concerns: []string{fmt.Sprintf(texts[(i+j)%len(texts)], i%97)}})
		}
		cases = append(cases, c)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeDaySig(encodeDaySig(cases)); err != nil {
			b.Fatal(err)
		}
	}
	perMessage := b.Elapsed().Seconds() / float64(b.N*len(cases)*perCase)
	b.ReportMetric(1/perMessage, "messages/s")
}
