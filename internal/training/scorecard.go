package training

import "slices"

// Scorecard is the judgement of one attempt.
type Scorecard struct {
	Scenario string `json:"scenario"`
	Outcome  string `json:"outcome,omitempty"` // empty while the session runs
	Turns    int    `json:"turns"`
	// Steps are the method steps: done at which turn (0: missed).
	Steps    []StepResult    `json:"steps"`
	Pitfalls []PitfallResult `json:"pitfalls"`
	Concerns []ConcernResult `json:"concerns"`
	Promises []PromiseResult `json:"promises"`
	// PromiseQuality is the share of promises with a concrete time, 0-100
	// (100 when nothing was promised).
	PromiseQuality int `json:"promise_quality"`
	// AngerCurve is the anger at the start and after each reply.
	AngerCurve []int `json:"anger_curve"`
	// CoachScore is the mean of the coach's scores of the replies.
	CoachScore int `json:"coach_score"`
	// ReplySeconds is how long each reply took, from the customer's
	// message it answers; empty when the replies carry no times.
	ReplySeconds []int `json:"reply_seconds"`
	// MeanReplySeconds is their mean (0 without times).
	MeanReplySeconds int `json:"mean_reply_seconds"`
	Score            int `json:"score"` // 0-100
}

// StepResult is one method step over the attempt.
type StepResult struct {
	ID   string `json:"id"`
	Done bool   `json:"done"`
	Turn int    `json:"turn,omitempty"` // first turn it was done
}

// PitfallResult is one pitfall with the trainee's words.
type PitfallResult struct {
	Turn  int    `json:"turn"`
	Rule  string `json:"rule"`
	Words string `json:"words,omitempty"`
}

// ConcernResult is one of the customer's concerns.
type ConcernResult struct {
	ID      string `json:"id"`
	Covered bool   `json:"covered"`
	Turn    int    `json:"turn,omitempty"`
}

// PromiseResult is one promise a reply made.
type PromiseResult struct {
	Turn    int    `json:"turn"`
	Action  string `json:"action"`
	DueText string `json:"due_text,omitempty"`
	Vague   bool   `json:"vague"`
}

// Points of the overall score; pitfallPenalty is taken per pitfall.
const (
	coachShare     = 35
	concernShare   = 25
	promiseShare   = 10
	outcomeShare   = 30
	pitfallPenalty = 8
)

// Score returns the scorecard of the session so far.
func (sim *Simulator) Score(s *Session) Scorecard {
	sc := Scorecard{Scenario: s.Scenario.ID, Outcome: s.Outcome, Turns: len(s.Turns), AngerCurve: []int{s.Scenario.Anger},
		Steps: []StepResult{}, Pitfalls: []PitfallResult{}, Concerns: []ConcernResult{}, Promises: []PromiseResult{}}
	pb := sim.Coach.Playbook()
	stepAt := map[string]int{}
	var order []string
	coachSum, concrete := 0, 0
	for _, t := range s.Turns {
		sc.AngerCurve = append(sc.AngerCurve, t.Anger)
		coachSum += t.Review.Score
		for _, st := range t.Review.Steps {
			if !slices.Contains(order, st.ID) {
				order = append(order, st.ID)
			}
			if st.Done && stepAt[st.ID] == 0 {
				stepAt[st.ID] = t.N
			}
		}
		for _, f := range t.Review.Findings {
			if r := pb.Rule(f.Rule); r != nil && r.Kind == "pitfall" {
				sc.Pitfalls = append(sc.Pitfalls, PitfallResult{Turn: t.N, Rule: f.Rule, Words: f.Text})
			}
		}
		for _, c := range t.Review.Promises {
			sc.Promises = append(sc.Promises, PromiseResult{Turn: t.N, Action: c.Action, DueText: c.DueText, Vague: c.Vague})
			if !c.Vague {
				concrete++
			}
		}
	}
	sc.ReplySeconds = replySeconds(s)
	if n := len(sc.ReplySeconds); n > 0 {
		sum := 0
		for _, v := range sc.ReplySeconds {
			sum += v
		}
		sc.MeanReplySeconds = sum / n
	}
	for _, id := range order {
		sc.Steps = append(sc.Steps, StepResult{ID: id, Done: stepAt[id] > 0, Turn: stepAt[id]})
	}
	covered := 0
	for _, c := range s.Scenario.Concerns {
		cr := ConcernResult{ID: c.ID}
		for _, t := range s.Turns {
			if slices.Contains(t.Answered, c.ID) {
				cr.Covered, cr.Turn = true, t.N
				covered++
				break
			}
		}
		sc.Concerns = append(sc.Concerns, cr)
	}
	sc.PromiseQuality = 100
	if len(sc.Promises) > 0 {
		sc.PromiseQuality = 100 * concrete / len(sc.Promises)
	}
	if len(s.Turns) == 0 {
		return sc
	}
	sc.CoachScore = coachSum / len(s.Turns)
	score := coachShare * sc.CoachScore / 100
	score += concernShare * covered / len(s.Scenario.Concerns)
	score += promiseShare * sc.PromiseQuality / 100
	switch s.Outcome {
	case Resolved:
		// Fewer turns is better: a customer calmed in one reply is worth more.
		score += outcomeShare - 5*min(len(s.Turns)-1, 3)
	case "":
		final := s.State.Anger
		score += outcomeShare * max(0, s.Scenario.EscalateAt-final) / max(1, s.Scenario.EscalateAt) / 2
	}
	score -= pitfallPenalty * len(sc.Pitfalls)
	sc.Score = clamp(score, 0, 100)
	return sc
}

// replySeconds is the time each reply took from the customer's message it
// answered: the opening for the first, the previous answer for the rest.
// Every time must be stamped, or there are none.
func replySeconds(s *Session) []int {
	out := []int{}
	prev := s.Started
	for _, t := range s.Turns {
		if prev.IsZero() || t.At.IsZero() {
			return []int{}
		}
		out = append(out, max(0, int(t.At.Sub(prev).Seconds())))
		prev = t.At
	}
	return out
}
