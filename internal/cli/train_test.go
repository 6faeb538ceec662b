package cli

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func runTrain(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := Run(context.Background(), append([]string{"calmdesk", "train"}, args...), strings.NewReader(stdin), &out, &errOut); err != nil {
		t.Fatalf("train %v: %v\n%s", args, err, errOut.String())
	}
	return out.String()
}

func TestTrainPlaysAScenario(t *testing.T) {
	good := "Hi Dana, I'm so sorry your parcel is late; I can see how frustrating that is after paying for express. " +
		"I've refunded the express fee today and I've asked the courier to trace it; I'll email you the tracking by 5pm tomorrow.\n"
	out := runTrain(t, good, "--scenario", "retail-late-parcel", "--seed", "3")
	for _, want := range []string{"I paid extra for express delivery", "coach: ", "Scorecard: resolved after 1 replies", "anger: 68 → "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if again := runTrain(t, good, "--scenario", "retail-late-parcel", "--seed", "3"); again != out {
		t.Error("the same seed and replies played differently")
	}

	bad := strings.Repeat("Calm down. It's not our fault, the courier lost it. We'll look into it soon.\n", 5)
	out = runTrain(t, bad, "--scenario", "retail-late-parcel", "--seed", "3", "--exam")
	if !strings.Contains(out, "Scorecard: escalated") || strings.Contains(out, "coach: ") || !strings.Contains(out, `minimizing "Calm down"`) {
		t.Errorf("bad replies in an exam:\n%s", out)
	}
}

func TestTrainChoosesFromTheList(t *testing.T) {
	out := runTrain(t, "1\n", "--seed", "1")
	if !strings.Contains(out, "Scenario number or id:") || !strings.Contains(out, "(ended early)") || !strings.Contains(out, "Scorecard: unfinished") {
		t.Errorf("choosing from the list:\n%s", out)
	}
	if list := runTrain(t, "", "--list"); strings.Count(list, "\n") < 20 {
		t.Errorf("--list:\n%s", list)
	}
}
