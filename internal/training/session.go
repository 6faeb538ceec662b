package training

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
)

// Outcomes of a finished session.
const (
	Resolved  = "resolved"  // calm, every concern answered
	Escalated = "escalated" // anger reached the escalation threshold
	Lost      = "lost"      // trust ran out or the turn limit passed
)

// Intents are what the customer means to say next; a Voice words them.
const (
	IntentOpen      = "open"
	IntentSoften    = "soften"
	IntentPushBack  = "push_back"
	IntentRepeat    = "repeat_concern"
	IntentNeedTime  = "need_time"
	IntentNeedSorry = "need_sorry"
	IntentManager   = "manager"
	IntentLeave     = "leave"
	IntentResolved  = "resolved"
)

// State is the simulated customer's state of mind.
type State struct {
	Anger    int             `json:"anger"` // 0-100
	Trust    int             `json:"trust"` // 0-100
	Answered map[string]bool `json:"answered"`
	// Heard are the satisfying steps the customer has heard at least once.
	Heard map[string]bool `json:"heard"`
	// Asked counts how often each concern was asked again.
	Asked map[string]int `json:"asked"`
	Turns int            `json:"turns"`
}

// Mood names the state for people: calm, annoyed, angry or furious.
func (s State) Mood() string { return string(levelOf(s.Anger)) }

// Turn is one trainee reply and the customer's answer to it.
type Turn struct {
	N        int      `json:"n"` // 1-based
	Reply    string   `json:"reply"`
	Customer string   `json:"customer"`
	Intents  []string `json:"intents"`
	Anger    int      `json:"anger"` // after the reply
	Trust    int      `json:"trust"`
	Delta    int      `json:"delta"`
	// Answered are the concerns this reply answered for the first time.
	Answered []string     `json:"answered,omitempty"`
	Review   coach.Review `json:"review"`
	// Draft is what the coach would have written at this turn.
	Draft string `json:"draft,omitempty"`
	// At is when the reply was sent. The engine has no clock: the caller
	// (the desk) stamps it; zero when nobody did.
	At time.Time `json:"at,omitzero"`
}

// Session is one attempt at a scenario. It holds everything needed to go
// on, so callers store it as it is.
type Session struct {
	Scenario Scenario `json:"scenario"`
	Seed     uint64   `json:"seed"`
	Exam     bool     `json:"exam,omitempty"`
	State    State    `json:"state"`
	Opening  string   `json:"opening"`
	Turns    []Turn   `json:"turns"`
	Done     bool     `json:"done"`
	Outcome  string   `json:"outcome,omitempty"`
	// Last is the customer's latest message.
	Last string `json:"last"`
	// Started is when the customer's opening was shown, stamped by the
	// caller like each Turn's At; the time per reply runs from it.
	Started time.Time `json:"started,omitzero"`
}

// Reader reads the customer's message for the coach, which judges a reply
// against the customer's concerns and anger; analyze.Default() is the real
// one. (Trainee replies are not read: the analyzer is built for customers
// and reads an empathetic "how frustrating" as anger.)
type Reader interface {
	Read(text string) (analyze.Reading, error)
}

// Voice words what the customer means to say. Scripted, the built-in voice,
// picks lines from the scenario; a language-model customer would be another
// Voice. The engine has already decided the state and the intents.
type Voice interface {
	Say(sc Scenario, st State, intents []Intent, rng *rand.Rand) (string, error)
}

// Intent is one thing the customer means to say, with the concern it is
// about for IntentRepeat.
type Intent struct {
	Kind    string
	Concern *Concern
}

// Simulator plays scenarios. Its zero value is not usable: Coach and Reader
// are required; Voice defaults to the library's scripted lines.
type Simulator struct {
	Library *Library
	Coach   *coach.Coach
	Reader  Reader
	Voice   Voice
}

// NewSimulator returns a simulator on the built-in library with the
// built-in playbook's coach and the default analyzer.
func NewSimulator() *Simulator {
	lib := Builtin()
	return &Simulator{Library: lib, Coach: coach.New(nil), Reader: analyze.Default(), Voice: Scripted{Library: lib}}
}

// sentAt is the fixed moment replies are judged at: the simulator has no
// clock, and a Monday morning gives "by Friday" and "by 5pm" a meaning.
var sentAt = time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC)

// Errors of Reply.
var (
	ErrFinished   = errors.New("training: the session is over")
	ErrEmptyReply = errors.New("training: the reply is empty")
)

// Start opens a session on the scenario with the seed.
func (sim *Simulator) Start(sc Scenario, seed uint64) (*Session, error) {
	if err := sc.Validate(); err != nil {
		return nil, err
	}
	s := &Session{Scenario: sc, Seed: seed, Opening: sc.Opening, Last: sc.Opening,
		State: State{Anger: sc.Anger, Trust: 50, Answered: map[string]bool{}, Heard: map[string]bool{}, Asked: map[string]int{}}}
	return s, nil
}

