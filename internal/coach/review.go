package coach

import (
	"fmt"
	"sort"
	"strings"

	"github.com/calmdesk/calmdesk/internal/playbook"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// doc is a reply being reviewed: its tokens, sentences, pattern matches and
// times, computed once and shared by every check.
type doc struct {
	text     string
	toks     []tok
	sents    []sentence
	sentOf   []int     // token index -> sentence index
	matches  [][]match // by owner
	times    []timeExpr
	timeSent []int // time index -> sentence index
	level    string
	ctx      *Context
	custText string // the customer's concern texts, lower-cased, for jargon
	// blanks are the spans that are not for the customer (placeholders,
	// pasted advice): the tokens are read with them blanked out.
	blanks  [][2]int
	facts   map[string]string // the case's facts for rewrites, as asked for
	cat     *playbook.Category
	catDone bool
}

// Review judges a reply in its context. It returns ErrEmptyReply and
// ErrReplyTooLong for input it will not read; every other input, HTML,
// invalid UTF-8 and other languages included, gets a Review.
//
// The rules find the evidence (cue phrases, promises, times, concerns);
// when the coach has a reply model, the model decides each step and each
// pitfall it knows from that evidence and the reply's words, and the
// rules' spans show where. A decision the rules did not make points at the
// sentence whose words weigh most for it.
func (c *Coach) Review(reply string, ctx Context) (Review, error) {
	d, rv, err := c.read(reply, ctx)
	if err != nil || d == nil {
		return rv, err
	}
	ev := c.evidence(d)
	steps, findings := ev.steps, ev.findings
	concerns, covered, coverStart, coverEnd := ev.concerns, ev.covered, ev.coverStart, ev.coverEnd
	var modelConcerns *bool
	var sc *scores
	if c.model != nil {
		ack := steps[playbook.StepEmpathy].Done || steps[playbook.StepApology].Done
		act := steps[playbook.StepAction]
		buf := featureBufs.Get().(*[]feature)
		defer func() {
			if cap(*buf) <= maxPooledFeatures {
				featureBufs.Put(buf)
			}
		}()
		*buf = c.features(d, ev, (*buf)[:0])
		sc = c.model.score(*buf)
		c.decideSteps(d, sc, steps)
		findings = c.decidePitfalls(d, sc, findings)
		// With no customer message there is nothing to answer: the step
		// stays undone and unrequired, as the rules have it.
		if on, ok := c.model.on(sc, "concern_addressed", ev.covered); ok && len(d.ctx.Readings) > 0 {
			modelConcerns = &on
		}
		// Concerns are answered by acknowledgement and by action: read them
		// again when the model's view of those differs from the rules'.
		if ack2, act2 := steps[playbook.StepEmpathy].Done || steps[playbook.StepApology].Done, steps[playbook.StepAction]; ack2 != ack || act2 != act {
			concerns, covered, coverStart, coverEnd = c.concerns(d, ack2, act2.Done, act2.Start, act2.End)
		}
	}
	st := steps[playbook.StepConcerns]
	st.Done, st.Start, st.End = covered, coverStart, coverEnd
	if modelConcerns != nil && *modelConcerns != covered {
		st.Done, st.Start, st.End = *modelConcerns, 0, 0
		if st.Done {
			st.Start, st.End = c.modelSpan(d, sc, "concern_addressed")
		}
	}
	steps[playbook.StepConcerns] = st
	rv.Concerns = concerns
	for _, cn := range concerns {
		rv.ConcernCoverage.Total++
		if cn.Addressed {
			rv.ConcernCoverage.Addressed++
		}
	}

	rv.Promises = ev.promises
	c.promptForDates(d, rv.Promises, findings)
	rv.Findings = append(rv.Findings, findings...)
	missing := c.missing(d, steps, concerns, rv.Findings, rv.Promises)
	c.insertions(d, missing)
	rv.Findings = append(rv.Findings, missing...)
	sort.SliceStable(rv.Findings, func(i, j int) bool {
		a, b := rv.Findings[i], rv.Findings[j]
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		return a.Severity.Rank() > b.Severity.Rank()
	})

	li := playbook.LevelIndex(d.level)
	total, got := 0, 0
	for _, id := range playbook.StepIDs {
		s := steps[id]
		ps := c.stepByID[id]
		s.Required = li >= playbook.LevelIndex(ps.RequiredFrom)
		if id == playbook.StepConcerns && len(concerns) == 0 {
			s.Required = false
		}
		if s.Required {
			w := ps.Weight
			if id == playbook.StepEmpathy && d.ctx.VentingWave {
				w *= 2 // after a venting wave, acknowledgement comes first
			}
			total += w
			if s.Done {
				got += w
			}
		}
		rv.Steps = append(rv.Steps, s)
	}
	rv.ASAP = ASAP{
		Apologize:            steps[playbook.StepApology].Done,
		Sympathize:           steps[playbook.StepEmpathy].Done,
		AcceptResponsibility: steps[playbook.StepOwnership].Done,
		PrepareToAct:         steps[playbook.StepAction].Done,
	}
	score := 100
	if total > 0 {
		score = 100 * got / total
	}
	rv.Ready = true
	for _, f := range rv.Findings {
		score -= c.pb.Penalties[f.Severity]
		if f.Severity == playbook.Error {
			rv.Ready = false
		}
	}
	rv.Score = min(100, max(0, score))
	return rv, nil
}

// read tokenizes a reply and prepares the review. A reply in a language the
// coach does not read gets its whole review here and a nil doc.
func (c *Coach) read(reply string, ctx Context) (*doc, Review, error) {
	if c.err != nil {
		return nil, Review{}, c.err
	}
	if len(reply) > MaxReplyBytes {
		return nil, Review{}, ErrReplyTooLong
	}
	toks := tokenize(reply)
	if countWords(toks) == 0 {
		return nil, Review{}, ErrEmptyReply
	}
	c.m.annotate(toks)
	blanks := c.placeholders(reply, toks)
	if len(blanks) > 0 {
		toks = tokenize(mask(reply, blanks))
		c.m.annotate(toks)
	}
	d := &doc{text: reply, toks: toks, sents: sentences(toks), level: level(ctx), ctx: &ctx, blanks: blanks}
	rv := Review{Language: "en", Supported: true, Level: d.level, Playbook: c.pb.Version,
		Findings: []Finding{}, Concerns: []Concern{}, Promises: []Promise{}}
	rv.Findings = append(rv.Findings, c.blankFindings(d)...)
	if countWords(toks) == 0 {
		// Nothing but placeholders: nothing to judge.
		for _, id := range playbook.StepIDs {
			rv.Steps = append(rv.Steps, Step{ID: id})
		}
		return nil, rv, nil
	}
	if lang, ok := c.language(reply, toks); !ok {
		rv.Language, rv.Supported, rv.Ready = lang, false, true
		for _, id := range playbook.StepIDs {
			rv.Steps = append(rv.Steps, Step{ID: id})
		}
		rv.Findings = append(rv.Findings, c.finding(playbook.RuleUnsupportedLanguage, playbook.Info, d, 0, 0, ""))
		return nil, rv, nil
	}
	d.sentOf = make([]int, len(toks))
	for si, s := range d.sents {
		for i := s.from; i < s.to; i++ {
			d.sentOf[i] = si
		}
		if s.to < len(toks) {
			d.sentOf[s.to] = si
		}
	}
	d.matches = c.filteredMatches(toks)
	d.times = parseTimes(toks)
	d.timeSent = make([]int, len(d.times))
	for i, t := range d.times {
		d.timeSent[i] = d.sentOf[t.from]
	}
	var b strings.Builder
	for _, r := range ctx.Readings {
		for _, cn := range r.Concerns {
			b.WriteString(strings.ToLower(cn.Text))
			b.WriteByte(' ')
		}
	}
	d.custText = b.String()
	return d, rv, nil
}

// evidence runs the rules: steps, pitfalls, concerns and promises.
func (c *Coach) evidence(d *doc) *evidence {
	ev := &evidence{steps: c.steps(d)}
	act := ev.steps[playbook.StepAction]
	ev.concerns, ev.covered, ev.coverStart, ev.coverEnd = c.concerns(d, ev.steps[playbook.StepEmpathy].Done || ev.steps[playbook.StepApology].Done, act.Done, act.Start, act.End)
	ev.promises = c.promises(d)
	ev.findings = c.pitfalls(d)
	return ev
}

// Features are the hashed features the reply model reads (map them to rows
// with Bucket): the words' (Text; each weighs 1/√len(Text) in a score) and
// the whole reply's (Whole; each weighs 1), with what the rules say of each
// of ModelLabels (Rules, in that order).
type Features struct {
	Text, Whole []uint64
	Rules       []bool
}

// Features returns the features of a reply in its context, for training.
// A reply the coach does not read (another language) has none.
func (c *Coach) Features(reply string, ctx Context) (Features, error) {
	d, _, err := c.read(reply, ctx)
	if err != nil || d == nil {
		return Features{}, err
	}
	ev := c.evidence(d)
	var out Features
	for _, f := range c.features(d, ev, nil) {
		if f.sent >= 0 {
			out.Text = append(out.Text, f.key)
		} else {
			out.Whole = append(out.Whole, f.key)
		}
	}
	for _, l := range ModelLabels {
		out.Rules = append(out.Rules, ev.asserts(l))
	}
	return out, nil
}

// filteredMatches runs the matcher and drops every cue match an exception
// of the same step or rule overlaps.
func (c *Coach) filteredMatches(toks []tok) [][]match {
	all := c.m.find(toks, make([]match, 0, 32))
	by := make([][]match, len(c.owners))
	for _, m := range all {
		by[m.owner] = append(by[m.owner], m)
	}
	for o, ms := range by {
		if len(ms) == 0 {
			continue
		}
		var exceptOwner int
		var ok bool
		switch c.owners[o].kind {
		case ownStep:
			exceptOwner, ok = c.index[owner{ownStepExcept, c.owners[o].id}]
		case ownRule:
			exceptOwner, ok = c.index[owner{ownRuleExcept, c.owners[o].id}]
		case ownVocab:
			if id := c.owners[o].id; id == "action_frames" || strings.HasPrefix(id, "commitment_") && id != "commitment_except" {
				exceptOwner, ok = c.index[owner{ownVocab, "commitment_except"}]
			}
		}
		if !ok || len(by[exceptOwner]) == 0 {
			continue
		}
		kept := ms[:0]
		for _, m := range ms {
			if !overlapsAny(m, by[exceptOwner]) {
				kept = append(kept, m)
			}
		}
		by[o] = kept
	}
	return by
}

func overlapsAny(m match, ms []match) bool {
	for _, x := range ms {
		if x.from < m.to && m.from < x.to {
			return true
		}
	}
	return false
}

func (c *Coach) stepMatches(d *doc, id string) []match {
	return d.matches[c.index[owner{ownStep, id}]]
}

func (c *Coach) ruleMatches(d *doc, id string) []match {
	o, ok := c.index[owner{ownRule, id}]
	if !ok {
		return nil
	}
	return d.matches[o]
}

func (c *Coach) vocabMatches(d *doc, name string) []match {
	return d.matches[c.index[owner{ownVocab, name}]]
}

// span is the byte span of toks [from, to).
func (d *doc) span(from, to int) (int, int) {
	if from >= len(d.toks) || to <= from {
		return 0, 0
	}
	return d.toks[from].start, d.toks[to-1].end
}

func stepAt(id string, d *doc, m match) Step {
	s, e := d.span(m.from, m.to)
	return Step{ID: id, Done: true, Start: s, End: e}
}

// steps decides which steps of the method the reply takes.
func (c *Coach) steps(d *doc) map[string]Step {
	out := make(map[string]Step, len(playbook.StepIDs))
	for _, id := range playbook.StepIDs {
		out[id] = Step{ID: id}
	}
	// Greeting: a greeting word in the first sentence, with the first name
	// when the name is known.
	for _, m := range c.stepMatches(d, playbook.StepGreeting) {
		if d.sentOf[m.from] != 0 {
			continue
		}
		s := d.sents[0]
		names := nameWords(d.ctx.CustomerName)
		end := m.to
		named := len(names) == 0
		for i := s.from; i < s.to && i < m.to+4 && !named; i++ {
			if names[d.toks[i].norm] {
				named, end = true, i+1
			}
		}
		if named {
			st, e := d.span(m.from, end)
			out[playbook.StepGreeting] = Step{ID: playbook.StepGreeting, Done: true, Start: st, End: e}
		}
		break
	}
	for _, id := range []string{playbook.StepEmpathy, playbook.StepApology, playbook.StepOwnership, playbook.StepFollowUp, playbook.StepThanks} {
		if ms := c.stepMatches(d, id); len(ms) > 0 {
			out[id] = stepAt(id, d, ms[0])
		}
	}
	// Action: a sentence with a frame of doing (I will, I have, you will
	// receive, would you prefer) and a concrete action verb after it; or a
	// first-person promise whose verb is not a vague one ("I'll reconnect
	// the line"). A frame inside a stock phrase ("passed to the relevant
	// team") does not count.
	robotic := c.ruleMatches(d, playbook.RuleRobotic)
	for _, f := range c.vocabMatches(d, "commitment_first_person") {
		si := d.sentOf[f.from]
		if overlapsAny(f, robotic) || negatedBefore(d, d.sents[si], f.from) {
			continue
		}
		if v := c.promisedVerb(d, f.to, d.sents[si].to); v >= 0 {
			s := d.sents[si]
			out[playbook.StepAction] = Step{ID: playbook.StepAction, Done: true, Start: s.start, End: s.end}
			break
		}
	}
	// "I've <done something>": a completed action, whatever the verb, unless
	// the verb only reports reading or passing the message on.
	if !out[playbook.StepAction].Done {
		for i := 0; i+2 < len(d.toks); i++ {
			if (d.toks[i].norm != "i" && d.toks[i].norm != "we") || d.toks[i+1].norm != "have" {
				continue
			}
			si := d.sentOf[i]
			if negatedBefore(d, d.sents[si], i) {
				continue
			}
			if v := c.doneVerb(d, i+2, d.sents[si].to); v >= 0 {
				s := d.sents[si]
				out[playbook.StepAction] = Step{ID: playbook.StepAction, Done: true, Start: s.start, End: s.end}
				break
			}
		}
	}
	frames := append(append([]match(nil), c.vocabMatches(d, "action_frames")...), c.stepMatches(d, playbook.StepOwnership)...)
	sort.Slice(frames, func(i, j int) bool { return frames[i].from < frames[j].from })
	for _, f := range frames {
		if out[playbook.StepAction].Done {
			break
		}
		if overlapsAny(f, robotic) {
			continue
		}
		// "The engineer will reconnect you": a promise made for someone
		// else counts like a first-person one.
		if last := d.toks[f.to-1].norm; (last == "will" || last == "to" && f.to-f.from >= 3) && people[d.toks[f.from].norm] {
			si := d.sentOf[f.from]
			if !negatedBefore(d, d.sents[si], f.from) && c.promisedVerb(d, f.to, d.sents[si].to) >= 0 {
				s := d.sents[si]
				out[playbook.StepAction] = Step{ID: playbook.StepAction, Done: true, Start: s.start, End: s.end}
				break
			}
		}
		from := f.from
		if f.to < len(d.toks) && reportingDone[d.toks[f.to].norm] {
			// "As we have explained, …" reports, it does not act; "I've
			// reported it and refunded the fee" acts after the "and".
			if from = nextAnd(d, f.to, d.sents[d.sentOf[f.from]].to); from < 0 {
				continue
			}
		}
		si := d.sentOf[f.from]
		s := d.sents[si]
		if negatedBefore(d, s, f.from) {
			continue
		}
		// The verb must follow the frame closely and in the same clause.
		for i := from; i < s.to && i < max(f.to, from)+10; i++ {
			if negation[d.toks[i].norm] || clauseBreak[d.toks[i].norm] {
				break // "I am unable to refund" is no action
			}
			if d.toks[i].norm == "that" && i > 0 && reportingVerbs[d.toks[i-1].norm] {
				break // "I already told you that the credit …"
			}
			// A question can offer options ("a refund or a replacement — which
			// would you prefer?"): it still names the action.
			if d.toks[i].kind == kWord && c.actionVerbs.has(&d.toks[i]) {
				out[playbook.StepAction] = Step{ID: playbook.StepAction, Done: true, Start: s.start, End: s.end}
				break
			}
		}
		if out[playbook.StepAction].Done {
			break
		}
	}
	// Expectation: a concrete time that is a deadline or sits in a sentence
	// about the future.
	for i, t := range d.times {
		if t.deadline || c.futureSentence(d, d.timeSent[i]) {
			s, e := d.span(t.from, t.to)
			out[playbook.StepExpectation] = Step{ID: playbook.StepExpectation, Done: true, Start: s, End: e}
			break
		}
	}
	return out
}

// people are subjects whose "will" promises an action like "I will" does.
var people = map[string]bool{"he": true, "she": true, "they": true, "someone": true, "somebody": true, "engineer": true, "engineers": true, "technician": true, "team": true, "colleague": true, "colleagues": true, "supervisor": true, "manager": true, "courier": true, "driver": true, "warehouse": true, "developers": true}

// promiseFillers may stand between "I will" and its verb.
var promiseFillers = map[string]bool{"personally": true, "also": true, "now": true, "then": true, "definitely": true, "certainly": true, "immediately": true, "just": true, "still": true, "right": true, "gladly": true, "happily": true, "first": true, "quickly": true, "promptly": true, "today": true, "myself": true, "both": true, "as": true, "well": true, "additionally": true, "further": true}

// vagueVerbs follow "I will" without naming a concrete action.
var vagueVerbs = map[string]bool{"take": true, "be": true, "have": true, "need": true, "try": true, "keep": true, "make": true, "do": true, "look": true, "get": true, "let": true, "see": true, "check": true, "investigate": true, "review": true, "consider": true, "think": true, "ask": true, "pass": true, "forward": true, "note": true, "log": true, "raise": true, "contact": true, "reach": true, "respond": true, "reply": true, "come": true, "hear": true, "continue": true, "monitor": true, "follow": true, "update": true, "inform": true, "notify": true, "chase": true, "speak": true, "talk": true, "discuss": true, "want": true, "hope": true, "aim": true, "attempt": true, "endeavour": true, "endeavor": true, "work": true, "help": true, "assist": true, "remain": true, "stay": true, "touch": true}

// promisedVerb is the token index of the concrete verb a first-person
// promise starts with, or -1 when the promise is vague ("I'll look into
// it", "we'll be in touch").
func (c *Coach) promisedVerb(d *doc, from, to int) int {
	for i := from; i < to; i++ {
		t := &d.toks[i]
		if t.kind != kWord {
			return -1
		}
		if promiseFillers[t.norm] {
			continue
		}
		if negation[t.norm] || vagueVerbs[t.norm] || c.weakVerbs.has(t) {
			return -1
		}
		return i
	}
	return -1
}

// irregularDone are past participles of doing that do not end in -ed.
var irregularDone = map[string]bool{"sent": true, "made": true, "put": true, "set": true, "given": true, "taken": true, "done": true, "paid": true, "found": true, "built": true, "got": true, "gotten": true, "rung": true, "written": true, "brought": true, "bought": true, "run": true, "won": true, "held": true, "kept": true, "left": false, "split": true, "reset": true, "rebuilt": true, "resent": true}

// reportingDone are participles that report reading, hearing or passing
// the message on: no action for the customer.
var reportingDone = map[string]bool{"read": true, "seen": true, "noticed": true, "looked": true, "checked": true, "reviewed": true, "received": true, "understood": true, "noted": true, "passed": true, "forwarded": true, "shared": true, "spoken": true, "heard": true, "logged": true, "recorded": true, "registered": true, "raised": true, "escalated": false, "tried": true, "attempted": true, "been": true, "had": true, "explained": true, "told": true, "said": true, "mentioned": true, "informed": true, "advised": true, "asked": false, "contacted": false, "investigated": true, "considered": true, "looked into": true, "gone": true, "come": true, "decided": true, "learned": true, "learnt": true, "realised": true, "realized": true, "confirmed": false, "identified": true, "discovered": true, "apologised": true, "apologized": true, "acknowledged": true, "replied": true, "responded": true, "answered": true, "waited": true, "worked": true, "highlighted": true, "flagged": true, "submitted": true, "reported": true}

// doneVerb is the token index of the participle after "I have" (fillers
// skipped) when it names a completed action, or -1.
func (c *Coach) doneVerb(d *doc, from, to int) int {
	for i := from; i < to; i++ {
		t := &d.toks[i]
		if t.kind != kWord {
			return -1
		}
		switch t.norm {
		case "just", "now", "already", "also", "personally", "gone", "ahead", "and", "since", "today", "quickly", "immediately", "successfully", "fully":
			continue
		}
		if negation[t.norm] {
			return -1
		}
		if reportingDone[t.norm] {
			// "I've reported it and refunded the fee": look after the "and".
			if j := nextAnd(d, i, to); j >= 0 {
				i = j - 1
				continue
			}
			return -1
		}
		if c.actionVerbs.has(t) || irregularDone[t.norm] || strings.HasSuffix(t.norm, "ed") && len(t.norm) > 4 {
			return i
		}
		return -1
	}
	return -1
}

// nextAnd is the index after the next "and" in toks [from, to), or -1.
func nextAnd(d *doc, from, to int) int {
	for i := from; i < to; i++ {
		if d.toks[i].norm == "and" {
			return i + 1
		}
	}
	return -1
}

// negation words cancel an action that follows them in the sentence.
var negation = map[string]bool{"not": true, "unable": true, "never": true, "no": true, "nothing": true, "cannot": true, "neither": true, "nor": true}

// clauseBreak words start a clause about something else.
var clauseBreak = map[string]bool{"but": true, "because": true, "although": true, "though": true, "however": true, "unless": true, "since": true, "whereas": true}

// reportingVerbs introduce what was said, not what is done.
var reportingVerbs = map[string]bool{"told": true, "said": true, "explained": true, "mentioned": true, "informed": true, "stated": true, "advised": true, "noted": true, "twice": true, "already": true, "before": true}

// negatedBefore reports whether one of the two words before toks[at]
// negates it: "nothing I can do", "won't let me".
func negatedBefore(d *doc, s sentence, at int) bool {
	for i := max(s.from, at-2); i < at; i++ {
		switch d.toks[i].norm {
		case "not", "nothing", "unable", "never", "cannot":
			return true
		}
	}
	return false
}

// futureSentence reports whether a sentence speaks of what will happen.
func (c *Coach) futureSentence(d *doc, si int) bool {
	s := d.sents[si]
	for i := s.from; i < s.to; i++ {
		switch d.toks[i].norm {
		case "will", "going", "should", "expect", "expected", "shall", "can", "scheduled", "booked", "planned", "due", "arrive", "arriving", "tomorrow":
			return true
		}
	}
	return false
}

func isQuestion(d *doc, si int) bool {
	s := d.sents[si]
	return s.to < len(d.toks) && strings.Contains(d.text[d.toks[s.to].start:d.toks[s.to].end], "?")
}

// nameWords are the words of the customer's name: "Dear Mr Reyes" greets
// Dana Reyes by name as well as "Hi Dana" does.
func nameWords(name string) map[string]bool {
	m := map[string]bool{}
	for _, t := range tokenize(name) {
		if t.kind == kWord && len(t.norm) > 1 {
			m[t.norm] = true
		}
	}
	return m
}

// finding builds a finding of rule id, with the playbook's wording; hint,
// when given, replaces the rule's general advice.
func (c *Coach) finding(id string, sev playbook.Severity, d *doc, start, end int, hint string) Finding {
	r := c.ruleByID[id]
	f := Finding{Rule: id, Severity: sev, Start: start, End: end}
	if r != nil {
		f.Message, f.Hint = r.Message, r.Suggestion
	}
	if hint != "" {
		f.Hint = hint
	}
	f.Suggestion = f.Hint
	if end > start {
		f.Text = d.text[start:end]
	}
	return f
}

// cueRules are the pitfalls recognised by their cue phrases.
var cueRules = []string{playbook.RuleBlame, playbook.RuleDeflection, playbook.RuleMinimizing, playbook.RuleArguing, playbook.RuleNonApology, playbook.RuleVagueTiming, playbook.RuleOverpromise, playbook.RuleSarcasm, playbook.RuleJargon, playbook.RuleRobotic}

// pitfalls finds what the reply says that it should not.
func (c *Coach) pitfalls(d *doc) []Finding {
	var out []Finding
	for _, id := range cueRules {
		sev := c.ruleByID[id].Severity.At(d.level)
		if sev == playbook.None {
			continue
		}
		ms := c.ruleMatches(d, id)
		if len(ms) == 0 {
			continue
		}
		ms = mergeMatches(ms)
		o := c.index[owner{ownRule, id}]
		for _, m := range ms {
			if id == playbook.RuleVagueTiming && c.sentenceHasTime(d, d.sentOf[m.from]) {
				continue // "as soon as possible, and by Friday at the latest"
			}
			s, e := d.span(m.from, m.to)
			switch id {
			case playbook.RuleVagueTiming:
				f := c.finding(id, sev, d, s, e, fmt.Sprintf("%s, such as \"%s\".", hintVagueTiming, c.dueRewrite(d)))
				c.vagueRewrite(d, &f, m)
				out = append(out, f)
			case playbook.RuleArguing:
				// "as I said in my last email": the rewrite replaces the
				// whole reminder.
				f := c.finding(id, sev, d, s, e, "")
				_, re := d.span(m.from, argueTail(d, m.to, d.sents[d.sentOf[m.from]].to))
				c.setRewrite(d, &f, s, re, c.fill(d, c.rewrites[[2]int{o, m.cue}]))
				out = append(out, f)
			default:
				f := c.finding(id, sev, d, s, e, "")
				c.setRewrite(d, &f, s, e, c.fill(d, c.rewrites[[2]int{o, m.cue}]))
				out = append(out, f)
			}
		}
	}
	out = append(out, c.causalBlame(d, out)...)
	out = append(out, c.shouting(d)...)
	out = append(out, c.codes(d)...)
	out = append(out, c.wallOfText(d)...)
	return out
}

// benignYou are things a customer did that no one blames them for.
var benignYou = map[string]bool{"received": true, "asked": true, "requested": true, "contacted": true, "told": true, "wrote": true, "called": true, "mentioned": true, "said": true, "reported": true, "let": true, "sent": true, "gave": true, "emailed": true, "explained": true, "noticed": true, "flagged": true, "paid": true, "ordered": true, "bought": true, "purchased": true, "booked": true, "chose": false, "waited": true, "tried": true, "were": true, "had": true, "did": false, "needed": true, "wanted": true, "expected": true, "raised": true, "shared": false, "joined": true, "signed": true, "arrived": true, "moved": true, "travelled": true, "traveled": true, "returned": true, "started": true, "finished": true, "opened": false, "registered": true, "came": true, "visited": true}

// causalMarkers tie what the customer did to what went wrong.
var causalMarkers = map[string]bool{"so": true, "why": true, "hence": true, "therefore": true, "thus": true, "caused": true, "resulted": true, "meant": true, "means": true}

// causalBlame finds "you <did something>, so/which is why <it went wrong>"
// — blame in words no cue list can enumerate. A reply that goes on "…, so I
// have …" is answering, not blaming.
func (c *Coach) causalBlame(d *doc, found []Finding) []Finding {
	sev := c.ruleByID[playbook.RuleBlame].Severity.At(d.level)
	if sev == playbook.None {
		return nil
	}
	for _, f := range found {
		if f.Rule == playbook.RuleBlame {
			return nil // one is enough to make the point
		}
	}
	var out []Finding
	for _, s := range d.sents {
		for i := s.from; i+1 < s.to; i++ {
			if d.toks[i].norm != "you" || i > s.from && !clauseStart[d.toks[i-1].norm] {
				continue
			}
			v := i + 1
			if d.toks[v].norm == "have" || d.toks[v].norm == "had" {
				v++
			}
			if v >= s.to {
				break
			}
			w := d.toks[v].norm
			past := irregularDone[w] || strings.HasSuffix(w, "ed") && len(w) > 4 || w == "did" || w == "chose" || w == "forgot" || w == "left" || w == "put" || w == "set"
			if !past || benignYou[w] {
				continue
			}
			for k := v + 1; k < s.to && k < v+16; k++ {
				if !causalMarkers[d.toks[k].norm] {
					continue
				}
				if d.toks[k].norm == "why" && (k == 0 || d.toks[k-1].norm != "is" && d.toks[k-1].norm != "was") {
					continue // only "that is why", "which is why"
				}
				next := ""
				if k+1 < s.to {
					next = d.toks[k+1].norm
				}
				if next == "i" || next == "we" || next == "let" || next == "please" {
					break // "…, so I have refunded it"
				}
				st, en := d.span(i, k+1)
				out = append(out, c.finding(playbook.RuleBlame, sev, d, st, en, hintCausalBlame))
				return out
			}
		}
	}
	return out
}

// clauseStart words may stand before a clause's subject.
var clauseStart = map[string]bool{"because": true, "since": true, "as": true, "and": true, "but": true, "unfortunately": true, "sadly": true, "apparently": true, "clearly": true, "obviously": true}

// mergeMatches sorts matches and joins overlapping ones, keeping the cue of
// the first.
func mergeMatches(ms []match) []match {
	ms = append([]match(nil), ms...)
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].from != ms[j].from {
			return ms[i].from < ms[j].from
		}
		return ms[i].to > ms[j].to
	})
	out := ms[:0]
	for _, m := range ms {
		if n := len(out); n > 0 && m.from <= out[n-1].to {
			out[n-1].to = max(out[n-1].to, m.to)
			continue
		}
		out = append(out, m)
	}
	return out
}

