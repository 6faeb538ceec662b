package analyze

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Concern kinds.
const (
	ConcernProblem     = "problem"
	ConcernRequest     = "request"
	ConcernQuestion    = "question"
	ConcernExpectation = "expectation"
	ConcernFeeling     = "feeling"
)

// A Reading lists at most this many reasons of one kind and this many
// concerns: enough for any real message, bounded for a pathological one.
const (
	maxReasonsPerKind = 20
	maxConcerns       = 200
)

// signals returns the signal matches, at most three per kind, without
// overlaps within a kind.
func (a *Analyzer) signals(work, text string, s *scratch) []Signal {
	out := []Signal{}
	for _, mt := range s.matches {
		if mt.p.tag.group != groupSignal {
			continue
		}
		st, en := int(s.toks[mt.from].start), int(s.toks[mt.to-1].end)
		n, overlap := 0, false
		for _, o := range out {
			if o.Kind == mt.p.tag.name {
				n++
				overlap = overlap || st < o.End && o.Start < en
			}
		}
		if n >= 3 || overlap {
			continue
		}
		out = append(out, Signal{Kind: mt.p.tag.name, Text: text[st:en], Start: st, End: en})
	}
	return out
}

var agePrefix = hashSet(map[string]bool{"i'm": true, "am": true, "aged": true, "age": true, "im": true})

// elderly finds "I'm 84", "aged 79": a customer of 70 or more is treated
// as possibly vulnerable.
func elderly(text string, toks []token) []Signal {
	var out []Signal
	for i := 1; i < len(toks); i++ {
		t := toks[i]
		if t.flags&tokNumber == 0 || t.end-t.start != 2 || !agePrefix[toks[i-1].hash] {
			continue
		}
		if n, err := strconv.Atoi(text[t.start:t.end]); err == nil && n >= 70 {
			st := int(toks[i-1].start)
			out = append(out, Signal{Kind: SignalVulnerableCustomer, Text: text[st:t.end], Start: st, End: int(t.end)})
		}
	}
	return out
}

func sortSignals(sigs []Signal) {
	slices.SortStableFunc(sigs, func(a, b Signal) int { return cmp.Compare(a.Start, b.Start) })
}

var inWithin = hashSet(map[string]bool{"in": true, "within": true, "every": true, "per": true, "each": true, "lasts": true, "only": true})

var tenureWords = hashSet(map[string]bool{"customer": true, "member": true, "client": true, "subscriber": true, "loyal": true, "user": true, "shopper": true})

// tenure reports "customer for ...", "member for ..." just before word i.
func tenure(toks []token, i int) bool {
	for k := max(0, i-3); k < i; k++ {
		if tenureWords[toks[k].hash] {
			return true
		}
	}
	return false
}

var waitContext = hashSet(map[string]bool{"waiting": true, "waited": true, "wait": true, "still": true, "ago": true,
	"since": true, "been": true, "over": true, "already": true, "taken": true, "took": true,
	"later": true, "overdue": true, "after": true, "hold": true, "nearly": true, "almost": true, "now": true})

// longWaits turns durations of a day or more (an hour or more on hold) said
// in a waiting context into long_wait signals.
func longWaits(text string, s *scratch, entities []Entity, have []Signal) []Signal {
	var out []Signal
	for _, e := range entities {
		if e.Kind != EntityDuration {
			continue
		}
		long := strings.HasSuffix(e.Value, "D") && e.Value != "P1D" || strings.HasSuffix(e.Value, "M") && !strings.HasPrefix(e.Value, "PT") || strings.HasSuffix(e.Value, "Y") || strings.HasPrefix(e.Value, "PT") && strings.HasSuffix(e.Value, "H")
		if !long {
			continue
		}
		// "dies in 2 hours", "every 3 days": a span, not a wait; "a customer
		// for ten years": loyalty, not a wait.
		if i := firstWordFrom(s.toks, e.Start); i > 0 && inWithin[s.toks[i-1].hash] || tenure(s.toks, i) {
			continue
		}
		covered := false
		for _, h := range have {
			covered = covered || h.Kind == SignalLongWait && e.Start < h.End && h.Start < e.End
		}
		if covered {
			continue
		}
		// A waiting word within four words either side, in the same sentence.
		i := firstWordFrom(s.toks, e.Start)
		j := wordAfter(s.toks, i, e.End)
		ok := false
		for k := max(0, i-4); k < min(len(s.toks), j+4) && !ok; k++ {
			if k < i && sentEndBetween(s.toks, k, i) || k >= j && sentEndBetween(s.toks, j-1, k) {
				continue
			}
			ok = waitContext[s.toks[k].hash]
		}
		if ok {
			out = append(out, Signal{Kind: SignalLongWait, Text: e.Text, Start: e.Start, End: e.End})
		}
	}
	return out
}

