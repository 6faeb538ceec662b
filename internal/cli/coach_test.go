package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func runCoach(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Run(context.Background(), append([]string{"calmdesk", "coach"}, args...), strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

func TestCoachCommand(t *testing.T) {
	customer := "I was charged TWICE for order 4471 and this is the third time I'm writing. Fix it NOW."
	tests := []struct {
		name  string
		stdin string
		args  []string
		want  []string // substrings of the output
	}{
		{"json review", "", []string{"--json", "--customer", customer, "--name", "Dana Reyes", "--sent-at", "2026-11-27T23:10:00Z",
			"Hi Dana, as I said, you should have checked. I'm sorry. I will refund the duplicate $59.90 within 3 business days."},
			[]string{`"rule": "arguing"`, `"rule": "blame"`, `"due_at": "2026-12-02T17:00:00Z"`, `"amount": "59.90 USD"`, `"ready": false`}},
		{"reply on stdin, marked text", "Hi Dana, please calm down. We will refund it soon.", []string{"--customer", customer, "--name", "Dana"},
			[]string{"⟦calm down⟧", "⟦soon⟧", "minimizing", "vague_timing", "not ready"}},
		{"time zone", "", []string{"--json", "--tz", "America/New_York", "--sent-at", "2026-11-27T23:10:00Z", "I'm sorry. I will call you tomorrow at 10am."},
			[]string{`"due_at": "2026-11-28T10:00:00-05:00"`}},
		{"draft", "", []string{"--draft", "--customer", customer, "--name", "Dana Reyes", "--agent", "Sam", "--sent-at", "2026-11-30T10:00:00Z"},
			[]string{"Dana", "Sam", "December"}},
		{"other language", "", []string{"--json", "Bonjour, nous sommes désolés pour le retard de votre commande et nous allons vous rembourser."},
			[]string{`"supported": false`, `"language": "fr"`, "unsupported_language"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runCoach(t, tt.stdin, tt.args...)
			if err != nil {
				t.Fatalf("coach: %v\n%s", err, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}

func TestCoachCommandErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"empty reply", []string{"  "}, "empty"},
		{"bad time", []string{"--sent-at", "friday", "hello"}, "RFC 3339"},
		{"bad zone", []string{"--tz", "Mars/Olympus", "hello"}, "--tz"},
		{"bad level", []string{"--level", "livid", "hello"}, "--level"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runCoach(t, "", tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
}

func TestCoachDraftPassesReview(t *testing.T) {
	customer := "My blender arrived broken. Really disappointed."
	out, err := runCoach(t, "", "--draft", "--json", "--customer", customer, "--name", "Priya", "--sent-at", "2026-11-24T11:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ Draft string }
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Draft == "" {
		t.Fatalf("draft JSON %q: %v", out, err)
	}
	rv, err := runCoach(t, d.Draft, "--json", "--customer", customer, "--name", "Priya", "--sent-at", "2026-11-24T11:00:00Z")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(rv, `"ready": true`) {
		t.Errorf("draft does not pass review:\n%s\n%s", d.Draft, rv)
	}
}
