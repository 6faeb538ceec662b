// Package coach reviews an agent's reply to an upset customer against the
// de-escalation method in package playbook, before it is sent: which steps
// of the method it takes, which pitfalls will make the customer angrier
// (with byte spans and rewrites), which of the customer's concerns it
// answers, and which promises it makes, with due times computed on the
// business calendar. It also drafts a reply that follows the method.
//
// The package is pure: no clock, no I/O, no randomness. The caller passes
// the time the reply will be sent and the calendar to count in.
package coach

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/calendar"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// MaxReplyBytes is the longest reply Review reads. Replies are written by
// people; anything longer is a paste accident or an attack.
const MaxReplyBytes = 64 << 10

// Errors Review and Draft return.
var (
	ErrEmptyReply    = errors.New("coach: the reply is empty")
	ErrReplyTooLong  = fmt.Errorf("coach: the reply is longer than %d bytes", MaxReplyBytes)
	ErrBadPlaybook   = errors.New("coach: the playbook cannot be compiled")
	ErrNoResolutions = errors.New("coach: the category has no resolution options")
)

// Context is what the coach knows about the case besides the reply.
type Context struct {
	// CustomerName is the customer's name as they sign ("Dana Reyes"); the
	// greeting should use the first name.
	CustomerName string
	// Readings are the analyses of the customer's latest messages (the ones
	// this reply answers), oldest first.
	Readings []analyze.Reading
	// Category is the case category ("billing"); it picks the resolution
	// options of a draft.
	Category string
	// SentAt is when the reply will be sent; due times count from it. The
	// zero time leaves due times unset.
	SentAt time.Time
	// Calendar is the business calendar in the customer's time zone. The
	// zero Calendar means calendar.Default().
	Calendar calendar.Calendar
	// VentingWave is true when the customer sent several angry messages in
	// a row before anyone answered: acknowledgement weighs more.
	VentingWave bool
	// Level overrides the anger level read from Readings; with neither,
	// the coach assumes "annoyed".
	Level analyze.Level
	// AgentName signs drafts.
	AgentName string
	// Entities are the facts the case's customer messages name (order and
	// account numbers first), newest first; the coach also reads those of
	// Readings. Rewrites use them ("for order 4471").
	Entities []analyze.Entity
}

// Review is the coach's verdict on one reply. Its JSON names are part of the
// public API contract. All offsets are byte offsets into the reply. A
// finding about something missing (missing_apology, no_action, …) has
// Start == End == 0, except no_expectation and acknowledge_first, which
// point at the promise or the opening they are about.
type Review struct {
	Score     int       `json:"score"` // 0-100
	Ready     bool      `json:"ready"` // no error-level finding
	Language  string    `json:"language"`
	Supported bool      `json:"supported"` // false: the language is not read, nothing was judged
	Level     string    `json:"level"`     // the customer's anger level the review assumed
	Steps     []Step    `json:"steps"`
	ASAP      ASAP      `json:"asap"`
	Findings  []Finding `json:"findings"`
	Concerns  []Concern `json:"concerns"`
	// ConcernCoverage counts the concerns the reply answers.
	ConcernCoverage Coverage  `json:"concern_coverage"`
	Promises        []Promise `json:"commitments"`
	Playbook        string    `json:"playbook"` // the playbook version used
}

// Coverage is how many of the customer's concerns the reply answers.
type Coverage struct {
	Addressed int `json:"addressed"`
	Total     int `json:"total"`
}

