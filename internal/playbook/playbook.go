// Package playbook is calmdesk's de-escalation method written down as data:
// the steps of a good reply, the pitfalls the coach looks for (with their
// rule ids, severities and suggested rewrites), the cue phrases that
// recognise them, the phrase bank drafts are built from and the resolution
// options of each case category. Code, tests and the UI refer to steps and
// rules by id; the wording lives here, versioned, so it can be edited
// without touching the engines.
package playbook

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Severity is how much a finding matters. The empty severity means "do not
// report".
type Severity string

// Severities, from least to most serious.
const (
	None    Severity = ""
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

// Rank orders severities: None 0, Info 1, Warning 2, Error 3.
func (s Severity) Rank() int {
	switch s {
	case Info:
		return 1
	case Warning:
		return 2
	case Error:
		return 3
	}
	return 0
}

// Raise returns the severity one rank higher (Error stays Error, None stays None).
func (s Severity) Raise() Severity {
	switch s {
	case Info:
		return Warning
	case Warning, Error:
		return Error
	}
	return None
}

// Levels are the customer's anger bands, in the order Scale indexes them.
// They are the analyzer's levels.
var Levels = []string{"calm", "annoyed", "angry", "furious"}

// LevelIndex returns the position of level in Levels, or -1.
func LevelIndex(level string) int {
	for i, l := range Levels {
		if l == level {
			return i
		}
	}
	return -1
}

// Scale gives a severity for each anger level of the customer: a missing
// apology to a furious customer is an error, to a calm question nothing.
type Scale struct {
	Calm    Severity `json:"calm"`
	Annoyed Severity `json:"annoyed"`
	Angry   Severity `json:"angry"`
	Furious Severity `json:"furious"`
}

// At returns the severity for an anger level; unknown levels read as annoyed.
func (s Scale) At(level string) Severity {
	switch level {
	case "calm":
		return s.Calm
	case "angry":
		return s.Angry
	case "furious":
		return s.Furious
	}
	return s.Annoyed
}

// Step is one thing a good reply does.
type Step struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// ASAP is the letter of the Apologize–Sympathize–Accept responsibility–
	// Prepare to act view this step belongs to, if any.
	ASAP string `json:"asap,omitempty"`
	// Weight is the step's share of the score.
	Weight int `json:"weight"`
	// RequiredFrom is the lowest anger level at which the reply must do the
	// step ("calm": always).
	RequiredFrom string `json:"required_from"`
	Description  string `json:"description"`
	// Cues recognise the step in a reply; Except cancels a cue it overlaps.
	// Steps recognised by structure (concerns, action, expectation) need none.
	Cues   []string `json:"cues,omitempty"`
	Except []string `json:"except,omitempty"`
}

// Rule is a pitfall or a missing step the coach reports.
type Rule struct {
	ID string `json:"id"`
	// Kind is "pitfall" (something said), "missing" (something not said)
	// or "advice".
	Kind       string `json:"kind"`
	Step       string `json:"step,omitempty"` // the method step it works against
	Severity   Scale  `json:"severity"`
	Message    string `json:"message"`
	Suggestion string `json:"suggestion"`
	// Cues are phrase patterns (see package coach for the syntax). A cue may
	// carry its own rewrite after " => ".
	Cues   []string `json:"cues,omitempty"`
	Except []string `json:"except,omitempty"`
}

// Cue splits a cue into its pattern and its specific rewrite, if any. A
// rewrite is words for the customer, never an instruction: alternatives
// separated by " || " (the first whose facts are all known is used), facts
// in braces (RewriteFacts). A rewrite that is a whole sentence (it ends in
// . ! or ?) replaces the clause the cue is in; a phrase replaces the cue's
// words.
func Cue(s string) (pattern, rewrite string) {
	p, r, _ := strings.Cut(s, "=>")
	return strings.TrimSpace(p), strings.TrimSpace(r)
}

// RewriteFacts are the facts a rewrite may name: the customer's first
// name, the order (or account) number the customer gave, the due date the
// calendar gives for the category ("Tuesday 8 December"), that window in
// business days ("3 business days"), the customer's problem as a clause
// ("we charged you twice for order 4471") and the agent's name.
var RewriteFacts = []string{"name", "order", "due", "days", "problem", "agent"}

