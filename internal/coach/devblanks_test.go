package coach

import (
	"bufio"
	"encoding/json"
	"os"
	"testing"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// TestDevRepliesHaveNoPlaceholders: real agents' replies (the twcs dev
// set, outside the repository; the test skips without it) are what the
// placeholder rule must leave alone — ellipses, thread markers ("...1/2"),
// brackets and all. It reports the tweet ids it flags, never their text.
func TestDevRepliesHaveNoPlaceholders(t *testing.T) {
	path := os.Getenv("CALMDESK_TWCS_DEV")
	if path == "" {
		path = "../../../shared/data/twcs-dev/tweets.jsonl"
	}
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("no dev tweets (%v); set CALMDESK_TWCS_DEV", err)
	}
	defer f.Close()
	c := New(nil)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	replies, flagged := 0, 0
	for sc.Scan() {
		var tw struct {
			ID      string `json:"tweet_id"`
			Inbound bool   `json:"inbound"`
			Text    string `json:"text"`
		}
		if json.Unmarshal(sc.Bytes(), &tw) != nil || tw.Inbound {
			continue
		}
		replies++
		rv, err := c.Review(tw.Text, Context{Level: analyze.Annoyed})
		if err != nil {
			continue
		}
		for _, fd := range rv.Findings {
			if fd.Rule == playbook.RulePlaceholder {
				flagged++
				t.Logf("tweet %s: placeholder at %d:%d", tw.ID, fd.Start, fd.End)
				break
			}
		}
	}
	t.Logf("%d real agent replies, %d with a placeholder finding", replies, flagged)
	if replies > 0 && flagged*100 > replies {
		t.Errorf("%d of %d real replies flagged as placeholders, want under 1%%", flagged, replies)
	}
}
