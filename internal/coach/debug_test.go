package coach

import (
	"encoding/json"
	"os"
	"testing"
	"time"
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