// Step says whether the reply takes one step of the method, and where.
type Step struct {
	ID       string `json:"id"`
	Done     bool   `json:"done"`
	Required bool   `json:"required"` // expected at this anger level
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

// ASAP is the acronym view: Apologize, Sympathize, Accept responsibility,
// Prepare to act.
type ASAP struct {
	Apologize            bool `json:"apologize"`
	Sympathize           bool `json:"sympathize"`
	AcceptResponsibility bool `json:"accept_responsibility"`
	PrepareToAct         bool `json:"prepare_to_act"`
}

// Finding is one pitfall or missing step.
type Finding struct {
	Rule     string            `json:"rule"`
	Severity playbook.Severity `json:"severity"`
	Start    int               `json:"start"`
	End      int               `json:"end"`
	Text     string            `json:"text,omitempty"` // the reply's words at Start:End
	Message  string            `json:"message"`
	// Hint is advice for the agent ("Give a date or a duration"): shown,
	// never inserted into the reply.
	Hint string `json:"hint"`
	// Suggestion is Hint under its older name, kept for API clients.
	Suggestion string `json:"suggestion"`
	// Rewrite, when the coach can write it, is customer-facing text that
	// replaces the reply's words at RewriteStart:RewriteEnd (which cover
	// Start:End, sometimes the whole clause; for a missing step they are
	// equal, after the greeting: the text is inserted there): the case's
	// real facts, no instruction, no placeholder. Empty: there is nothing
	// to insert, only the hint.
	Rewrite      string `json:"rewrite,omitempty"`
	RewriteStart int    `json:"rewrite_start"`
	RewriteEnd   int    `json:"rewrite_end"`

	concernEcho string // an ignored concern repeated back, for its rewrite
}

// Concern is one of the customer's points and whether the reply answers it.
// Kind is the analyzer's (problem, request, question, expectation,
// feeling), refined: a sentence of pure feeling is "feeling", and a threat
// (chargeback, lawyer, going public) is "threat", answered by the fix.
type Concern struct {
	Kind       string `json:"kind"`
	Text       string `json:"text"`
	Paraphrase string `json:"paraphrase,omitempty"`
	Message    int    `json:"message"` // index into Context.Readings
	Addressed  bool   `json:"addressed"`
	Start      int    `json:"start"` // where the reply answers it
	End        int    `json:"end"`
}

// Promise is a promise the reply makes.
type Promise struct {
	Action  string     `json:"action"`
	Amount  string     `json:"amount,omitempty"` // "59.90 USD"
	DueAt   *time.Time `json:"due_at"`           // RFC 3339; null when vague or when SentAt is unknown
	DueText string     `json:"due_text,omitempty"`
	Vague   bool       `json:"vague"` // no concrete time given
	Start   int        `json:"start"`
	End     int        `json:"end"`
	// Prompt asks the agent for a time when the promise has none ("When
	// will you do this? Give the customer a date."), and Rewrite is the
	// promise's words with the due date the case's calendar gives, to
	// replace Start:End. Both are empty for a promise with a time.
	Prompt  string `json:"prompt,omitempty"`
	Rewrite string `json:"rewrite,omitempty"`
}

// VentingWaveLength is how many unanswered customer messages make a
// venting wave, when most of them are angry.
const VentingWaveLength = 3

// VentingWave reports whether the customer's unanswered messages (oldest
// first) form a venting wave: at least VentingWaveLength of them, and more
// than half angry. The caller sets Context.VentingWave from it.
func VentingWave(unanswered []analyze.Reading) bool {
	angry := 0
	for _, r := range unanswered {
		if r.Angry {
			angry++
		}
	}
	return len(unanswered) >= VentingWaveLength && 2*angry > len(unanswered)
}

// owner kinds of compiled patterns.
const (
	ownStep = iota
	ownStepExcept
	ownRule
	ownRuleExcept
	ownVocab
)

type owner struct {
	kind int
	id   string
}

// Coach reviews and drafts replies with one playbook. It is safe for
// concurrent use.
type Coach struct {
	pb     *playbook.Playbook
	err    error
	m      matcher
	owners []owner
	// ownerKeys are the reply model's feature keys of each owner's cues
	// matching (0: not a feature).
	ownerKeys []uint64
	// owner index by kind and id
	index map[owner]int

	actionVerbs, weakVerbs, feelings wordSet
	acronyms                         map[string]bool
	jargonLabels                     map[string]bool
	english                          map[string]bool
	concepts                         map[string]string
	stepByID                         map[string]*playbook.Step
	ruleByID                         map[string]*playbook.Rule
	rewrites                         map[[2]int]string // (owner, cue) -> rewrite template
	// instructions are the first words of the playbook's hints: reply text
	// that starts like one is advice pasted in, not words for the customer.
	instructions [][][]string // first word's id -> the words that open a hint
	// keywordCats: a category keyword -> the categories (by index) it names.
	keywordCats map[string][]int

	// model decides the steps and pitfalls it has labels for; nil leaves
	// every decision to the rules.
	model *scorer

	memo     sync.Map // concern text -> textInfo
	memoSize atomic.Int64
	// wordMemo: concern text -> its words, for guessing the category.
	wordMemo     sync.Map
	wordMemoSize atomic.Int64
}

// New compiles a playbook into a coach with the embedded reply model
// (DefaultModel); nil means playbook.Default(). A playbook whose patterns
// do not compile makes every call return an error wrapping ErrBadPlaybook.
func New(pb *playbook.Playbook) *Coach { return NewWithModel(pb, DefaultModel()) }

// NewWithModel is New with another reply model; a nil model leaves every
// decision to the playbook's rules.
func NewWithModel(pb *playbook.Playbook, m *Model) *Coach {
	if pb == nil {
		pb = playbook.Default()
	}
	c := &Coach{pb: pb, model: newScorer(m), index: map[owner]int{}, rewrites: map[[2]int]string{},
		stepByID: map[string]*playbook.Step{}, ruleByID: map[string]*playbook.Rule{}}
	if err := pb.Validate(); err != nil {
		c.err = fmt.Errorf("%w: %w", ErrBadPlaybook, err)
		return c
	}
	if err := c.compile(); err != nil {
		c.err = fmt.Errorf("%w: %w", ErrBadPlaybook, err)
	}
	return c
}

// Playbook returns the playbook the coach uses.
func (c *Coach) Playbook() *playbook.Playbook { return c.pb }

func (c *Coach) ownerID(kind int, id string) int {
	o := owner{kind, id}
	if i, ok := c.index[o]; ok {
		return i
	}
	c.owners = append(c.owners, o)
	c.index[o] = len(c.owners) - 1
	return len(c.owners) - 1
}

func (c *Coach) addCues(kind int, id string, cues []string) error {
	o := c.ownerID(kind, id)
	var errs []error
	for i, s := range cues {
		p, rewrite := playbook.Cue(s)
		if err := c.m.add(p, o, i); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
			continue
		}
		if rewrite != "" {
			c.rewrites[[2]int{o, i}] = rewrite
		}
	}
	return errors.Join(errs...)
}