func (c *Coach) sentenceHasTime(d *doc, si int) bool {
	for i := range d.times {
		if d.timeSent[i] == si {
			return true
		}
	}
	return false
}

// shouting flags words in capitals (not acronyms) and stacked '!'.
func (c *Coach) shouting(d *doc) []Finding {
	sev := c.ruleByID[playbook.RuleShouting].Severity.At(d.level)
	if sev == playbook.None {
		return nil
	}
	var out []Finding
	toks := d.toks
	isCaps := func(i int) bool {
		t := &toks[i]
		if t.kind != kWord || !t.caps || t.code || c.acronyms[t.norm] || !hasVowel(t.norm) {
			return false // SFTP, HTML: an acronym has no vowel to shout with
		}
		// A capitalised word the customer used too is a name ("NOW TV").
		return !strings.Contains(d.custText, t.norm)
	}
	// Short capitalised words are usually acronyms (SLA, SRE): they shout
	// only when they are everyday words ("NOT", "YOU") or in a run.
	loud := func(i, j int) bool {
		if j-i > 1 {
			return true
		}
		switch w := toks[i].end - toks[i].start; {
		case w >= 4:
			return true
		case w == 3:
			return c.english[toks[i].norm] || shortShouts[toks[i].norm]
		}
		return false
	}
	for i := 0; i < len(toks); i++ {
		if !isCaps(i) {
			continue
		}
		j := i + 1
		for j < len(toks) && (isCaps(j) || toks[j].start == toks[j-1].start) {
			j++
		}
		if loud(i, j) {
			s, e := d.span(i, j)
			out = append(out, c.finding(playbook.RuleShouting, sev, d, s, e, ""))
		}
		i = j - 1
	}
	// "!!!" shouts; a single "!!" is enthusiasm, several are shouting.
	doubles := 0
	for _, t := range toks {
		if t.kind == kBound && t.excl == 2 {
			doubles++
		}
	}
	for _, t := range toks {
		if t.kind == kBound && (t.excl >= 3 || t.excl == 2 && doubles >= 2) {
			out = append(out, c.finding(playbook.RuleShouting, sev, d, t.start, t.end, hintExclamations))
		}
	}
	return out
}

