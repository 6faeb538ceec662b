package coach

import (
	"testing"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// tweetReply is a reply of tweet length, the commonest size on social channels.
const tweetReply = "@dana_r So sorry about the double charge, Dana. I've refunded the $59.90 and it will be back on your card within 3 business days. DM us if it isn't. ^SM"

// BenchmarkReviewTweet measures one review of a tweet-length reply.
func BenchmarkReviewTweet(b *testing.B) {
	c := New(nil)
	ctx := Context{CustomerName: "Dana Reyes", SentAt: friday2310, Level: analyze.Angry,
		Readings: []analyze.Reading{{Supported: true, Level: analyze.Angry, Concerns: []analyze.Concern{
			{Kind: "problem", Text: "I was charged twice for order 4471", Paraphrase: "you were charged twice for order 4471"},
		}}}}
	b.SetBytes(int64(len(tweetReply)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		if _, err := c.Review(tweetReply, ctx); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Nanoseconds())/1000/float64(n), "cpu-µs/op")
}