func sentEndBetween(toks []token, from, to int) bool {
	for k := from; k < to; k++ {
		if toks[k].flags&tokSentEnd != 0 {
			return true
		}
	}
	return false
}

// reasons collects the evidence behind the anger score.
func (a *Analyzer) reasons(work, text string, s *scratch, msg *accumulator) []Reason {
	out := []Reason{}
	last := map[string]int{} // kind -> index in out of its latest reason
	count := map[string]int{}
	add := func(kind string, st, en int, w float64) {
		if count[kind] >= maxReasonsPerKind {
			return
		}
		// Each pass finds reasons in text order, so an overlap can only be
		// with the latest reason of the same kind.
		if i, ok := last[kind]; ok && st < out[i].End && out[i].Start < en {
			return
		}
		last[kind] = len(out)
		count[kind]++
		out = append(out, Reason{Kind: kind, Text: text[st:en], Start: st, End: en, Weight: w})
	}
	negativeContext := msg.cues.vaderNeg >= 1 || msg.cues.negation > 0
	for _, mt := range s.matches {
		switch {
		case mt.p.tag.group == groupProblem:
			negativeContext = true
		}
	}
	for _, e := range s.emoji {
		negativeContext = negativeContext || e.mood == moodAngry || e.mood == moodSad
	}
	for _, mt := range s.matches {
		if mt.p.tag.group != groupReason {
			continue
		}
		if mt.p.tag.name == "sarcasm" && !negativeContext {
			continue
		}
		add(mt.p.tag.name, int(s.toks[mt.from].start), int(s.toks[mt.to-1].end), mt.p.tag.weight)
	}
	// Words.
	for i, t := range s.toks {
		wi := s.infos[i]
		w := work[t.start:t.end]
		if shouted(t, w) {
			// One reason per run of shouted words.
			if i > 0 && shouted(s.toks[i-1], work[s.toks[i-1].start:s.toks[i-1].end]) && len(out) > 0 && out[len(out)-1].Kind == "caps" {
				last := &out[len(out)-1]
				last.End = int(t.end)
				last.Text = text[last.Start:last.End]
			} else {
				add("caps", int(t.start), int(t.end), 5)
			}
		}
		if wi == nil {
			continue
		}
		switch {
		case wi.kind&lexProfanity != 0:
			add("profanity", int(t.start), int(t.end), 6)
		case wi.kind&lexInsult != 0:
			add("insult", int(t.start), int(t.end), 4)
		case wi.kind&lexNegation != 0:
			// "not happy", "never helpful": a negated positive word.
			for k := i + 1; k < len(s.toks) && k <= i+2; k++ {
				if nw := s.infos[k]; nw != nil && nw.kind&lexValence != 0 && nw.valence >= 1 {
					add("negation", int(t.start), int(s.toks[k].end), 3)
					break
				}
			}
		}
	}
	// Runs of "!!" and "?!".
	for i := 0; i < len(work); i++ {
		if work[i] != '!' && work[i] != '?' {
			continue
		}
		j := i
		bang := 0
		for j < len(work) && (work[j] == '!' || work[j] == '?') {
			if work[j] == '!' {
				bang++
			}
			j++
		}
		if j-i >= 2 && bang >= 1 || j-i >= 3 {
			add("exclamation", i, j, 5)
		}
		i = j
	}
	// Angry faces, and eye-rolls said of a problem.
	for _, e := range s.emoji {
		switch {
		case e.mood == moodAngry:
			add("emoji", e.start, e.end, 6)
		case e.mood == moodEyeRoll && negativeContext:
			add("sarcasm", e.start, e.end, 8)
		}
	}
	// The words the model weighed most towards anger or annoyance (with a
	// reading model, its words instead: it is the one that decides).
	if a.reading == nil {
		out = append(out, a.modelWords(work, text, s, msg)...)
	}
	slices.SortStableFunc(out, func(a, b Reason) int { return cmp.Compare(a.Start, b.Start) })
	return out
}