func (c *Coach) compile() error {
	pb := c.pb
	var errs []error
	for i := range pb.Steps {
		s := &pb.Steps[i]
		c.stepByID[s.ID] = s
		errs = append(errs, c.addCues(ownStep, s.ID, s.Cues), c.addCues(ownStepExcept, s.ID, s.Except))
	}
	for i := range pb.Rules {
		r := &pb.Rules[i]
		c.ruleByID[r.ID] = r
		errs = append(errs, c.addCues(ownRule, r.ID, r.Cues), c.addCues(ownRuleExcept, r.ID, r.Except))
	}
	for _, name := range []string{"commitment_first_person", "commitment_other", "commitment_except", "action_frames"} {
		errs = append(errs, c.addCues(ownVocab, name, pb.Vocabulary[name]))
	}
	// signal_* lists are evidence for the reply model only ("cue:vocab:"
	// features): wordings of real support replies that lean towards a
	// label (short empathy, sending the customer elsewhere, policy, polite
	// corrections, cheer, templates) but decide nothing on their own.
	errs = append(errs, c.addSignalCues()...)
	if err := errors.Join(errs...); err != nil {
		return err
	}
	c.ownerKeys = make([]uint64, len(c.owners))
	for o, ow := range c.owners {
		switch ow.kind {
		case ownStep:
			c.ownerKeys[o] = nameKey2("cue:step:", ow.id)
		case ownRule:
			c.ownerKeys[o] = nameKey2("cue:rule:", ow.id)
		case ownVocab:
			c.ownerKeys[o] = nameKey2("cue:vocab:", ow.id)
		}
	}
	c.actionVerbs = newWordSet(pb.Vocabulary["action_verbs"])
	c.weakVerbs = newWordSet(pb.Vocabulary["weak_verbs"])
	c.feelings = newWordSet(pb.Vocabulary["feelings"])
	c.acronyms = boolSet(pb.Vocabulary["acronyms"])
	c.jargonLabels = boolSet(pb.Vocabulary["jargon_labels"])
	c.english = boolSet(pb.Vocabulary["english"])
	c.concepts = map[string]string{}
	for _, kv := range pb.Vocabulary["concepts"] {
		if k, v, ok := strings.Cut(kv, "="); ok {
			c.concepts[k] = v
			id := c.m.mark(k, fConcept)
			c.m.concept[id] = v
		}
	}
	for w := range c.english {
		c.m.mark(w, fStop)
	}
	for w, stop := range generic {
		if stop {
			c.m.mark(w, fStop)
		}
	}
	for _, set := range []map[string]bool{timeStarts} {
		for w := range set {
			c.m.mark(w, fTime)
		}
	}
	for w := range weekdays {
		c.m.mark(w, fTime)
	}
	for w := range months {
		c.m.mark(w, fTime)
	}
	c.compileInstructions()
	c.keywordCats = map[string][]int{}
	for ci, cat := range pb.Categories {
		if ci >= maxGuessCategories {
			break
		}
		for _, k := range cat.Keywords {
			k = strings.ToLower(k)
			if !slices.Contains(c.keywordCats[k], ci) {
				c.keywordCats[k] = append(c.keywordCats[k], ci)
			}
		}
	}
	return nil
}

