package analyze

import (
	"math"
	"slices"
	"strings"
)

// ruleView is what the rules and the emotion model made of a message: the
// reading model's dense inputs, gathered once in read.
type ruleView struct {
	probs     []float32 // emotion probabilities
	maxSent   float32   // the hottest sentence's anger-or-annoyance probability
	model     float64   // the emotion model's share of the rules' anger, 0-100
	points    float64   // the rules' evidence points
	anger     float64   // the rules' anger, 0-100
	sentiment float64   // the rules' sentiment score, -1..1
	compound  float64   // VADER-style valence, -1..1
	ev        *evidence
	service   bool
	complaint bool
	cues      *cueCounts
	concerns  []Concern
	signals   []Signal
	entities  []Entity
	emoji     []emojiAt
	hints     []match     // matches of hint patterns of more than one word
	infos     []*wordInfo // per word; one-word hints are flags on them
	work      string
}

// denseNames names the reading model's dense features, in order. The
// emotion probabilities come first, one per emotion-model label.
var denseNames = []string{
	"rules.anger", "rules.evidence", "rules.model", "rules.sentiment", "rules.compound", "rules.complaint",
	"rules.service", "rules.heated", "rules.softened", "emotion.hottest_sentence",
	"ev.problems", "ev.feelings", "ev.distress", "ev.hedges", "ev.resolved", "ev.calm", "ev.caps_share",
	"reason.caps", "reason.exclamation", "reason.profanity", "reason.insult", "reason.sarcasm",
	"reason.phrase", "reason.negation", "reason.emoji", "reason.problem",
	"signal.manager_request", "signal.legal_threat", "signal.regulator_complaint", "signal.chargeback",
	"signal.public_exposure", "signal.churn_threat", "signal.repeat_contact", "signal.long_wait",
	"signal.safety_issue", "signal.vulnerable_customer",
	"concern.problem", "concern.request", "concern.question", "concern.expectation", "concern.feeling",
	"cue.caps_share", "cue.caps", "cue.exclamations", "cue.exclamation_run", "cue.questions",
	"cue.vader_positive", "cue.vader_negative", "cue.negations", "cue.profanity", "cue.elongated",
	"cue.second_person", "cue.length", "cue.max_negative", "cue.max_positive_insult",
	"emoji.angry", "emoji.eye_roll", "emoji.sad", "emoji.happy",
	"text.question_run", "text.mention", "text.link", "text.money", "text.duration", "text.count",
	"text.order_number", "text.date",
	"hint.manager_request", "hint.legal_threat", "hint.regulator_complaint", "hint.chargeback",
	"hint.public_exposure", "hint.churn_threat", "hint.repeat_contact", "hint.long_wait",
	"hint.safety_issue", "hint.vulnerable_customer",
	"counter.repeat_contact", "counter.long_wait", "counter.churn_threat", "counter.thread_reply",
}

// numDense is the number of dense features for an emotion model of nl labels.
func numDense(nl int) int { return nl + len(denseNames) }

// dense appends the dense features of v to out: every emotion probability,
// then the features named in denseNames.
func (v *ruleView) dense(out []float32) []float32 {
	out = append(out, v.probs...)
	b := func(x bool) float32 {
		if x {
			return 1
		}
		return 0
	}
	n3 := func(n int) float32 { return float32(min(n, 3)) / 3 }
	ev := v.ev
	out = append(out,
		float32(v.anger/100), float32(1-math.Exp(-max(0, v.points)/60)), float32(v.model/100),
		float32(v.sentiment), float32(v.compound), b(v.complaint), b(v.service), b(ev.heated()), b(ev.softened()),
		v.maxSent,
		n3(ev.problems), n3(ev.feelings), n3(ev.distress), n3(ev.hedges), n3(ev.resolved), n3(ev.calm),
		float32(ev.capsShare))
	for _, n := range ev.byKind {
		out = append(out, n3(n))
	}
	for _, on := range ev.sigs {
		out = append(out, b(on))
	}
	var kinds [5]int
	for _, c := range v.concerns {
		switch c.Kind {
		case ConcernProblem:
			kinds[0]++
		case ConcernRequest:
			kinds[1]++
		case ConcernQuestion:
			kinds[2]++
		case ConcernExpectation:
			kinds[3]++
		case ConcernFeeling:
			kinds[4]++
		}
	}
	for _, n := range kinds {
		out = append(out, n3(n))
	}
	var cues [numCues]float32
	v.cues.features(&cues)
	out = append(out, cues[:]...)
	var moods [5]int
	for _, e := range v.emoji {
		moods[e.mood]++
	}
	out = append(out, n3(moods[moodAngry]), n3(moods[moodEyeRoll]), n3(moods[moodSad]), n3(moods[moodHappy]))
	var ents [5]bool
	for _, e := range v.entities {
		switch e.Kind {
		case EntityMoney:
			ents[0] = true
		case EntityDuration:
			ents[1] = true
		case EntityCount:
			ents[2] = true
		case EntityOrder, EntityAccount, EntityTicket, EntityTracking, EntityInvoice:
			ents[3] = true
		case EntityDate:
			ents[4] = true
		}
	}
	out = append(out, b(strings.Contains(v.work, "??") || strings.Contains(v.work, "?!")),
		b(mentionsAccount(v.work)), b(strings.Contains(v.work, "http")))
	for _, on := range ents {
		out = append(out, b(on))
	}
	var hints [len(signalKinds)]int
	var counters [len(counterKinds)]int
	for _, mt := range v.hints {
		if mt.p.tag.group == groupCounter {
			counters[slices.Index(counterKinds[:], mt.p.tag.name)]++
			continue
		}
		hints[signalIndex(mt.p.tag.name)]++
	}
	for _, wi := range v.infos {
		if wi == nil || wi.hints == 0 {
			continue
		}
		for k := range hints {
			if wi.hints&(1<<k) != 0 {
				hints[k]++
			}
		}
	}
	for _, n := range hints {
		out = append(out, n3(n))
	}
	for _, n := range counters {
		out = append(out, n3(n))
	}
	return out
}
