package coach

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// A finding carries two kinds of advice. Its hint tells the agent what to
// do and is never inserted. Its rewrite, when the coach can write one, is
// words for the customer, filled with the case's real facts (first name,
// order number, a due date counted on the business calendar); a fact the
// case lacks makes the coach use a rewrite without it, or offer none.

// Hints the code gives besides the playbook's; pasted into a reply they
// are recognised as advice like the playbook's own.
const (
	hintVagueTiming  = "Give a date or a duration the customer can hold you to"
	hintPromiseDue   = "When will you do this? Give the customer a date."
	hintCausalBlame  = "Say what happened without making it the customer's doing, then what you will do."
	hintExclamations = "Use one exclamation mark at most, or none."
	hintCodes        = "Leave internal codes out, or say what they mean for the customer."
	hintLongSentence = "Split this sentence: one idea each."
	hintRepeatBack   = "Repeat it back and say what you will do about it"
)

var codeHints = []string{hintVagueTiming, hintPromiseDue, hintCausalBlame, hintExclamations, hintCodes, hintLongSentence, hintRepeatBack}

// defaultPromiseDays is the promise window when the case's category gives
// none.
const defaultPromiseDays = 2

// fact is one of the case's facts a rewrite may name
// (playbook.RewriteFacts), worked out once per review when first asked
// for; an unknown fact is "".
func (c *Coach) fact(d *doc, name string) string {
	if v, ok := d.facts[name]; ok {
		return v
	}
	if d.facts == nil {
		d.facts = map[string]string{}
	}
	ctx := d.ctx
	var v string
	switch name {
	case "name":
		v = firstNameTitle(ctx.CustomerName)
	case "agent":
		v = strings.TrimSpace(ctx.AgentName)
	case "days":
		days := c.promiseDays(d)
		v = fmt.Sprintf("%d business %s", days, map[bool]string{true: "day", false: "days"}[days == 1])
	case "due":
		if !ctx.SentAt.IsZero() {
			cal := ctx.calendar()
			v = dayName(cal.CloseOf(cal.AddBusinessDays(ctx.SentAt.In(cal.Location), c.promiseDays(d))))
		}
	case "order":
		v = orderNumber(ctx)
	case "problem":
		v = problemClause(ctx)
	case "":
		return ""
	}
	d.facts[name] = v
	return v
}

// promiseDays is the case's promise window: the business days its
// category's usual fix takes.
func (c *Coach) promiseDays(d *doc) int {
	if cat := c.docCategory(d); cat != nil && len(cat.Options) > 0 && cat.Options[0].BusinessDays > 0 {
		return cat.Options[0].BusinessDays
	}
	return defaultPromiseDays
}

// docCategory is the case's category for a review: the context's, else the
// one the latest reading gives, else the draft's guess from the concerns'
// keywords; found once per review.
func (c *Coach) docCategory(d *doc) *playbook.Category {
	if d.catDone {
		return d.cat
	}
	d.catDone = true
	names := []string{d.ctx.Category}
	for i := len(d.ctx.Readings) - 1; i >= 0; i-- {
		names = append(names, d.ctx.Readings[i].Category)
	}
	for _, n := range names {
		if n == "" {
			continue
		}
		if cat := c.pb.Category(n); cat != nil && cat.ID != "other" {
			d.cat = cat
			return cat
		}
	}
	d.cat = c.category(*d.ctx)
	return d.cat
}

// orderNumber is the order number the customer gave: the case's entities
// first, then those of the messages this reply answers, newest first.
func orderNumber(ctx *Context) string {
	for _, e := range ctx.Entities {
		if e.Kind == analyze.EntityOrder && e.Value != "" {
			return e.Value
		}
	}
	for i := len(ctx.Readings) - 1; i >= 0; i-- {
		for _, cn := range ctx.Readings[i].Concerns {
			for _, e := range cn.Entities {
				if e.Kind == analyze.EntityOrder && e.Value != "" {
					return e.Value
				}
			}
		}
	}
	return ""
}

// problemClause is the customer's problem as the agent would say it after
// "I'm sorry": the paraphrase of a problem concern ("we charged you twice
// for order 4471"), preferring one that names a fact.
func problemClause(ctx *Context) string {
	best, bestScore := "", 0
	for i := len(ctx.Readings) - 1; i >= 0; i-- {
		for _, cn := range ctx.Readings[i].Concerns {
			p := strings.TrimRight(strings.TrimSpace(cn.Paraphrase), ".!? ")
			if cn.Kind != "problem" || p == "" || !statement(p) || len(p) > 160 {
				continue
			}
			// A clause with its subject, not a fragment ("still nothing").
			words := strings.Fields(p)
			if len(words) < 3 || !clauseSubjects[words[0]] {
				continue
			}
			score := 1
			if words[0] == "we" || words[0] == "you" || words[0] == "your" {
				score = 2
			}
			for _, e := range cn.Entities {
				if e.Kind != analyze.EntityCount {
					score += 2
					break
				}
			}
			if score > bestScore {
				best, bestScore = p, score
			}
		}
	}
	return best
}

