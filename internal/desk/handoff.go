package desk

import (
	"fmt"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// signalWords says each escalation signal the way a supervisor would.
var signalWords = map[string]string{
	analyze.SignalManagerRequest:     "asked for a manager",
	analyze.SignalLegalThreat:        "threatened legal action",
	analyze.SignalRegulatorComplaint: "threatened to complain to a regulator",
	analyze.SignalChargeback:         "threatened a chargeback",
	analyze.SignalPublicExposure:     "threatened to go public (reviews, social media, press)",
	analyze.SignalChurnThreat:        "threatened to cancel or switch",
	analyze.SignalSafetyIssue:        "reported a safety issue",
	analyze.SignalRepeatContact:      "has contacted us before about this",
	analyze.SignalLongWait:           "has waited a long time",
	analyze.SignalVulnerableCustomer: "may be a vulnerable customer",
}

// handoffSummary tells whoever takes an escalated case what the customer
// would otherwise have to repeat: who they are, what they said and mean, how
// their anger moved, what was tried and promised, and why it escalated.
func handoffSummary(c Case, msgs []Message, promises []Promise, reason string, now time.Time) string {
	var b strings.Builder
	cu := c.Customer
	name := cu.Name
	if name == "" {
		name = cu.Email
	}
	fmt.Fprintf(&b, "Why: %s.\n", strings.TrimSuffix(reason, "."))
	fmt.Fprintf(&b, "Customer: %s <%s>, %s tier, customer for %s, %d contact(s).\n",
		name, cu.Email, cu.Tier, ageOf(cu.FirstContactAt, now), cu.ContactCount)

	var angers []string
	inbound, replies := 0, 0
	var lastReply string
	for _, m := range msgs {
		switch m.Direction {
		case Inbound:
			inbound++
			if m.Reading != nil {
				angers = append(angers, fmt.Sprint(m.Reading.Anger))
			}
		case Outbound:
			replies++
			lastReply = m.CleanText
		}
	}
	fmt.Fprintf(&b, "Anger: %d now (first %d, peak %d, %s) over %d message(s): %s.\n",
		c.Anger.Latest, c.Anger.First, c.Anger.Peak, trend(c.Anger.First, c.Anger.Latest), inbound, strings.Join(angers, " → "))

	var sig []string
	for _, s := range c.Signals {
		if w, ok := signalWords[s]; ok {
			sig = append(sig, w)
		}
	}
	if len(sig) > 0 {
		fmt.Fprintf(&b, "Signals: %s.\n", strings.Join(sig, "; "))
	}

	concerns := concernsOf(msgs)
	if len(concerns) == 0 {
		// Everything was answered once; show what the customer raised overall.
		for _, m := range msgs {
			if m.Direction == Inbound && m.Reading != nil {
				for _, cc := range m.Reading.Concerns {
					concerns = append(concerns, Concern{Concern: cc, MessageID: m.ID})
				}
			}
		}
	}
	if len(concerns) > 0 {
		b.WriteString("Concerns (their words → what they mean):\n")
		for i, cc := range concerns {
			if i == 6 {
				fmt.Fprintf(&b, "  … and %d more\n", len(concerns)-i)
				break
			}
			para := cc.Paraphrase
			if para == "" {
				para = "(no paraphrase)"
			}
			fmt.Fprintf(&b, "  - %q → %s\n", textkit.ClipWords(cc.Text, 160), para)
		}
	}

	if replies == 0 {
		b.WriteString("Tried so far: nothing yet — no reply has been sent.\n")
	} else {
		fmt.Fprintf(&b, "Tried so far: %d reply(ies); the last said: %q\n", replies, textkit.ClipWords(lastReply, 240))
	}
	open := 0
	for _, p := range promises {
		if p.Status != "open" && p.Status != "broken" {
			continue
		}
		if open == 0 {
			b.WriteString("Promises:\n")
		}
		open++
		due := "no date given"
		if p.DueAt != nil {
			due = "due " + p.DueAt.UTC().Format("Mon 2 Jan 15:04 MST")
		}
		fmt.Fprintf(&b, "  - %s (%s, %s)\n", p.Action, due, p.Status)
	}
	if open == 0 {
		b.WriteString("Promises: none open.\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// ageOf says how long ago t was, in the largest sensible unit.
func ageOf(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d >= 365*24*time.Hour:
		n := int(d / (365 * 24 * time.Hour))
		return plural(n, "year")
	case d >= 30*24*time.Hour:
		return plural(int(d/(30*24*time.Hour)), "month")
	case d >= 24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day")
	}
	return "less than a day"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
