package desk

import (
	"fmt"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// SignalBrokenPromise is the signal the desk itself raises on a case when a
// promise to its customer passes its due time unkept; the other signal kinds
// come from the reading (analyze.Signal*).
const SignalBrokenPromise = "broken_promise"

// escalationSignals are the signals that by themselves call for a supervisor's eyes.
var escalationSignals = map[string]bool{
	analyze.SignalManagerRequest: true, analyze.SignalLegalThreat: true, analyze.SignalRegulatorComplaint: true,
	analyze.SignalChargeback: true, analyze.SignalPublicExposure: true, analyze.SignalSafetyIssue: true,
}

// Priority ranks a case 0-100; the inbox shows the highest first.
//
//	0.7 × latest anger + 0.3 × peak anger   how hot the customer is now, remembering how hot they were
//	+ 15  any escalation signal (manager, legal, regulator, chargeback, public, safety)
//	+  8  repeat contact or long wait       they have already waited for us
//	+  5  churn threat or vulnerable customer
//	+ 20  a promise to this customer was broken
//	+  5  gold tier, +10 platinum or vip
//
// clamped to 0-100. Waiting time and SLA time left join the formula with
// the sweep, which re-ranks waiting cases as time passes (see urgency).
func Priority(latestAnger, peakAnger int, signals []string, tier string) int {
	p := 0
	for _, part := range priorityParts(latestAnger, peakAnger, signals, tier) {
		p += part.Points
	}
	return min(100, max(0, p))
}

// PriorityPart is one reason a case ranks where it does, with its points.
type PriorityPart struct {
	Label  string `json:"label"`
	Points int    `json:"points"`
}

// priorityParts is Priority term by term. Only the anger term is a
// fraction; rounding it alone gives the same sum as rounding the total,
// since every other term is whole.
func priorityParts(latestAnger, peakAnger int, signals []string, tier string) []PriorityPart {
	parts := []PriorityPart{{fmt.Sprintf("anger: 0.7 × latest %d + 0.3 × peak %d", latestAnger, peakAnger),
		int(0.7*float64(latestAnger) + 0.3*float64(peakAnger) + 0.5)}}
	var escalation, waited, risk, broken bool
	for _, s := range signals {
		switch {
		case escalationSignals[s]:
			escalation = true
		case s == analyze.SignalRepeatContact || s == analyze.SignalLongWait:
			waited = true
		case s == analyze.SignalChurnThreat || s == analyze.SignalVulnerableCustomer:
			risk = true
		case s == SignalBrokenPromise:
			broken = true
		}
	}
	if escalation {
		parts = append(parts, PriorityPart{"an escalation signal (manager, legal, regulator, chargeback, public, safety)", 15})
	}
	if waited {
		parts = append(parts, PriorityPart{"repeat contact or a long wait", 8})
	}
	if risk {
		parts = append(parts, PriorityPart{"churn threat or a vulnerable customer", 5})
	}
	if broken {
		parts = append(parts, PriorityPart{"a promise to this customer was broken", 20})
	}
	switch tier {
	case TierGold:
		parts = append(parts, PriorityPart{"gold tier", 5})
	case TierPlatinum, TierVIP:
		parts = append(parts, PriorityPart{tier + " tier", 10})
	}
	return parts
}

// PriorityParts explains a case's stored priority: the parts Priority
// adds from the reading, signals and tier, and what the sweep added for
// time (waiting, an SLA target near or missed) as the rest, or what the
// cap at 100 took off.
func PriorityParts(c Case) []PriorityPart {
	parts := priorityParts(c.Anger.Latest, c.Anger.Peak, c.Signals, c.Customer.Tier)
	sum := 0
	for _, p := range parts {
		sum += p.Points
	}
	switch rest := c.Priority - sum; {
	case rest > 0:
		parts = append(parts, PriorityPart{"time: waiting and the SLA target (near or missed)", rest})
	case rest < 0 && c.Priority == 100:
		parts = append(parts, PriorityPart{"capped at 100", rest})
	case rest < 0:
		// Re-read since it was ranked (a correction, a changed tier): the
		// stored rank is older than these parts.
		parts = append(parts, PriorityPart{"ranked before the latest change", rest})
	}
	return parts
}

// targetFor picks the first target whose category matches and whose
// priority the case reaches.
func (p SLAPolicy) targetFor(priority int, category string) SLATarget {
	for _, t := range p.Targets {
		if (t.Category == "" || t.Category == category) && priority >= t.MinPriority {
			return t
		}
	}
	return p.Targets[len(p.Targets)-1]
}
