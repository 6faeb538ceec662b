package desk

import "github.com/calmdesk/calmdesk/internal/analyze"

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
	p := 0.7*float64(latestAnger) + 0.3*float64(peakAnger)
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
		p += 15
	}
	if waited {
		p += 8
	}
	if risk {
		p += 5
	}
	if broken {
		p += 20
	}
	switch tier {
	case TierGold:
		p += 5
	case TierPlatinum, TierVIP:
		p += 10
	}
	return min(100, max(0, int(p+0.5)))
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