// rng is the session's random source at a turn: the same seed and turn
// always give the same choices.
func (s *Session) rng(turn int) *rand.Rand {
	return rand.New(rand.NewPCG(s.Seed, uint64(turn)*0x9E3779B97F4A7C15+1))
}

// Reply judges one trainee reply, moves the customer's state and returns
// the turn with the customer's answer.
func (sim *Simulator) Reply(s *Session, text string) (Turn, error) {
	if s.Done {
		return Turn{}, ErrFinished
	}
	if strings.TrimSpace(text) == "" {
		return Turn{}, ErrEmptyReply
	}
	sc := s.Scenario
	ctx, err := sim.coachContext(s)
	if err != nil {
		return Turn{}, err
	}
	review, err := sim.Coach.Review(text, ctx)
	if err != nil {
		return Turn{}, fmt.Errorf("training: review: %w", err)
	}
	draft, _ := sim.Coach.Draft(ctx) // a missing draft only leaves the scorecard without one

	st := &s.State
	st.Turns++
	n := st.Turns
	rng := s.rng(n)
	ev := sim.judge(sc, st, text, review)

	before := st.Anger
	st.Anger = clamp(st.Anger+ev.delta+rng.IntN(5)-2, 0, 100)
	if ev.pitfalls > 0 && st.Anger < before+1 {
		// The jitter must never turn a pitfall into relief.
		st.Anger = clamp(before+1, 0, 100)
	}
	st.Trust = clamp(st.Trust+ev.trust, 0, 100)

	intents := sim.decide(s, ev, before)
	msg, err := sim.voice().Say(sc, *st, intents, rng)
	if err != nil {
		return Turn{}, fmt.Errorf("training: customer line: %w", err)
	}
	t := Turn{N: n, Reply: text, Customer: msg, Anger: st.Anger, Trust: st.Trust, Delta: st.Anger - before,
		Answered: ev.answered, Review: review, Draft: draft}
	for _, in := range intents {
		t.Intents = append(t.Intents, in.Kind)
	}
	s.Turns = append(s.Turns, t)
	s.Last = msg
	return t, nil
}

// coachContext is what the coach knows at this point of the session: the
// customer's latest message, their name and the simulated anger.
func (sim *Simulator) coachContext(s *Session) (coach.Context, error) {
	r, err := sim.Reader.Read(s.Last)
	if err != nil {
		return coach.Context{}, fmt.Errorf("training: read customer: %w", err)
	}
	return coach.Context{CustomerName: s.Scenario.Persona.Name, Readings: []analyze.Reading{r},
		SentAt: sentAt, Level: levelOf(s.State.Anger)}, nil
}

// Preview is the live coach: the review a reply would get now, without
// playing it.
func (sim *Simulator) Preview(s *Session, text string) (coach.Review, error) {
	if strings.TrimSpace(text) == "" {
		return coach.Review{}, ErrEmptyReply
	}
	ctx, err := sim.coachContext(s)
	if err != nil {
		return coach.Review{}, err
	}
	return sim.Coach.Review(text, ctx)
}

func (sim *Simulator) voice() Voice {
	if sim.Voice != nil {
		return sim.Voice
	}
	return Scripted{Library: sim.Library}
}

// event is what one reply did to the customer.
type event struct {
	delta, trust int
	pitfalls     int
	answered     []string
	ignored      []string
	vague        bool
	concrete     bool
}

// Weights of the customer's reactions. A pitfall always outweighs what the
// same reply does well, so no pitfall can ever pay.
const (
	stepRelief      = 7  // first time a satisfying step is heard
	stepReliefAgain = 2  // heard again
	concernRelief   = 9  // a concern answered for the first time
	inflamingCost   = 22 // a pitfall this customer is sensitive to
	pitfallCost     = 12 // any other pitfall
	ignoredCost     = 6  // the open concern, growing with each repeat
	weakCost        = 6  // a reply the coach scores under weakScore
	weakScore       = 40
	vagueCost       = 8 // a vague promise
)

