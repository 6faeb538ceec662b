package desk_test

import (
	"testing"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
)

// TestPriorityPartsAddUp: the parts the inbox shows add up to the stored
// priority, whatever the mix, including the sweep's time part and the cap.
func TestPriorityPartsAddUp(t *testing.T) {
	cases := []struct {
		name               string
		latest, peak       int
		signals            []string
		tier               string
		urgency, wantParts int
	}{
		{"calm", 10, 10, nil, "", 0, 1},
		{"fractions round once", 33, 77, nil, "", 0, 1},
		{"every part", 80, 90, []string{analyze.SignalManagerRequest, analyze.SignalRepeatContact, analyze.SignalChurnThreat, desk.SignalBrokenPromise}, desk.TierVIP, 0, 7}, // and the cap
		{"time waited", 40, 40, nil, desk.TierGold, 12, 3},
		{"capped", 95, 100, []string{analyze.SignalLegalThreat, desk.SignalBrokenPromise}, "", 30, 4},
	}
	for _, c := range cases {
		stored := min(100, desk.Priority(c.latest, c.peak, c.signals, c.tier)+c.urgency)
		k := desk.Case{Priority: stored, Anger: desk.Anger{Latest: c.latest, Peak: c.peak}, Signals: c.signals, Customer: desk.Customer{Tier: c.tier}}
		parts := desk.PriorityParts(k)
		sum := 0
		for _, p := range parts {
			sum += p.Points
		}
		if sum != stored || len(parts) != c.wantParts {
			t.Errorf("%s: parts %+v add up to %d (want %d) in %d parts (want %d)", c.name, parts, sum, stored, len(parts), c.wantParts)
		}
	}
}
