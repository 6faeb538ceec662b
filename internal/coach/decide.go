package coach

import "github.com/calmdesk/calmdesk/internal/playbook"

// modelSteps are the steps the model decides, by their label.
var modelSteps = []string{playbook.StepGreeting, playbook.StepEmpathy, playbook.StepApology, playbook.StepOwnership,
	playbook.StepAction, playbook.StepExpectation, playbook.StepFollowUp, playbook.StepThanks}

// modelPitfalls are the pitfalls the model decides, by their rule id.
var modelPitfalls = []string{playbook.RuleDeflection, playbook.RuleBlame, playbook.RuleNonApology, playbook.RuleVagueTiming,
	playbook.RuleMinimizing, playbook.RuleArguing, playbook.RuleRobotic}

// decideSteps lets the model decide each step it has a label for: a step
// the rules found keeps their span; one only the model finds points at the
// sentence that weighs most for it.
func (c *Coach) decideSteps(d *doc, sc *scores, rules map[string]Step) map[string]Step {
	out := make(map[string]Step, len(rules))
	for id, s := range rules {
		out[id] = s
	}
	for _, id := range modelSteps {
		on, ok := c.model.on(sc, id, rules[id].Done)
		switch {
		case !ok:
		case !on:
			out[id] = Step{ID: id}
		case !rules[id].Done:
			s, e := c.modelSpan(d, sc, id)
			out[id] = Step{ID: id, Done: true, Start: s, End: e}
		}
	}
	return out
}

// decidePitfalls lets the model decide each pitfall it has a label for:
// the rules' findings stay when the model agrees, go when it does not, and
// a pitfall only the model finds points at the sentence that weighs most.
func (c *Coach) decidePitfalls(d *doc, sc *scores, rules []Finding) []Finding {
	verdict := map[string]bool{}
	for _, id := range modelPitfalls {
		rule := false
		for _, f := range rules {
			rule = rule || f.Rule == id
		}
		if on, ok := c.model.on(sc, id, rule); ok {
			verdict[id] = on
		}
	}
	out := make([]Finding, 0, len(rules)+2)
	found := map[string]bool{}
	for _, f := range rules {
		if on, ok := verdict[f.Rule]; ok && !on {
			continue
		}
		found[f.Rule] = true
		out = append(out, f)
	}
	for _, id := range modelPitfalls {
		if !verdict[id] || found[id] {
			continue
		}
		sev := c.ruleByID[id].Severity.At(d.level)
		if sev == playbook.None {
			continue
		}
		s, e := c.modelSpan(d, sc, id)
		out = append(out, c.finding(id, sev, d, s, e, ""))
	}
	return out
}

// modelSpan is the byte span of the sentence whose words add most to a
// label's score.
func (c *Coach) modelSpan(d *doc, sc *scores, label string) (int, int) {
	if len(d.sents) == 0 {
		return 0, 0
	}
	s := d.sents[c.model.bestSentence(sc, label)]
	return s.start, s.end
}

// asserts reports whether the rules assert a model label.
func (ev *evidence) asserts(label string) bool {
	if label == "concern_addressed" {
		return ev.covered
	}
	if s, ok := ev.steps[label]; ok {
		return s.Done
	}
	for _, f := range ev.findings {
		if f.Rule == label {
			return true
		}
	}
	return false
}