// judge turns the coach's review into changes of anger and trust.
func (sim *Simulator) judge(sc Scenario, st *State, text string, rv coach.Review) event {
	var ev event
	pb := sim.Coach.Playbook()
	for _, f := range rv.Findings {
		r := pb.Rule(f.Rule)
		if r == nil || r.Kind != "pitfall" {
			continue
		}
		ev.pitfalls++
		if slices.Contains(sc.Inflames, f.Rule) {
			ev.delta += inflamingCost
		} else {
			ev.delta += pitfallCost
		}
		ev.trust -= 12
	}
	done := map[string]bool{}
	for _, step := range rv.Steps {
		done[step.ID] = step.Done
	}
	for _, id := range sc.Satisfies {
		if !done[id] {
			continue
		}
		if st.Heard[id] {
			ev.delta -= stepReliefAgain
		} else {
			ev.delta -= stepRelief
			st.Heard[id] = true
		}
	}
	for _, c := range sc.Concerns {
		if st.Answered[c.ID] {
			continue
		}
		if _, _, ok := c.Answers(text); ok {
			st.Answered[c.ID] = true
			ev.answered = append(ev.answered, c.ID)
			ev.delta -= concernRelief
			ev.trust += 8
			continue
		}
		ev.ignored = append(ev.ignored, c.ID)
	}
	// Only the concern the customer is waiting on most hurts when ignored.
	if len(ev.ignored) > 0 && len(ev.answered) == 0 {
		first := ev.ignored[0]
		ev.delta += ignoredCost * (1 + st.Asked[first])
		ev.trust -= 6
	}
	if rv.Supported && rv.Score < weakScore {
		ev.delta += weakCost
	}
	for _, c := range rv.Promises {
		if c.Vague {
			ev.vague = true
		} else {
			ev.concrete = true
		}
	}
	if ev.vague && !ev.concrete {
		// The coach reports most vague promises as the vague_timing
		// pitfall, already counted; the rest cost here.
		if !slices.ContainsFunc(rv.Findings, func(f coach.Finding) bool { return f.Rule == "vague_timing" }) {
			ev.delta += vagueCost
		}
		ev.trust -= 6
	}
	if ev.concrete {
		ev.trust += 6
	}
	if ev.pitfalls > 0 && ev.delta <= 0 {
		// Relief from the rest of the reply never covers a pitfall.
		ev.delta = 1
	}
	return ev
}

// decide settles the outcome and picks what the customer says.
func (sim *Simulator) decide(s *Session, ev event, before int) []Intent {
	sc, st := s.Scenario, &s.State
	finish := func(outcome, intent string) []Intent {
		s.Done, s.Outcome = true, outcome
		return []Intent{{Kind: intent}}
	}
	allAnswered := true
	for _, c := range sc.Concerns {
		allAnswered = allAnswered && st.Answered[c.ID]
	}
	heardAll := true
	for _, id := range sc.Satisfies {
		heardAll = heardAll && st.Heard[id]
	}
	switch {
	case st.Anger >= sc.EscalateAt:
		if sc.Persona.Temperament == "terse" {
			return finish(Lost, IntentLeave)
		}
		return finish(Escalated, IntentManager)
	case st.Trust <= 0:
		return finish(Lost, IntentLeave)
	case allAnswered && heardAll && st.Anger <= sc.CalmAt && ev.pitfalls == 0:
		return finish(Resolved, IntentResolved)
	case st.Turns >= sc.TurnLimit:
		return finish(Lost, IntentLeave)
	}
	var out []Intent
	if st.Anger < before {
		out = append(out, Intent{Kind: IntentSoften})
	} else {
		out = append(out, Intent{Kind: IntentPushBack})
	}
	for i := range sc.Concerns {
		c := &sc.Concerns[i]
		if !st.Answered[c.ID] {
			st.Asked[c.ID]++
			return append(out, Intent{Kind: IntentRepeat, Concern: c})
		}
	}
	if !st.Heard["apology"] && slices.Contains(sc.Satisfies, "apology") {
		return append(out, Intent{Kind: IntentNeedSorry})
	}
	if !heardAll || st.Anger > sc.CalmAt {
		out = append(out, Intent{Kind: IntentNeedTime})
	}
	return out
}

// Scripted is the built-in voice: lines from the scenario, or from its
// temperament, chosen by the session's seed.
type Scripted struct{ Library *Library }

// Say implements Voice.
func (v Scripted) Say(sc Scenario, _ State, intents []Intent, rng *rand.Rand) (string, error) {
	var parts []string
	for _, in := range intents {
		var ls []string
		switch in.Kind {
		case IntentRepeat:
			if in.Concern == nil {
				return "", errors.New("training: a repeat intent without its concern")
			}
			ls = []string{in.Concern.Ask}
		case IntentSoften:
			ls = v.Library.lines(sc, func(l Lines) []string { return l.Soften })
		case IntentPushBack:
			ls = v.Library.lines(sc, func(l Lines) []string { return l.PushBack })
		case IntentNeedTime:
			ls = v.Library.lines(sc, func(l Lines) []string { return l.NeedTime })
		case IntentNeedSorry:
			ls = v.Library.lines(sc, func(l Lines) []string { return l.NeedSorry })
		case IntentManager:
			ls = v.Library.lines(sc, func(l Lines) []string { return l.Manager })
		case IntentLeave:
			ls = v.Library.lines(sc, func(l Lines) []string { return l.Leave })
		case IntentResolved:
			ls = v.Library.lines(sc, func(l Lines) []string { return l.Resolved })
		}
		if len(ls) == 0 {
			return "", fmt.Errorf("training: no %s line for %q", in.Kind, sc.ID)
		}
		parts = append(parts, ls[rng.IntN(len(ls))])
	}
	return strings.Join(parts, " "), nil
}

func levelOf(anger int) analyze.Level {
	switch {
	case anger >= 85:
		return analyze.Furious
	case anger >= 65:
		return analyze.Angry
	case anger >= 40:
		return analyze.Annoyed
	}
	return analyze.Calm
}

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }
