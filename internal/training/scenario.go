// Package training is calmdesk's role-play simulator: a library of
// scenarios (angry customers written down as data, like the playbook) and a
// simulated customer whose anger, trust and answered concerns move with the
// coach's review of each trainee reply. It is pure like analyze and coach:
// no I/O, no clock, and every choice it makes comes from the session's seed,
// so a session replays the same way from its seed and replies.
package training

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Temperaments a persona can have; each has default lines in the library.
var Temperaments = []string{"venting", "sarcastic", "threatening", "terse", "vulnerable", "repeat"}

// Persona is who the simulated customer is.
type Persona struct {
	Name        string `json:"name"`
	Tier        string `json:"tier"`        // "standard", "gold", "business", …
	Temperament string `json:"temperament"` // one of Temperaments
}

// Concern is one thing the customer needs answered. The reply answers it
// when it contains one of the cues (case-insensitive whole words; a
// trailing * matches any ending).
type Concern struct {
	ID   string   `json:"id"`
	Ask  string   `json:"ask"` // what the customer says when it goes unanswered
	Cues []string `json:"cues"`
}

// Lines are what the customer says, by intent. Empty lists fall back to
// the temperament's lines.
type Lines struct {
	Soften    []string `json:"soften,omitempty"`     // anger fell
	PushBack  []string `json:"push_back,omitempty"`  // anger rose
	NeedTime  []string `json:"need_time,omitempty"`  // no concrete time yet
	NeedSorry []string `json:"need_sorry,omitempty"` // no apology yet
	Manager   []string `json:"manager,omitempty"`    // escalated
	Leave     []string `json:"leave,omitempty"`      // lost
	Resolved  []string `json:"resolved,omitempty"`   // resolved
}

// Scenario is one practice customer.
type Scenario struct {
	ID         string  `json:"id"`
	Title      string  `json:"title"`
	Industry   string  `json:"industry"`
	Family     string  `json:"family"` // the kind of trouble: delivery, billing, outage, …
	Difficulty string  `json:"difficulty"`
	Persona    Persona `json:"persona"`
	Opening    string  `json:"opening"`
	// Concerns must all be answered for the customer to be satisfied.
	Concerns []Concern `json:"concerns"`
	// Satisfies are the method steps the customer needs to hear at least
	// once before calming down ("apology", "action", "expectation", …).
	Satisfies []string `json:"satisfies"`
	// Inflames are the coach's pitfall rules this customer reacts to most
	// ("blame", "minimizing", "vague_timing", "deflection", …); every other
	// pitfall still angers, less.
	Inflames []string `json:"inflames"`
	// Anger is where the customer starts (0-100); EscalateAt is the anger
	// at which they demand a manager; CalmAt the anger under which, with
	// every concern answered, they are satisfied.
	Anger      int `json:"anger"`
	EscalateAt int `json:"escalate_at"`
	CalmAt     int `json:"calm_at"`
	// TurnLimit is how many replies the customer waits for.
	TurnLimit int   `json:"turn_limit"`
	Lines     Lines `json:"lines"`
	// Source says where the scenario came from: "built-in" or "case".
	Source string `json:"source,omitempty"`
	// Version counts the edits of a scenario kept by the desk (from a
	// case); built-ins carry the library's version instead.
	Version int `json:"version,omitempty"`
}

// Library is the versioned scenario collection.
type Library struct {
	Version   string           `json:"version"`
	Voices    map[string]Lines `json:"voices"` // lines by temperament
	Scenarios []Scenario       `json:"scenarios"`
}

//go:embed scenarios.json
var builtinJSON []byte

var (
	builtinOnce sync.Once
	builtin     *Library
	builtinErr  error
)

// Builtin returns the embedded library. It panics if the embedded data is
// broken, which the package's tests rule out.
func Builtin() *Library {
	builtinOnce.Do(func() { builtin, builtinErr = Parse(builtinJSON) })
	if builtinErr != nil {
		panic(builtinErr)
	}
	return builtin
}

// ErrUnknownScenario is returned for a scenario id the library lacks.
var ErrUnknownScenario = errors.New("training: no such scenario")

