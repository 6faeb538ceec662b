package training

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// CaseSource is what a real case gives a scenario: the customer's messages
// before the first answer, the concerns the analyzer found in them, and the
// names to scrub. The caller (the desk) fills it; this package scrubs it.
type CaseSource struct {
	CaseID       int64
	Subject      string
	Category     string
	CustomerName string
	Tier         string
	// OtherNames are other people who may be named (agents, supervisors).
	OtherNames []string
	// Messages are the customer's messages, oldest first.
	Messages []string
	// Concerns are the analyzer's concerns (problems, requests, questions)
	// in those messages.
	Concerns []string
	Anger    int
	Signals  []string // analyzer signal kinds
}

// FromCase drafts a scenario from a real case with its personal data
// replaced by consistent fakes. A person reviews the draft (its concerns'
// cues above all) before anyone practises on it.
func FromCase(c CaseSource) (Scenario, error) {
	if len(c.Messages) == 0 {
		return Scenario{}, fmt.Errorf("training: case %d has no customer message to build a scenario from", c.CaseID)
	}
	s := NewScrubber(append([]string{c.CustomerName}, c.OtherNames...)...)
	fakeName := "Avery Quill"
	if strings.TrimSpace(c.CustomerName) != "" {
		fakeName = s.FakeName(c.CustomerName)
	}
	msgs := c.Messages
	if len(msgs) > 3 {
		msgs = msgs[:3]
	}
	opening := s.Scrub(strings.Join(msgs, "\n\n"))
	anger := clamp(c.Anger, 45, 90)
	sc := Scenario{
		ID:         fmt.Sprintf("case-%d", c.CaseID),
		Title:      s.Scrub(c.Subject),
		Industry:   "from a case",
		Family:     c.Category,
		Difficulty: difficultyOf(anger),
		Persona:    Persona{Name: fakeName, Tier: c.Tier, Temperament: temperamentOf(c, msgs)},
		Opening:    opening,
		Satisfies:  []string{"apology", "action", "expectation"},
		Inflames:   []string{"blame", "minimizing", "deflection", "vague_timing"},
		Anger:      anger,
		EscalateAt: min(100, anger+25),
		CalmAt:     min(45, anger-10),
		TurnLimit:  5,
		Source:     "case",
	}
	if sc.Title == "" {
		sc.Title = "A real case"
	}
	if sc.Persona.Tier == "" {
		sc.Persona.Tier = "standard"
	}
	if sc.Family == "" {
		sc.Family = "general"
	}
	for i, text := range c.Concerns {
		ask := s.Scrub(strings.TrimSpace(text))
		cues := cuesOf(ask)
		if ask == "" || len(cues) == 0 {
			continue
		}
		sc.Concerns = append(sc.Concerns, Concern{ID: fmt.Sprintf("concern-%d", i+1), Ask: ask, Cues: cues})
	}
	if len(sc.Concerns) == 0 {
		sc.Concerns = []Concern{{ID: "fix", Ask: "So what are you going to do about it?", Cues: []string{"refund*", "replac*", "fix*", "arrang*", "sort*"}}}
	}
	return sc, sc.Validate()
}

func difficultyOf(anger int) string {
	switch {
	case anger >= 80:
		return "hard"
	case anger >= 60:
		return "medium"
	}
	return "easy"
}

func temperamentOf(c CaseSource, msgs []string) string {
	has := func(k string) bool { return slices.Contains(c.Signals, k) }
	words := len(strings.Fields(strings.Join(msgs, " ")))
	switch {
	case has("vulnerable_customer"):
		return "vulnerable"
	case has("legal_threat") || has("chargeback") || has("regulator_complaint") || has("public_exposure"):
		return "threatening"
	case has("repeat_contact"):
		return "repeat"
	case words < 15:
		return "terse"
	}
	return "venting"
}

// cueStop are words too common to tell whether a reply answers a concern.
var cueStop = map[string]bool{
	"about": true, "again": true, "after": true, "still": true, "their": true, "there": true, "these": true, "thing": true,
	"which": true, "would": true, "could": true, "should": true, "really": true, "every": true, "being": true, "where": true,
	"because": true, "since": true, "anyone": true, "nobody": true, "someone": true, "answer": true, "answered": true,
	"please": true, "today": true, "times": true, "third": true, "write": true, "writing": true, "email": true, "emails": true,
	"person": true, "example": true, "without": true, "otherwise": true, "anyway": true, "nothing": true, "something": true, "always": true, "speak": true, "street": true, "link": true, "want": true, "wants": true, "asking": true, "never": true,
}

// cuesOf picks the content words of a concern as cues, cut to a stem so
// "charged" matches "charge" and "charging"; the reviewing supervisor adds
// the words an answer would use ("refund" for "charged twice").
func cuesOf(text string) []string {
	var cues []string
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '\'' }) {
		w = strings.Trim(w, "'")
		if len(w) < 5 || cueStop[w] || strings.ContainsRune(w, '\'') {
			continue
		}
		stem := w
		if len(stem) > 6 {
			stem = stem[:6]
		}
		cue := stem + "*"
		if !slices.Contains(cues, cue) {
			cues = append(cues, cue)
		}
		if len(cues) == 4 {
			break
		}
	}
	return cues
}