// clauseSubjects may open a problem clause that follows "I'm sorry".
var clauseSubjects = map[string]bool{"we": true, "you": true, "your": true, "our": true, "the": true, "it": true, "this": true, "that": true, "there": true}

// fill writes a rewrite template with the case's facts: the first
// alternative whose facts are all known, or "" when none is.
func (c *Coach) fill(d *doc, tmpl string) string {
	for _, alt := range strings.Split(tmpl, "||") {
		alt = strings.TrimSpace(alt)
		ok := true
		out := alt
		for _, name := range playbook.RewriteFacts {
			key := "{" + name + "}"
			if !strings.Contains(out, key) {
				continue
			}
			v := c.fact(d, name)
			if v == "" {
				ok = false
				break
			}
			out = strings.ReplaceAll(out, key, v)
		}
		if ok && out != "" {
			return out
		}
	}
	return ""
}

// setRewrite gives a finding a rewrite of the reply's words at [start,
// end): a phrase replaces those words, a sentence the clause they are in.
// The rewrite is fitted to where it goes: capitalised at the start of a
// sentence, and a sentence put before the rest of a clause ends that
// clause ("calm down, as I said" -> "I can see why this has upset you. As
// I said").
func (c *Coach) setRewrite(d *doc, f *Finding, start, end int, text string) {
	text = strings.TrimSpace(text)
	if text == "" || end <= start || end > len(d.text) {
		return
	}
	si := d.sentenceAt(start)
	if si < 0 {
		return
	}
	s := d.sents[si]
	lastEnd := d.toks[s.to-1].end
	sentence := strings.ContainsAny(text[len(text)-1:], ".!?")
	if sentence {
		start, end = d.clause(s, start, end)
		// The clause ran to the end of the sentence: its closing
		// punctuation goes, the rewrite brings its own.
		if end >= lastEnd {
			end = lastEnd
			for end < len(d.text) && strings.IndexByte(".!?", d.text[end]) >= 0 {
				end++
			}
		}
	}
	atStart := strings.TrimSpace(d.text[s.start:start]) == "" || start == s.start
	text = caseFirst(text, atStart)
	rest := d.text[end:]
	switch {
	case sentence:
		// Swallow the separator after the clause and start the next
		// sentence with a capital.
		trimmed := strings.TrimLeft(rest, " \t")
		sep := trimmed != "" && strings.ContainsAny(trimmed[:1], ",;")
		if sep {
			trimmed = strings.TrimLeft(trimmed[1:], " \t")
		}
		if w := leadingWord(trimmed); w != "" && (sep || unicode.IsLower(firstRune(w))) {
			end += len(rest) - len(trimmed) + len(w)
			text += " " + caseFirst(w, true)
		}
	case strings.HasSuffix(text, ","):
		trimmed := strings.TrimLeft(rest, " \t")
		if trimmed == "" || strings.ContainsAny(trimmed[:1], ",.;:!?\n") {
			text = strings.TrimSuffix(text, ",")
		}
	}
	f.Rewrite, f.RewriteStart, f.RewriteEnd = text, start, end
}

// sentenceAt is the index of the sentence holding byte offset pos, or -1.
func (d *doc) sentenceAt(pos int) int {
	for i, s := range d.sents {
		if pos >= s.start && pos < s.end {
			return i
		}
	}
	return -1
}

// clause widens [start, end) to the clause of sentence s it is in: between
// commas, semicolons, colons and dashes, after a leading conjunction.
func (d *doc) clause(s sentence, start, end int) (int, int) {
	lastEnd := d.toks[s.to-1].end
	cs := s.start
	for k := start - 1; k >= s.start; k-- {
		if isClauseSep(d.text, k) {
			cs = k + 1
			break
		}
	}
	for cs < start && (d.text[cs] == ' ' || d.text[cs] == '\t') {
		cs++
	}
	if w := strings.ToLower(leadingWord(d.text[cs:start])); conjunctions[w] {
		cs += len(w)
		for cs < start && d.text[cs] == ' ' {
			cs++
		}
	}
	ce := lastEnd
	for k := end; k < lastEnd; k++ {
		if isClauseSep(d.text, k) {
			ce = k
			break
		}
	}
	for ce > end && d.text[ce-1] == ' ' {
		ce--
	}
	return cs, ce
}

var conjunctions = map[string]bool{"but": true, "and": true, "so": true, "because": true, "although": true, "though": true}

