package analyze

import (
	"math"
	"testing"
)

func TestSigmoidMatchesMath(t *testing.T) {
	worst := 0.0
	for x := -40.0; x <= 40; x += 0.001 {
		want := 1 / (1 + math.Exp(-x))
		got := float64(sigmoid(float32(x)))
		worst = max(worst, math.Abs(got-want))
	}
	if worst > 2e-6 {
		t.Fatalf("sigmoid is off by up to %g", worst)
	}
}