// Parse reads and validates a library.
func Parse(data []byte) (*Library, error) {
	var lib Library
	if err := json.Unmarshal(data, &lib); err != nil {
		return nil, fmt.Errorf("training: parse library: %w", err)
	}
	if err := lib.Validate(); err != nil {
		return nil, err
	}
	return &lib, nil
}

// Scenario returns the scenario with the id.
func (l *Library) Scenario(id string) (Scenario, error) {
	for _, s := range l.Scenarios {
		if s.ID == id {
			return s, nil
		}
	}
	return Scenario{}, fmt.Errorf("%w: %q", ErrUnknownScenario, id)
}

// Validate checks the library: unique ids, known temperaments, sane
// thresholds, every concern with cues, every voice complete.
func (l *Library) Validate() error {
	var errs []error
	for _, t := range Temperaments {
		v, ok := l.Voices[t]
		if !ok || len(v.Soften) == 0 || len(v.PushBack) == 0 || len(v.NeedTime) == 0 || len(v.NeedSorry) == 0 ||
			len(v.Manager) == 0 || len(v.Leave) == 0 || len(v.Resolved) == 0 {
			errs = append(errs, fmt.Errorf("voice %q: every kind of line is needed", t))
		}
	}
	seen := map[string]bool{}
	for _, s := range l.Scenarios {
		if err := s.Validate(); err != nil {
			errs = append(errs, err)
		}
		if seen[s.ID] {
			errs = append(errs, fmt.Errorf("scenario %q: duplicate id", s.ID))
		}
		seen[s.ID] = true
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("training: invalid library: %w", err)
	}
	return nil
}

// Validate checks one scenario.
func (s Scenario) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("scenario %q: "+format, append([]any{s.ID}, a...)...))
	}
	if s.ID == "" || s.Title == "" || s.Industry == "" || s.Opening == "" {
		bad("id, title, industry and opening are required")
	}
	if !slices.Contains(Temperaments, s.Persona.Temperament) {
		bad("unknown temperament %q", s.Persona.Temperament)
	}
	if !(0 <= s.CalmAt && s.CalmAt < s.Anger && s.Anger < s.EscalateAt && s.EscalateAt <= 100) {
		bad("want 0 <= calm_at < anger < escalate_at <= 100")
	}
	if s.TurnLimit < 1 || s.TurnLimit > 12 {
		bad("turn_limit must be 1-12")
	}
	if len(s.Concerns) == 0 {
		bad("at least one concern")
	}
	for _, c := range s.Concerns {
		if c.ID == "" || c.Ask == "" || len(c.Cues) == 0 {
			bad("concern %q needs an id, an ask and cues", c.ID)
		}
	}
	return errors.Join(errs...)
}

// cueRE compiles the cues of a concern into one word-bounded pattern.
var cueCache sync.Map // string -> *regexp.Regexp

func cueRE(cues []string) *regexp.Regexp {
	key := strings.Join(cues, "\x00")
	if re, ok := cueCache.Load(key); ok {
		return re.(*regexp.Regexp)
	}
	parts := make([]string, 0, len(cues))
	for _, c := range cues {
		c = strings.ToLower(strings.TrimSpace(c))
		star := strings.HasSuffix(c, "*")
		c = strings.TrimSuffix(c, "*")
		p := regexp.QuoteMeta(c)
		p = strings.ReplaceAll(p, " ", `\s+`)
		if star {
			p += `\w*`
		}
		parts = append(parts, p)
	}
	re := regexp.MustCompile(`(?i)\b(?:` + strings.Join(parts, "|") + `)\b`)
	cueCache.Store(key, re)
	return re
}

// Answers reports whether text answers the concern, and where.
func (c Concern) Answers(text string) (start, end int, ok bool) {
	loc := cueRE(c.Cues).FindStringIndex(text)
	if loc == nil {
		return 0, 0, false
	}
	return loc[0], loc[1], true
}

// lines returns the scenario's lines of one kind, or the voice's.
func (l *Library) lines(s Scenario, pick func(Lines) []string) []string {
	if ls := pick(s.Lines); len(ls) > 0 {
		return ls
	}
	return pick(l.Voices[s.Persona.Temperament])
}
