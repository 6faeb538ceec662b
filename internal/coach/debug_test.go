package coach

import (
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

func TestDebugReview(t *testing.T) {
	reply := os.Getenv("COACH_REPLY")
	if reply == "" {
		t.Skip()
	}
	c := New(nil)
	ctx := Context{CustomerName: "Dana Reyes", SentAt: time.Date(2026, 11, 27, 23, 10, 0, 0, time.UTC), Level: "angry"}
	rv, err := c.Review(reply, ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(rv, "", " ")
	t.Log(string(b))
}

func TestDebugDraft(t *testing.T) {
	if os.Getenv("COACH_DRAFT") == "" {
		t.Skip()
	}
	c := New(nil)
	for _, lvl := range []analyze.Level{"calm", "annoyed", "angry", "furious"} {
		for _, cat := range []string{"billing", "delivery", "product", "subscription", "account", "technical", "service", "other"} {
			ctx := Context{CustomerName: "Dana Reyes", Category: cat, SentAt: time.Date(2026, 11, 27, 23, 10, 0, 0, time.UTC), Level: lvl, AgentName: "Sam",
				Readings: []analyze.Reading{{Level: lvl, Concerns: []analyze.Concern{{Kind: "problem", Text: "I was charged twice for order 4471", Paraphrase: "you were charged twice for order 4471"}, {Kind: "problem", Text: "nobody answered my emails!!!"}}}}}
			d, err := c.Draft(ctx)
			rv, _ := c.Review(d, ctx)
			t.Logf("%s/%s ready=%v score=%d err=%v\n%s\n%+v", lvl, cat, rv.Ready, rv.Score, err, d, rv.Findings)
		}
	}
}