func isClauseSep(text string, k int) bool {
	switch text[k] {
	case ',', ';', ':':
		return true
	case '-':
		return k > 0 && text[k-1] == ' ' && k+1 < len(text) && text[k+1] == ' '
	}
	return strings.HasPrefix(text[k:], "—") || strings.HasPrefix(text[k:], "–")
}

// leadingWord is the run of letters (and apostrophes) s starts with.
func leadingWord(s string) string {
	for i, r := range s {
		if !unicode.IsLetter(r) && r != '\'' && r != '’' {
			return s[:i]
		}
	}
	return s
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// caseFirst capitalises the first letter at the start of a sentence and
// lowers it elsewhere, except for "I" ("I'm", "I'll").
func caseFirst(s string, upper bool) string {
	r, size := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	if upper {
		return string(unicode.ToUpper(r)) + s[size:]
	}
	if w := leadingWord(s); w == "I" || strings.HasPrefix(w, "I'") || strings.HasPrefix(w, "I’") {
		return s
	}
	return string(unicode.ToLower(r)) + s[size:]
}

// dueRewrite is the customer-facing time for a promise: "by Tuesday 8
// December", or "within 3 business days" when the send time is unknown.
func (c *Coach) dueRewrite(d *doc) string {
	if due := c.fact(d, "due"); due != "" {
		return "by " + due
	}
	return "within " + c.fact(d, "days")
}

// argueTails are what "as I said" often trails: "in my last email",
// "before". The arguing rewrite replaces them too.
var argueTails = map[string]bool{"before": true, "earlier": true, "previously": true, "already": true, "above": true, "below": true, "repeatedly": true, "twice": true}

var argueMedia = map[string]bool{"email": true, "emails": true, "message": true, "messages": true, "reply": true, "replies": true, "response": true, "letter": true, "chat": true, "call": true, "note": true, "mail": true}

// argueTail extends an arguing cue's token range over what it trails.
func argueTail(d *doc, to, sentTo int) int {
	if to < sentTo && argueTails[d.toks[to].norm] {
		return to + 1
	}
	if to+1 < sentTo && (d.toks[to].norm == "in" || d.toks[to].norm == "on" || d.toks[to].norm == "over") {
		for k := to + 1; k < sentTo && k <= to+4; k++ {
			if argueMedia[d.toks[k].norm] {
				return k + 1
			}
		}
	}
	return to
}

func countWords(toks []tok) int {
	n := 0
	for i := range toks {
		if toks[i].kind == kWord || toks[i].kind == kNumber {
			n++
		}
	}
	return n
}

// blankFindings reports each placeholder or pasted piece of advice.
func (c *Coach) blankFindings(d *doc) []Finding {
	r := c.ruleByID[playbook.RulePlaceholder]
	if r == nil {
		return nil
	}
	sev := r.Severity.At(d.level)
	if sev == playbook.None {
		return nil
	}
	out := make([]Finding, 0, len(d.blanks))
	for _, b := range d.blanks {
		f := c.finding(playbook.RulePlaceholder, sev, d, b[0], b[1], "")
		// A blank that names a fact the case has is filled with it:
		// "Hi <name>," -> "Hi Dana,", "by [date]" -> "by Thursday 3 December".
		if v := c.fact(d, blankFact(d.text[b[0]:b[1]])); v != "" {
			f.Rewrite, f.RewriteStart, f.RewriteEnd = v, b[0], b[1]
		}
		out = append(out, f)
	}
	return out
}

// blankFact is the fact a blank asks for ("<first name>": name, "[order
// number]": order, "{due date}": due), or "" when it names none.
func blankFact(blank string) string {
	if blank == "" || !strings.ContainsAny(blank[:1], "[{<") {
		return "" // pasted advice, an ellipsis, XX: nothing named
	}
	w := strings.ToLower(strings.Trim(blank, "[]{}<> "))
	w = strings.NewReplacer("_", " ", "-", " ").Replace(w)
	switch {
	case strings.Contains(w, "agent") || strings.Contains(w, "my name") || strings.Contains(w, "your name"):
		return "agent"
	case strings.Contains(w, "name"):
		return "name"
	case strings.Contains(w, "order"):
		return "order"
	case strings.Contains(w, "date") || strings.Contains(w, "day"):
		return "due"
	}
	return ""
}

// vagueRewrite replaces a vague time with the case's due date: "soon" ->
// "by Tuesday 8 December"; "takes a few days" -> "takes 3 business days".
func (c *Coach) vagueRewrite(d *doc, f *Finding, m match) {
	s, e := d.span(m.from, m.to)
	switch d.toks[m.from].norm {
	case "take", "takes", "taking", "allow", "allowing":
		if m.from+1 < m.to {
			c.setRewrite(d, f, d.toks[m.from+1].start, e, c.fact(d, "days"))
		}
		return
	}
	c.setRewrite(d, f, s, e, c.dueRewrite(d))
}

// danglingTime are words a promise may end on when its time is missing or
// was a placeholder ("I will refund it by [date]").
var danglingTime = map[string]bool{"by": true, "within": true, "on": true, "before": true, "until": true, "in": true, "at": true}

// promptForDates asks for a time on every promise that has none, and
// writes the promise again with the due date the calendar gives: the vague
// words replaced ("fix it soon" -> "fix it by Tuesday 8 December"), or the
// date added.
func (c *Coach) promptForDates(d *doc, promises []Promise, findings []Finding) {
	for i := range promises {
		p := &promises[i]
		if !p.Vague || p.End <= p.Start || p.End > len(d.text) {
			continue
		}
		p.Prompt = hintPromiseDue
		text := d.text[p.Start:p.End]
		replaced := false
		for _, f := range findings {
			if f.Rule == playbook.RuleVagueTiming && f.Rewrite != "" && f.RewriteStart >= p.Start && f.RewriteEnd <= p.End {
				text = d.text[p.Start:f.RewriteStart] + f.Rewrite + d.text[f.RewriteEnd:p.End]
				replaced = true
				break
			}
		}
		if !replaced {
			text = strings.TrimRight(text, " ,")
			for {
				i := strings.LastIndexByte(text, ' ')
				if i < 0 || !danglingTime[strings.ToLower(text[i+1:])] {
					break
				}
				text = strings.TrimRight(text[:i], " ,")
			}
			text += " " + c.dueRewrite(d)
		}
		p.Rewrite = text
	}
}

// blankAfter is the end of a placeholder that follows pos with only spaces
// between ("by [date]"), or pos.
func (d *doc) blankAfter(pos int) int {
	for _, b := range d.blanks {
		if b[0] >= pos && strings.TrimSpace(d.text[pos:b[0]]) == "" {
			return b[1]
		}
	}
	return pos
}

// insertions writes, for a step the reply misses, a sentence to add with
// the case's facts: the apology names the customer's problem, the action
// the category's usual fix with its due date, an ignored concern is
// repeated back. The sentence goes after the
// greeting (RewriteStart == RewriteEnd: an insertion).
func (c *Coach) insertions(d *doc, findings []Finding) {
	for i := range findings {
		f := &findings[i]
		if f.Rewrite != "" || f.End > f.Start {
			continue
		}
		var text string
		switch f.Rule {
		case playbook.RuleMissingApology:
			text = c.fill(d, "I'm sorry {problem}. || I'm sorry for the trouble with order {order}.")
			if text == "" {
				text = c.phrase(d, "apology")
			}
		case playbook.RuleNoAction:
			if cat := c.docCategory(d); cat != nil && len(cat.Options) > 0 && cat.Options[0].Offer != "" {
				text = "I will " + cat.Options[0].Offer + " " + c.dueRewrite(d) + "."
			}
		case playbook.RuleIgnoredConcern:
			text = f.concernEcho
		}
		if text == "" {
			continue
		}
		pos := d.afterGreeting(c)
		switch {
		case pos >= len(d.text):
			pos = len(d.text)
			if !strings.HasSuffix(d.text, " ") && !strings.HasSuffix(d.text, "\n") {
				text = " " + text
			}
		default:
			text += " "
		}
		f.Rewrite, f.RewriteStart, f.RewriteEnd = text, pos, pos
	}
}

// phrase is the phrase bank's first phrase of a slot (a step) for the
// customer's anger level, "angry" at most, that the step's own cues
// recognise. (The bank's furious-only wordings are for whole drafts.) No
// empathy sentence is inserted: the reply model does not yet read the
// bank's empathy wordings as empathy reliably, and a sentence that does
// not take its step would be offered again and again.
func (c *Coach) phrase(d *doc, slot string) string {
	o, ok := c.index[owner{ownStep, slot}]
	if !ok {
		return ""
	}
	lvl := d.level
	if playbook.LevelIndex(lvl) > playbook.LevelIndex("angry") {
		lvl = "angry"
	}
	for _, p := range c.pb.Phrases[slot] {
		if !p.For(lvl) || strings.Contains(p.Text, "{") {
			continue
		}
		toks := tokenize(p.Text)
		c.m.annotate(toks)
		if ms := c.filteredMatches(toks); len(ms[o]) > 0 {
			return p.Text
		}
	}
	return ""
}

// afterGreeting is where a missing sentence goes: after the greeting when
// the reply opens with one, else at the start.
func (d *doc) afterGreeting(c *Coach) int {
	for _, m := range c.stepMatches(d, playbook.StepGreeting) {
		if d.sentOf[m.from] == 0 {
			if len(d.sents) > 1 {
				return d.sents[1].start
			}
			return len(d.text)
		}
	}
	if len(d.sents) > 0 {
		return d.sents[0].start
	}
	return 0
}
