package coach

import "github.com/calmdesk/calmdesk/internal/playbook"

// modelSteps are the steps the model decides, by their label.
var modelSteps = []string{playbook.StepGreeting, playbook.StepEmpathy, playbook.StepApology, playbook.StepOwnership,
	playbook.StepAction, playbook.StepExpectation, playbook.StepFollowUp, playbook.StepThanks}

// modelPitfalls are the pitfalls the model decides, by their rule id.
var modelPitfalls = [...]string{playbook.RuleDeflection, playbook.RuleBlame, playbook.RuleNonApology, playbook.RuleVagueTiming,
	playbook.RuleMinimizing, playbook.RuleArguing, playbook.RuleRobotic}

// decideSteps lets the model decide each step it has a label for, in
// place: a step the rules found keeps their span; one only the model finds
// points at the sentence that weighs most for it.
func (c *Coach) decideSteps(d *doc, sc *scores, steps map[string]Step) {
	for _, id := range modelSteps {
		rule := steps[id]
		on, ok := c.model.on(sc, id, rule.Done)
		// An expectation names a time: with none in the reply the model's
		// word evidence ("I will refund the $59.90") is a promise without
		// one, which the agent should be asked to date, not a tick.
		if id == playbook.StepExpectation && !rule.Done && len(d.times) == 0 {
			on = false
		}
		switch {
		case !ok:
		case !on:
			steps[id] = Step{ID: id}
		case !rule.Done:
			s, e := c.modelSpan(d, sc, id)
			steps[id] = Step{ID: id, Done: true, Start: s, End: e}
		}
	}
}

// decidePitfalls lets the model decide each pitfall it has a label for:
// the rules' findings stay when the model agrees, go when it does not, and
// a pitfall only the model finds points at the sentence that weighs most.
func (c *Coach) decidePitfalls(d *doc, sc *scores, rules []Finding) []Finding {
	var verdict, decided, found [len(modelPitfalls)]bool
	for i, id := range modelPitfalls {
		rule := false
		for _, f := range rules {
			rule = rule || f.Rule == id
		}
		verdict[i], decided[i] = c.model.on(sc, id, rule)
	}
	// Cheer answers praise well: a customer who praises and raises no
	// problem is not belittled by "no worries" or a joke.
	praise := customerPraises(d.ctx)
	out := rules[:0:0]
	for _, f := range rules {
		if i := pitfallIndex(f.Rule); i >= 0 {
			if decided[i] && !verdict[i] {
				continue
			}
			if f.Rule == playbook.RuleMinimizing && praise {
				continue
			}
			found[i] = true
		}
		out = append(out, f)
	}
	for i, id := range modelPitfalls {
		if !verdict[i] || found[i] {
			continue
		}
		if id == playbook.RuleMinimizing && praise {
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

// pitfallIndex is the index of a rule id in modelPitfalls, or -1.
func pitfallIndex(id string) int {
	for i, p := range modelPitfalls {
		if p == id {
			return i
		}
	}
	return -1
}

// modelSpan is the byte span of the sentence whose words add most to a
// label's score.
func (c *Coach) modelSpan(d *doc, sc *scores, label string) (int, int) {
	if len(d.sents) == 0 {
		return 0, 0
	}
	s := d.sents[c.model.bestSentence(sc, label, len(d.sents))]
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

// customerPraises reports whether the customer's latest messages are
// positive and raise no complaint and no anger. With no reading, it is
// false: the review cannot tell praise from a problem.
func customerPraises(ctx *Context) bool {
	praise := false
	for _, r := range ctx.Readings {
		if r.Angry || r.Complaint {
			return false
		}
		praise = praise || r.Sentiment == "positive"
	}
	return praise
}