// modelWords returns up to five words whose weights pushed the anger or
// annoyance score up the most, with their share of the decision value.
func (a *Analyzer) modelWords(work, text string, s *scratch, msg *accumulator) []Reason {
	m := a.emo
	l := a.label.aa
	if l < 0 || msg.nw == 0 || msg.nc == 0 {
		return nil
	}
	nl := len(m.labels)
	iw, ic := 1/math.Sqrt(float64(msg.nw)), 1/math.Sqrt(float64(msg.nc))
	type cand struct {
		i int
		w float64
	}
	var best []cand
	for i, v := range s.vocab {
		if v < 0 {
			continue
		}
		sums, _ := m.wordSums(v, s)
		w := float64(m.scale[l]) * (float64(sums[l])*iw + float64(sums[nl+l])*ic)
		if w < 0.3 {
			continue
		}
		best = append(best, cand{i, w})
	}
	slices.SortStableFunc(best, func(a, b cand) int { return cmp.Compare(b.w, a.w) })
	var out []Reason
	seen := map[uint64]bool{}
	for _, c := range best {
		if len(out) == 5 {
			break
		}
		t := s.toks[c.i]
		if seen[t.hash] {
			continue
		}
		seen[t.hash] = true
		out = append(out, Reason{Kind: "word", Text: text[t.start:t.end], Start: int(t.start), End: int(t.end), Weight: math.Round(c.w*100) / 100})
	}
	return out
}

var greetings = hashSet(map[string]bool{"hi": true, "hello": true, "hey": true, "dear": true, "regards": true,
	"thanks": true, "thank": true, "cheers": true, "sincerely": true, "best": true, "kind": true, "warm": true,
	"morning": true, "afternoon": true, "evening": true, "yours": true, "sent": true, "good": true})

var clauseStarts = hashSet(map[string]bool{"i": true, "i'm": true, "i've": true, "i'd": true, "i'll": true,
	"we": true, "we've": true, "we're": true, "you": true, "you've": true, "you're": true, "it": true, "it's": true,
	"this": true, "that's": true, "there's": true, "still": true, "no": true, "nobody": true, "now": true,
	"please": true, "and": true, "but": true, "my": true, "your": true, "how": true, "why": true, "what": true,
	"when": true, "where": true, "can": true, "could": true, "would": true, "is": true, "are": true, "do": true,
	"does": true, "any": true})

// clauses splits each sentence at commas, semicolons and dashes that start a
// new clause ("charged twice for order 4471, third time I write, fix it NOW"),
// so each point becomes its own concern.
func clauses(work string, toks []token, infos []*wordInfo, sents [][2]int, out [][2]int) [][2]int {
	for _, se := range sents {
		from := se[0]
		for i := se[0] + 2; i <= se[1]-2; i++ {
			gap := work[toks[i-1].end:toks[i].start]
			if len(gap) == 1 && gap[0] == ' ' {
				continue // the common case, decided without a scan
			}
			if !strings.ContainsAny(gap, ",;") && !strings.Contains(gap, " - ") && !strings.Contains(gap, " – ") {
				continue
			}
			h := toks[i].hash
			wi := infos[i]
			starts := imperatives[h] || clauseStarts[h] || wi != nil && wi.classes&(1<<classOrdinal) != 0
			if !starts || i-from < 2 {
				continue
			}
			out = append(out, [2]int{from, i})
			from = i
		}
		out = append(out, [2]int{from, se[1]})
	}
	return out
}

