package web

import (
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
)

// uiFuncs are the template functions of the pages.
func uiFuncs() template.FuncMap {
	return template.FuncMap{
		"level":          levelOf,
		"asset":          asset,
		"statusWord":     statusWord,
		"links":          links,
		"savedReplyForm": savedReplyFormFunc, "savedReplyInput": savedReplyInputFunc,
		"signal":    signalLabel,
		"ago":       ago,
		"stamp":     stamp,
		"iso":       func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"money":     money,
		"titleCase": titleCase,
		"ruleLabel": ruleLabel,
		"derefTime": func(t *time.Time) time.Time { return *t },
		"deref":     func(n *int64) int64 { return *n },
		"deref32":   func(n *int) int { return *n },
		"barWidth":  func(anger int) int { return max(0, min(100, anger)) * 60 / 100 }, // of the 60px gauge bar
		"pct":       func(f float64) string { return fmt.Sprintf("%.0f%%", 100*f) },
	}
}

// levelOf names the anger band of a score, for templates and labels.
func levelOf(anger int) string { return string(analyze.LevelOf(anger)) }

// signalOrder ranks the analysis engine's signal kinds, most urgent first,
// with the words agents see.
var signalOrder = []struct{ kind, label string }{
	{analyze.SignalSafetyIssue, "safety issue"},
	{analyze.SignalLegalThreat, "legal threat"},
	{analyze.SignalRegulatorComplaint, "regulator complaint"},
	{analyze.SignalChargeback, "chargeback threat"},
	{analyze.SignalManagerRequest, "asks for a manager"},
	{analyze.SignalPublicExposure, "threatens to go public"},
	{analyze.SignalChurnThreat, "may leave"},
	{analyze.SignalVulnerableCustomer, "vulnerable customer"},
	{analyze.SignalRepeatContact, "repeat contact"},
	{analyze.SignalLongWait, "long wait"},
}

// signalLabel is the agent-facing words for a signal kind.
func signalLabel(kind string) string {
	for _, s := range signalOrder {
		if s.kind == kind {
			return s.label
		}
	}
	return strings.ReplaceAll(kind, "_", " ")
}

// topSignal is the most urgent of a case's signals, in words; "" when none.
func topSignal(c desk.Case) string {
	for _, s := range signalOrder {
		if slices.Contains(c.Signals, s.kind) {
			if s.kind == analyze.SignalRepeatContact && c.InboundCount >= 2 {
				return fmt.Sprintf("contact #%d", c.InboundCount)
			}
			return s.label
		}
	}
	if len(c.Signals) > 0 {
		return signalLabel(c.Signals[0])
	}
	return ""
}

// humanDuration writes a duration the way a person says it: "3d 4h", "2h 5m", "45m".
func humanDuration(d time.Duration) string {
	if d < 0 {
		d = -d
	}
	switch {
	case d < time.Minute:
		return "<1m"
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh %dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd %dh", int(d.Hours())/24, int(d.Hours())%24)
}

func ago(t time.Time) string { return humanDuration(time.Since(t)) + " ago" }

// stamp is an absolute time for people: "Mon 24 Nov 14:05 UTC".
func stamp(t time.Time) string { return t.Format("Mon 2 Jan 15:04 MST") }

// money formats cents as an amount without a currency: "1,234.50".
func money(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	whole := fmt.Sprintf("%d", cents/100)
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	s := fmt.Sprintf("%s.%02d", b.String(), cents%100)
	if neg {
		return "-" + s
	}
	return s
}

func titleCase(s string) string {
	if s == "" {
		return s
	}
	s = strings.ReplaceAll(s, "_", " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

// clock is a due time seen from now: the words and the urgency class.
type clock struct {
	At    time.Time
	Text  string // "due in 2h 5m", "overdue 45m"
	Class string // sla-ok, sla-soon, sla-breached
	What  string // "first reply", "resolution"
	// Paused: the case is on hold and its clock stopped; At is the due
	// time as it stood (it moves later when the hold ends).
	Paused bool
}

// slaClock is the case's next service-level deadline, nil when none runs.
func slaClock(c desk.Case, now time.Time) *clock {
	var due *time.Time
	what := ""
	switch {
	case c.Status == desk.StatusResolved || c.Status == desk.StatusClosed:
		return nil
	case c.FirstRespondedAt == nil && c.FirstResponseDueAt != nil:
		due, what = c.FirstResponseDueAt, "first reply"
	case c.ResolutionDueAt != nil:
		due, what = c.ResolutionDueAt, "resolution"
	default:
		return nil
	}
	k := &clock{At: *due, What: what}
	if c.Status == desk.StatusOnHold {
		k.Text, k.Class, k.Paused = "paused (on hold)", "sla-paused", true
		return k
	}
	left := due.Sub(now)
	switch {
	case left < 0:
		k.Text, k.Class = "overdue "+humanDuration(left), "sla-breached"
	case left < time.Hour:
		k.Text, k.Class = "due in "+humanDuration(left), "sla-soon"
	default:
		k.Text, k.Class = "due in "+humanDuration(left), "sla-ok"
	}
	return k
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// ruleLabel names the rule that escalated a case: "manual", or the signal
// or condition that fired ("signal:manager_request" -> "asks for a manager").
func ruleLabel(rule string) string {
	if kind, ok := strings.CutPrefix(rule, "signal:"); ok {
		return signalLabel(kind)
	}
	return strings.ReplaceAll(rule, "_", " ")
}