// CheckRewrite reports why a rewrite is not words a customer can be sent:
// an unknown fact, an ellipsis, or a bracketed placeholder or stage
// direction ("<date>", "(leave it out)").
func CheckRewrite(rewrite string) error {
	for _, alt := range strings.Split(rewrite, "||") {
		alt = strings.TrimSpace(alt)
		if alt == "" {
			return errors.New("empty alternative")
		}
		if strings.Contains(alt, "…") || strings.Contains(alt, "...") {
			return fmt.Errorf("%q holds an ellipsis", alt)
		}
		if strings.ContainsAny(alt, "<>()[]") {
			return fmt.Errorf("%q holds a bracketed placeholder or direction", alt)
		}
		rest := alt
		for {
			i := strings.IndexByte(rest, '{')
			if i < 0 {
				break
			}
			j := strings.IndexByte(rest[i:], '}')
			if j < 0 {
				return fmt.Errorf("%q: unclosed {", alt)
			}
			name := rest[i+1 : i+j]
			known := false
			for _, f := range RewriteFacts {
				known = known || f == name
			}
			if !known {
				return fmt.Errorf("%q: unknown fact {%s}", alt, name)
			}
			rest = rest[i+j+1:]
		}
		if strings.Contains(rest, "}") {
			return fmt.Errorf("%q: stray }", alt)
		}
	}
	return nil
}

// Phrase is one way of saying a part of a drafted reply. Placeholders:
// {name}, {concern}, {action}, {due}, {agent}.
type Phrase struct {
	Text string `json:"text"`
	// Levels restricts the phrase to some anger levels; empty means all.
	Levels []string `json:"levels,omitempty"`
}

// For reports whether the phrase may be used at an anger level.
func (p Phrase) For(level string) bool {
	if len(p.Levels) == 0 {
		return true
	}
	for _, l := range p.Levels {
		if l == level {
			return true
		}
	}
	return false
}

// Option is one way of resolving a case of a category.
type Option struct {
	ID string `json:"id"`
	// Offer is the action as the agent would promise it ("refund the
	// duplicate charge"), to follow "I will".
	Offer string `json:"offer"`
	// BusinessDays is how long the option usually takes.
	BusinessDays int `json:"business_days"`
}

// Category is a case category and its resolution options.
type Category struct {
	ID      string   `json:"id"`
	Aliases []string `json:"aliases,omitempty"`
	// Keywords recognise the category in the customer's words when the
	// case has none ("refund", "charged").
	Keywords []string `json:"keywords,omitempty"`
	Options  []Option `json:"options"`
}

// Limits are the thresholds of the structural rules.
type Limits struct {
	MaxWords          int `json:"max_words"`           // whole reply
	MaxParagraphWords int `json:"max_paragraph_words"` // one paragraph
	MaxSentenceWords  int `json:"max_sentence_words"`  // one sentence
}

// Playbook is the whole method. Treat it as read-only once loaded: the
// coach compiles it once.
type Playbook struct {
	Version string `json:"version"`
	Steps   []Step `json:"steps"`
	Rules   []Rule `json:"rules"`
	// Vocabulary holds word lists the engines use by name: action_verbs,
	// acronyms, jargon_labels, english, concepts (as "word=concept").
	Vocabulary map[string][]string `json:"vocabulary"`
	Phrases    map[string][]Phrase `json:"phrases"`
	Categories []Category          `json:"categories"`
	Limits     Limits              `json:"limits"`
	// Penalties are the points a finding of each severity costs the score.
	Penalties map[Severity]int `json:"penalties"`
}

// Step ids, the API contract.
const (
	StepGreeting    = "greeting"
	StepEmpathy     = "empathy"
	StepApology     = "apology"
	StepConcerns    = "concerns"
	StepOwnership   = "ownership"
	StepAction      = "action"
	StepExpectation = "expectation"
	StepFollowUp    = "follow_up"
	StepThanks      = "thanks"
)

// Rule ids, the API contract.
const (
	RuleBlame               = "blame"
	RuleDeflection          = "deflection"
	RuleMinimizing          = "minimizing"
	RuleArguing             = "arguing"
	RuleNonApology          = "non_apology"
	RuleVagueTiming         = "vague_timing"
	RuleOverpromise         = "overpromise"
	RuleShouting            = "shouting"
	RuleSarcasm             = "sarcasm"
	RuleJargon              = "jargon"
	RuleWallOfText          = "wall_of_text"
	RuleRobotic             = "robotic"
	RuleMissingApology      = "missing_apology"
	RuleMissingEmpathy      = "missing_empathy"
	RuleIgnoredConcern      = "ignored_concern"
	RuleNoAction            = "no_action"
	RuleNoExpectation       = "no_expectation"
	RuleAcknowledgeFirst    = "acknowledge_first"
	RuleUnsupportedLanguage = "unsupported_language"
	RulePlaceholder         = "placeholder"
)

// StepIDs lists the step ids in the order a reply does them.
var StepIDs = []string{StepGreeting, StepEmpathy, StepApology, StepConcerns, StepOwnership, StepAction, StepExpectation, StepFollowUp, StepThanks}