// concerns turns clauses into concerns. It also returns the anger evidence
// points of each sentence (see evidence) and the number of problems stated.
func (a *Analyzer) concerns(work, text string, s *scratch, entities []Entity, signals []Signal, reasons []Reason) ([]Concern, []uint16) {
	out := []Concern{}
	s.clauses = clauses(work, s.toks, s.infos, s.sents, s.clauses[:0])
	// Which markers each clause carries.
	marks := make([]uint16, len(s.clauses))
	for _, mt := range s.matches {
		k := spanOf(s.clauses, mt.from)
		g := mt.p.tag.group
		if g == groupCalm && mt.from > 0 {
			// "not happy", "wasn't helpful": a negated calm word is a feeling.
			for b := max(s.clauses[k][0], mt.from-2); b < mt.from; b++ {
				if wi := s.infos[b]; wi != nil && wi.kind&lexNegation != 0 {
					g = groupFeeling
				}
			}
		}
		if g == groupSignal || g == groupProblem && negatedProblem(s.toks, s.infos, s.clauses[k][0], mt.from) {
			continue
		}
		marks[k] |= 1 << g
	}
	// Complaint signals state a problem; insults and swearing a feeling.
	mark := func(start int, g tagGroup) {
		marks[spanOf(s.clauses, firstWordFrom(s.toks, start))] |= 1 << g
	}
	for _, sg := range signals {
		switch sg.Kind {
		case SignalLegalThreat, SignalRegulatorComplaint, SignalChargeback, SignalPublicExposure,
			SignalRepeatContact, SignalLongWait, SignalSafetyIssue:
			mark(sg.Start, groupProblem)
		case SignalChurnThreat:
			// "I'd like to close my account" is a request; "I'm done,
			// closing my account" says how the customer feels.
			if k := spanOf(s.clauses, firstWordFrom(s.toks, sg.Start)); marks[k]&(1<<groupRequest) == 0 {
				marks[k] |= 1 << groupFeeling
			}
		}
	}
	for _, r := range reasons {
		switch r.Kind {
		case "insult", "profanity", "sarcasm":
			mark(r.Start, groupFeeling)
			marks[spanOf(s.clauses, firstWordFrom(s.toks, r.Start))] |= 1 << groupReason
		case "phrase":
			// "is a joke", "fed up": a complaint said in anger.
			mark(r.Start, groupFeeling)
			mark(r.Start, groupProblem)
		case "problem":
			mark(r.Start, groupProblem) // "charged twice"
		case "caps":
			mark(r.Start, groupShout)
		case "exclamation":
			if i := firstWordFrom(s.toks, r.Start) - 1; i >= 0 {
				marks[spanOf(s.clauses, i)] |= 1 << groupShout
			}
		}
	}
	// Sad faces state a feeling; happy ones soften, as thanks do.
	for _, e := range s.emoji {
		if e.mood != moodSad && e.mood != moodHappy || len(s.clauses) == 0 {
			continue
		}
		i := max(0, min(len(s.toks), firstWordFrom(s.toks, e.start))-1)
		g := groupDistress
		if e.mood == moodHappy {
			g = groupCalm
		}
		marks[spanOf(s.clauses, i)] |= 1 << g
	}
	ei := 0 // entities are in text order, as are clauses
	for k, se := range s.clauses {
		if len(out) == maxConcerns {
			break
		}
		// An @name that opens or closes a tweet addresses the company; it is
		// not part of what the customer says, unless it is the subject of a
		// verb ("@Acme charged me twice": the paraphrase says "we").
		lo, hi := se[0], se[1]
		for hi-lo > 1 && mention(work, s.toks[lo]) && !pastStarts[s.toks[lo+1].hash] && !passiveStarts[s.toks[lo+1].hash] {
			lo++
		}
		for hi-lo > 1 && mention(work, s.toks[hi-1]) {
			hi--
		}
		toks := s.toks[lo:hi]
		if marks[k]&(1<<groupSelf) != 0 {
			marks[k] &^= 1 << groupProblem
		}
		mk := marks[k]
		st, en := int(toks[0].start), int(toks[len(toks)-1].end)
		end := en
		if toks[len(toks)-1].flags&tokSentEnd != 0 {
			end = sentenceEnd(work, en)
		}
		question := strings.ContainsRune(work[en:end], '?')
		has := func(g tagGroup) bool { return mk&(1<<g) != 0 }
		first := toks[0].hash
		for i := 0; i < len(toks)-1 && (leadingFillers[toks[i].hash] || politeWords[toks[i].hash]); i++ {
			first = toks[i+1].hash
		}
		var kind string
		switch {
		case len(toks) <= 4 && greetings[toks[0].hash] && !has(groupProblem) && !has(groupRequest):
			continue
		case has(groupRequest) && (question || politeWords[toks[0].hash]) || imperatives[first] && !question:
			kind = ConcernRequest
		case has(groupProblem) && !question:
			kind = ConcernProblem
		case question:
			kind = ConcernQuestion
		case has(groupRequest):
			kind = ConcernRequest
		case has(groupExpect):
			kind = ConcernExpectation
		case has(groupFeeling) || has(groupDistress):
			kind = ConcernFeeling
		default:
			continue
		}
		if (kind == ConcernRequest || kind == ConcernQuestion || kind == ConcernProblem) && has(groupShout) {
			marks[k] |= 1 << groupFeeling // a shouted demand is a feeling too
		}
		c := Concern{Kind: kind, Text: text[st:end], Start: st, End: end, Entities: []Entity{}}
		for ei < len(entities) && entities[ei].Start < st {
			ei++
		}
		for e := ei; e < len(entities) && entities[e].Start < end; e++ {
			if entities[e].End <= end {
				c.Entities = append(c.Entities, entities[e])
			}
		}
		if kind == ConcernFeeling && has(groupReason) {
			// Saying insults back helps no one; name the feeling instead.
			c.Paraphrase = "you're angry about how we've treated you"
		} else {
			c.Paraphrase = paraphrase(work, toks, s.infos[lo:hi], kind)
		}
		out = append(out, c)
	}
	return out, marks
}

