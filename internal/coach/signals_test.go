package coach

import (
	"slices"
	"testing"

	"github.com/calmdesk/calmdesk/internal/playbook"
)

// Each signal list fires on the wordings it was written for (team-written
// examples in the register of real support replies) and stays quiet on the
// near misses that must not count.
func TestSignalCues(t *testing.T) {
	c := NewWithModel(nil, nil)
	tests := []struct {
		signal string
		reply  string
		want   bool
	}{
		{"signal_empathy", "@dana_k Oh no! Which store was it? ^JT", true},
		{"signal_empathy", "@dana_k That doesn't sound right at all. Can you DM us the order number?", true},
		{"signal_empathy", "@dana_k We hear you, and we've passed this on.", true},
		{"signal_empathy", "@dana_k We're saddened to hear that, Dana. DM us and we'll look.", true},
		{"signal_empathy", "@dana_k Yikes, that's a long wait. The plane boards in 10 minutes.", true},
		{"signal_empathy", "@dana_k Sorry to hear that. Which version are you on?", false},
		{"signal_empathy", "@dana_k Which device are you using?", false},
		{"signal_redirect", "@dana_k Here to help! Send us a note at https://example.com/help so our team can connect.", true},
		{"signal_redirect", "@dana_k Please reach out to us here: https://example.com/contact and we'll take a look.", true},
		{"signal_redirect", "@dana_k You'd have to speak with our crew about open seats.", true},
		{"signal_redirect", "@dana_k Great idea! Suggest it in our Community at https://example.com/ideas.", true},
		{"signal_redirect", "@dana_k Please DM us your order number and I'll check it.", false},
		{"signal_policy", "@dana_k Claims need to be reported within 7 days of arrival.", true},
		{"signal_policy", "@dana_k Did you report the damage at the airport?", true},
		{"signal_policy", "@dana_k The booking expired due to no payment being made.", true},
		{"signal_policy", "@dana_k I've refunded the charge today.", false},
		{"signal_correction", "@dana_k Our records show the parcel was left at the front door.", true},
		{"signal_correction", "@dana_k I can see it's working on my end.", true},
		{"signal_correction", "@dana_k The team didn't recall saying this to anyone.", true},
		{"signal_correction", "@dana_k I've asked the depot to redeliver tomorrow.", false},
		{"signal_cheer", "@dana_k No worries, it'll turn up!", true},
		{"signal_cheer", "@dana_k Changing it is just a simple click.", true},
		{"signal_cheer", "@dana_k I'm confident it'll be worth the wait!", true},
		{"signal_cheer", "@dana_k I'm so sorry it arrived late.", false},
		{"signal_template", "@dana_k Here to help! Send us a DM with your email address so we can further assist.", true},
		{"signal_template", "@dana_k Thanks for reaching out. Please DM us your account number.", true},
		{"signal_template", "@dana_k The replacement left the warehouse this morning.", false},
	}
	for _, tt := range tests {
		f, err := c.Features(tt.reply, Context{})
		if err != nil {
			t.Fatalf("%q: %v", tt.reply, err)
		}
		got := slices.Contains(f.Whole, nameKey2("cue:vocab:", tt.signal))
		if got != tt.want {
			t.Errorf("%s on %q = %v, want %v", tt.signal, tt.reply, got, tt.want)
		}
	}
}

// Signal lists add model features only: the rules' verdicts are the same
// with and without them.
func TestSignalCuesDecideNothing(t *testing.T) {
	pb := playbook.Default()
	bare := *pb
	bare.Vocabulary = map[string][]string{}
	for k, v := range pb.Vocabulary {
		if len(k) < len(signalPrefix) || k[:len(signalPrefix)] != signalPrefix {
			bare.Vocabulary[k] = v
		}
	}
	with, without := NewWithModel(pb, nil), NewWithModel(&bare, nil)
	for _, reply := range []string{
		"@dana_k Oh no! No worries, send us a note at https://example.com/help so our team can connect.",
		"Our records show you reached the gate after it had closed. Did you report it within 7 days?",
		"Hi Dana, I'm sorry we charged you twice. I've refunded the duplicate today; it reaches your card by Thursday.",
	} {
		a, err := with.Review(reply, Context{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := without.Review(reply, Context{})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Findings) != len(b.Findings) || len(a.Steps) != len(b.Steps) {
			t.Fatalf("%q: findings %d vs %d, steps %d vs %d", reply, len(a.Findings), len(b.Findings), len(a.Steps), len(b.Steps))
		}
		for i := range a.Findings {
			if a.Findings[i].Rule != b.Findings[i].Rule {
				t.Errorf("%q: finding %d %s vs %s", reply, i, a.Findings[i].Rule, b.Findings[i].Rule)
			}
		}
		for i := range a.Steps {
			if a.Steps[i].ID != b.Steps[i].ID || a.Steps[i].Done != b.Steps[i].Done {
				t.Errorf("%q: step %s %v vs %s %v", reply, a.Steps[i].ID, a.Steps[i].Done, b.Steps[i].ID, b.Steps[i].Done)
			}
		}
	}
}