// RuleIDs lists every rule id the engines may report.
var RuleIDs = []string{RuleBlame, RuleDeflection, RuleMinimizing, RuleArguing, RuleNonApology, RuleVagueTiming, RuleOverpromise, RuleShouting, RuleSarcasm, RuleJargon, RuleWallOfText, RuleRobotic, RuleMissingApology, RuleMissingEmpathy, RuleIgnoredConcern, RuleNoAction, RuleNoExpectation, RuleAcknowledgeFirst, RuleUnsupportedLanguage, RulePlaceholder}

//go:embed default.json
var defaultJSON []byte

var (
	defaultOnce sync.Once
	defaultPB   *Playbook
	defaultErr  error
)

// Default is the playbook calmdesk ships with. It panics if the embedded
// playbook is broken, which its tests rule out.
func Default() *Playbook {
	defaultOnce.Do(func() { defaultPB, defaultErr = Parse(defaultJSON) })
	if defaultErr != nil {
		panic(defaultErr)
	}
	return defaultPB
}

// DefaultJSON returns the embedded playbook's text, a starting point for an
// edited copy.
func DefaultJSON() []byte { return append([]byte(nil), defaultJSON...) }

// ErrInvalid is wrapped by the errors of Parse and Validate.
var ErrInvalid = errors.New("playbook: invalid")

// Parse reads a playbook from JSON and validates it.
func Parse(data []byte) (*Playbook, error) {
	var pb Playbook
	if err := json.Unmarshal(data, &pb); err != nil {
		return nil, fmt.Errorf("playbook: parse: %w", err)
	}
	if err := pb.Validate(); err != nil {
		return nil, err
	}
	return &pb, nil
}

// Validate checks that every step and rule id the engines rely on is
// present, ids are unique and severities are known.
func (pb *Playbook) Validate() error {
	if pb.Version == "" {
		return fmt.Errorf("%w: no version", ErrInvalid)
	}
	seen := map[string]bool{}
	for _, s := range pb.Steps {
		if seen["step:"+s.ID] {
			return fmt.Errorf("%w: step %q twice", ErrInvalid, s.ID)
		}
		seen["step:"+s.ID] = true
		if LevelIndex(s.RequiredFrom) < 0 {
			return fmt.Errorf("%w: step %q: required_from %q", ErrInvalid, s.ID, s.RequiredFrom)
		}
	}
	for _, id := range StepIDs {
		if !seen["step:"+id] {
			return fmt.Errorf("%w: step %q missing", ErrInvalid, id)
		}
	}
	for _, r := range pb.Rules {
		if seen["rule:"+r.ID] {
			return fmt.Errorf("%w: rule %q twice", ErrInvalid, r.ID)
		}
		seen["rule:"+r.ID] = true
		for _, s := range []Severity{r.Severity.Calm, r.Severity.Annoyed, r.Severity.Angry, r.Severity.Furious} {
			if s != None && s.Rank() == 0 {
				return fmt.Errorf("%w: rule %q: severity %q", ErrInvalid, r.ID, s)
			}
		}
		if r.Message == "" {
			return fmt.Errorf("%w: rule %q has no message", ErrInvalid, r.ID)
		}
		for _, cue := range r.Cues {
			if _, rw := Cue(cue); rw != "" {
				if err := CheckRewrite(rw); err != nil {
					return fmt.Errorf("%w: rule %q: rewrite %v", ErrInvalid, r.ID, err)
				}
			}
		}
	}
	for _, id := range RuleIDs {
		if !seen["rule:"+id] {
			return fmt.Errorf("%w: rule %q missing", ErrInvalid, id)
		}
	}
	return nil
}

// Rule returns the rule with the id, or nil.
func (pb *Playbook) Rule(id string) *Rule {
	for i := range pb.Rules {
		if pb.Rules[i].ID == id {
			return &pb.Rules[i]
		}
	}
	return nil
}

// Step returns the step with the id, or nil.
func (pb *Playbook) Step(id string) *Step {
	for i := range pb.Steps {
		if pb.Steps[i].ID == id {
			return &pb.Steps[i]
		}
	}
	return nil
}

// Category returns the category whose id or alias is name (case-insensitive),
// falling back to "other".
func (pb *Playbook) Category(name string) *Category {
	name = strings.ToLower(strings.TrimSpace(name))
	var other *Category
	for i := range pb.Categories {
		c := &pb.Categories[i]
		if c.ID == name {
			return c
		}
		for _, a := range c.Aliases {
			if a == name {
				return c
			}
		}
		if c.ID == "other" {
			other = c
		}
	}
	return other
}
