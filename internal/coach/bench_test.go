package coach

import (
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// oneKB is a realistic reply of about 1 KB.
var oneKB = func() string {
	s := "Hi Dana,\n\nI'm so sorry — you were charged twice for order 4471, and on top of that your last two emails went unanswered. I understand how frustrating that is, and you should not have had to chase us.\n\n" +
		"I have cancelled the duplicate payment and I will refund the $59.90 within 3 business days. I'll also look at why your earlier emails were missed, and I will make sure the team replies to you directly from now on. As I said before, the first payment stays as it is, so nothing changes for your order, which will arrive by Friday 28 November.\n\n" +
		"If you would prefer a credit on your account instead of the refund, just tell me and I will set it up today. I'll check in with you on Thursday to confirm the money is back. Thank you for your patience, and let me know if there is anything else I can do for you.\n\nBest regards,\nSam"
	for len(s) < 1024 {
		s += " Thanks again."
	}
	return s[:1024]
}()

// BenchmarkReview1KB measures one review of a 1 KB reply (target < 200 µs).
func BenchmarkReview1KB(b *testing.B) {
	c := New(nil)
	ctx := Context{CustomerName: "Dana Reyes", SentAt: friday2310, Level: analyze.Angry,
		Readings: []analyze.Reading{{Supported: true, Level: analyze.Angry, Concerns: []analyze.Concern{
			{Kind: "problem", Text: "I was charged twice for order 4471", Paraphrase: "you were charged twice for order 4471"},
			{Kind: "problem", Text: "nobody answered my emails", Paraphrase: "your emails went unanswered"},
		}}}}
	b.SetBytes(int64(len(oneKB)))
	b.ReportAllocs()
	cpu0 := cpuTime()
	n := 0
	for b.Loop() {
		if _, err := c.Review(oneKB, ctx); err != nil {
			b.Fatal(err)
		}
		n++
	}
	// Wall time suffers when other work shares the machine; the process's
	// CPU time per review does not (it includes the garbage collector).
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(n), "cpu-µs/op")
}

// cpuTime is the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDraft measures a draft, which reviews itself once.
func BenchmarkDraft(b *testing.B) {
	c := New(nil)
	ctx := Context{CustomerName: "Dana Reyes", SentAt: friday2310, Category: "billing", Level: analyze.Angry}
	for b.Loop() {
		if _, err := c.Draft(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		_ = New(nil)
	}
}

func TestOneKBIsOneKB(t *testing.T) {
	if len(oneKB) != 1024 || !strings.Contains(oneKB, "Dana") {
		t.Fatalf("benchmark reply is %d bytes", len(oneKB))
	}
}