// hasVowel reports whether a word has a vowel (or y).
func hasVowel(w string) bool { return strings.ContainsAny(w, "aeiouy") }

// shortShouts are short everyday words that shout when capitalised.
var shortShouts = map[string]bool{"not": true, "now": true, "all": true, "why": true, "how": true, "did": true, "get": true, "yes": true, "see": true, "way": true, "too": true, "one": true, "two": true, "use": true, "pay": true, "own": true, "off": true, "who": true, "ask": true, "any": true, "out": true}

// codes flags internal codes ("ERR_PAYMENT_51", "INC-20931") that are not
// introduced as a reference for the customer and that the customer did not
// use themselves.
func (c *Coach) codes(d *doc) []Finding {
	sev := c.ruleByID[playbook.RuleJargon].Severity.At(d.level)
	if sev == playbook.None {
		return nil
	}
	var out []Finding
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		t := &toks[i]
		if t.kind != kWord {
			continue
		}
		end := i + 1
		isCode := false
		switch {
		case strings.Contains(t.norm, "_"):
			isCode = true
		case t.caps && len(t.norm) >= 2 && len(t.norm) <= 6 && i+1 < len(toks) && toks[i+1].kind == kNumber &&
			toks[i+1].start == t.end+1 && d.text[t.end] == '-' && !c.acronyms[t.norm]:
			isCode, end = true, i+2
		case t.code && t.caps:
			digits := 0
			for _, r := range t.norm {
				if r >= '0' && r <= '9' {
					digits++
				}
			}
			isCode = digits >= 2 && len(t.norm)-digits >= 2 && len(t.norm) >= 6
		}
		if !isCode {
			continue
		}
		s, e := d.span(i, end)
		if strings.Contains(d.custText, strings.ToLower(d.text[s:e])) {
			continue
		}
		if e+1 < len(d.text) && d.text[e] == '.' && isLetterByte(d.text[e+1]) {
			continue // a file name or a domain: invoice_2026.pdf
		}
		labelled := false
		for k := max(0, i-4); k < i; k++ {
			if toks[k].kind == kBound {
				labelled = false
				continue
			}
			if c.jargonLabels[toks[k].norm] {
				labelled = true
			}
		}
		if labelled {
			continue
		}
		out = append(out, c.finding(playbook.RuleJargon, sev, d, s, e, hintCodes))
		i = end - 1
	}
	return out
}