// mention reports a word written as an @name.
func mention(text string, t token) bool { return t.start > 0 && text[t.start-1] == '@' }

// negatedProblem reports whether a problem word at from is denied by a
// negation up to three words before it in its clause: "no complaints",
// "not because of any problem", "not bad at all". ("Never" is left out:
// "never been so let down" is no denial.)
func negatedProblem(toks []token, infos []*wordInfo, clauseStart, from int) bool {
	if wi := infos[from]; wi != nil && wi.kind&lexNegation != 0 {
		return false // the marker is itself a denial ("not arrived")
	}
	for b := max(clauseStart, from-3); b < from; b++ {
		if wi := infos[b]; wi != nil && wi.kind&lexNegation != 0 && toks[b].hash != hashNever {
			return true
		}
	}
	return false
}

var hashNever = wordHash("never")

// spanOf returns the index of the span in spans (sorted, contiguous token
// ranges) that holds token tok.
func spanOf(spans [][2]int, tok int) int {
	k, _ := slices.BinarySearchFunc(spans, tok, func(se [2]int, t int) int {
		switch {
		case se[1] <= t:
			return -1
		case se[0] > t:
			return 1
		}
		return 0
	})
	return min(k, len(spans)-1)
}

// shouted reports an all-caps word that is not an acronym (USB, ATM).
func shouted(t token, w string) bool {
	return t.flags&tokCaps != 0 && (len(w) > shoutKeep || shoutDown[t.hash]) && !placeholder(w)
}

// placeholder is a masked name in the text ("[NAME]", as in GoEmotions).
func placeholder(w string) bool { return w == "NAME" || w == "RELIGION" }

// firstWordFrom returns the index of the first word starting at or after
// byte pos (len(toks) if none), by binary search.
func firstWordFrom(toks []token, pos int) int {
	i, _ := slices.BinarySearchFunc(toks, pos, func(t token, p int) int { return cmp.Compare(int(t.start), p) })
	return i
}