// wordSet is a list of words and word prefixes ("refund*").
type wordSet struct {
	words    map[string]bool
	prefixes []string
}

func newWordSet(words []string) wordSet {
	e := wordSet{words: map[string]bool{}}
	for _, w := range words {
		w = strings.ToLower(w)
		if p, ok := strings.CutSuffix(w, "*"); ok {
			e.prefixes = append(e.prefixes, p)
		} else {
			e.words[w] = true
		}
	}
	return e
}

// has reports whether the token's word is in the set.
func (e wordSet) has(t *tok) bool {
	if t.kind != kWord {
		return false
	}
	if e.words[t.norm] {
		return true
	}
	for _, p := range e.prefixes {
		if strings.HasPrefix(t.norm, p) {
			return true
		}
	}
	return false
}

func boolSet(words []string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[strings.ToLower(w)] = true
	}
	return m
}

// level is the anger level the review assumes.
func level(ctx Context) string {
	if ctx.Level != "" && playbook.LevelIndex(string(ctx.Level)) >= 0 {
		return string(ctx.Level)
	}
	best := -1
	for _, r := range ctx.Readings {
		if !r.Supported && r.Level == "" {
			continue
		}
		l := playbook.LevelIndex(string(r.Level))
		if l < 0 {
			l = playbook.LevelIndex(string(analyze.LevelOf(r.Anger)))
		}
		if l > best {
			best = l
		}
	}
	if best < 0 {
		return "annoyed"
	}
	return playbook.Levels[best]
}

func (ctx Context) calendar() calendar.Calendar {
	cal := ctx.Calendar
	if len(cal.Workdays) == 0 && cal.Open == 0 && cal.Close == 0 {
		def := calendar.Default()
		if cal.Location != nil {
			def.Location = cal.Location
		}
		def.Holidays = cal.Holidays
		return def
	}
	if cal.Location == nil {
		cal.Location = time.UTC
	}
	return cal
}