// wallOfText flags a reply too long to read when upset: a long paragraph,
// a very long sentence, or simply too many words.
func (c *Coach) wallOfText(d *doc) []Finding {
	sev := c.ruleByID[playbook.RuleWallOfText].Severity.At(d.level)
	lim := c.pb.Limits
	if sev == playbook.None || lim.MaxWords <= 0 {
		return nil
	}
	total := 0
	paraWords := map[int32]int{}
	for _, t := range d.toks {
		if t.kind == kWord || t.kind == kNumber {
			total++
			paraWords[t.para]++
		}
	}
	// The longest paragraph is the span to show.
	bestPara, bestN := int32(-1), 0
	for p, n := range paraWords {
		if n > bestN || n == bestN && p < bestPara {
			bestPara, bestN = p, n
		}
	}
	longSentence := -1
	for si, s := range d.sents {
		n := 0
		for i := s.from; i < s.to; i++ {
			if d.toks[i].kind != kSymbol {
				n++
			}
		}
		if lim.MaxSentenceWords > 0 && n > lim.MaxSentenceWords {
			longSentence = si
			break
		}
	}
	switch {
	case lim.MaxParagraphWords > 0 && bestN > lim.MaxParagraphWords, total > lim.MaxWords:
		start, end := -1, 0
		for _, t := range d.toks {
			if t.para == bestPara {
				if start < 0 {
					start = t.start
				}
				end = t.end
			}
		}
		msg := fmt.Sprintf("The reply runs to %d words; its longest paragraph has %d.", total, bestN)
		f := c.finding(playbook.RuleWallOfText, sev, d, start, end, "")
		f.Message = msg + " " + f.Message
		return []Finding{f}
	case longSentence >= 0:
		s := d.sents[longSentence]
		return []Finding{c.finding(playbook.RuleWallOfText, sev, d, s.start, s.end, hintLongSentence)}
	}
	return nil
}

// missing reports the steps a reply to this customer should take and does
// not.
func (c *Coach) missing(d *doc, steps map[string]Step, concerns []Concern, found []Finding, promises []Promise) []Finding {
	var out []Finding
	lvl := d.level
	add := func(id string, raise bool, start, end int, msg string) *Finding {
		sev := c.ruleByID[id].Severity.At(lvl)
		if sev == playbook.None {
			return nil
		}
		if raise {
			sev = sev.Raise()
		}
		f := c.finding(id, sev, d, start, end, "")
		if msg != "" {
			f.Message = msg
		}
		out = append(out, f)
		return &out[len(out)-1]
	}
	has := func(rule string) bool {
		for _, f := range found {
			if f.Rule == rule {
				return true
			}
		}
		return false
	}
	if !steps[playbook.StepApology].Done {
		add(playbook.RuleMissingApology, false, 0, 0, "")
	}
	if !steps[playbook.StepEmpathy].Done {
		add(playbook.RuleMissingEmpathy, d.ctx.VentingWave, 0, 0, "")
	}
	for _, cn := range concerns {
		if !cn.Addressed {
			what := cn.Paraphrase
			if what == "" {
				what = cn.Text
			}
			if f := add(playbook.RuleIgnoredConcern, false, 0, 0, fmt.Sprintf("The reply does not answer: %q. %s", textkit.Shorten(what, 120), c.ruleByID[playbook.RuleIgnoredConcern].Message)); f != nil && cn.Paraphrase != "" {
				f.Hint = fmt.Sprintf("%s: \"I understand that %s.\"", hintRepeatBack, textkit.Shorten(cn.Paraphrase, 160))
				f.Suggestion = f.Hint
				// Repeating a request back does not grant it: only other
				// concerns are answered by an echo.
				if p := strings.TrimRight(cn.Paraphrase, ".!? "); cn.Kind != "request" && statement(p) && len(p) <= 160 {
					f.concernEcho = "I understand that " + p + "."
				}
			}
		}
	}
	if !steps[playbook.StepAction].Done {
		add(playbook.RuleNoAction, false, 0, 0, "")
	} else if !steps[playbook.StepExpectation].Done && !has(playbook.RuleVagueTiming) {
		// Only a promise needs a time: an action already done does not.
		for _, cm := range promises {
			if cm.Vague {
				if f := add(playbook.RuleNoExpectation, false, cm.Start, cm.End, ""); f != nil && cm.Rewrite != "" {
					c.setRewrite(d, f, cm.Start, d.blankAfter(cm.End), cm.Rewrite)
				}
				break
			}
		}
	}
	if d.ctx.VentingWave && (steps[playbook.StepEmpathy].Done || steps[playbook.StepApology].Done) {
		// The acknowledgement should come in the first two sentences after
		// the greeting.
		first := len(d.text)
		for _, id := range []string{playbook.StepEmpathy, playbook.StepApology} {
			if s := steps[id]; s.Done && s.Start < first {
				first = s.Start
			}
		}
		si := 0
		if steps[playbook.StepGreeting].Done || len(c.stepMatches(d, playbook.StepGreeting)) > 0 {
			si = 1
		}
		if si+2 < len(d.sents) && first >= d.sents[si+2].start {
			add(playbook.RuleAcknowledgeFirst, false, d.sents[si].start, d.sents[si].end, "")
		}
	}
	return out
}
