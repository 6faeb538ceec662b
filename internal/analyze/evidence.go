package analyze

import (
	"math"
	"strings"
)

// combine reads the model's 0-100 score and the evidence points as
// independent evidence. Points saturate: 25 (a problem stated) read as 34,
// 60 as 63, 95 as 79.
func combine(model, points float64) float64 {
	model = max(0, min(100, model))
	ev := 1 - math.Exp(-max(0, points)/60)
	return 100 * (1 - (1-model/100)*(1-ev))
}

// evidence adds up, in anger points, what a customer-service reader weighs
// beyond the model: problems and feelings stated, shouting, swearing,
// sarcasm, threats and how long this has gone on.
type evidence struct {
	problems, feelings, calm int
	distress                 int     // sad, worried, disappointed: a complaint, not anger
	hedges, resolved         int     // "a bit", "no rush"; "all sorted", "thanks for fixing"
	capsShare                float64 // share of the words shouted
	byKind                   [len(reasonKinds)]int
	sigs                     [len(signalKinds)]bool
}

func (e *evidence) clauseMarks(marks []uint16) {
	for _, mk := range marks {
		if mk&(1<<groupProblem) != 0 {
			e.problems++
		}
		if mk&(1<<groupFeeling) != 0 {
			e.feelings++
		}
		if mk&(1<<groupCalm) != 0 {
			e.calm++
		}
		if mk&(1<<groupDistress) != 0 {
			e.distress++
		}
		if mk&(1<<groupHedge) != 0 {
			e.hedges++
		}
		if mk&(1<<groupResolved) != 0 {
			e.resolved++
		}
	}
}

func (e *evidence) reason(r Reason) {
	for i, k := range reasonKinds {
		if k.kind == r.Kind {
			e.byKind[i]++
		}
	}
}

func (e *evidence) signal(s Signal) {
	for i, k := range signalKinds {
		if k.kind == s.Kind {
			e.sigs[i] = true
		}
	}
}

// reasonKinds are the points per reason of a kind and the most a kind adds.
var reasonKinds = [...]struct {
	kind      string
	each, top float64
}{
	{"caps", 8, 16}, {"exclamation", 5, 10}, {"profanity", 8, 16}, {"insult", 8, 16},
	{"sarcasm", 10, 20}, {"phrase", 8, 24}, {"negation", 3, 6}, {"emoji", 8, 16}, {"problem", 6, 12},
}

// reasonIndex returns the index of a reason kind in reasonKinds.
func reasonIndex(kind string) int {
	for i, k := range reasonKinds {
		if k.kind == kind {
			return i
		}
	}
	panic("analyze: unknown reason kind " + kind)
}

// heatedReasons are the reason kinds that show irritation in themselves.
var heatedReasons = map[string]bool{"caps": true, "exclamation": true, "profanity": true, "insult": true,
	"sarcasm": true, "phrase": true, "emoji": true}

var signalKinds = [...]struct {
	kind   string
	points float64
}{
	{SignalManagerRequest, 12}, {SignalLegalThreat, 20}, {SignalRegulatorComplaint, 15}, {SignalChargeback, 15},
	{SignalPublicExposure, 12}, {SignalChurnThreat, 15}, {SignalRepeatContact, 15}, {SignalLongWait, 15},
	{SignalSafetyIssue, 8}, {SignalVulnerableCustomer, 0},
}

// signalIndex returns the index of a signal kind in signalKinds.
func signalIndex(kind string) int {
	for i, k := range signalKinds {
		if k.kind == kind {
			return i
		}
	}
	panic("analyze: unknown signal kind " + kind)
}

// heated reports whether anything beyond a stated problem shows irritation:
// a feeling of anger, shouting, swearing, sarcasm, an angry phrase or
// emoji, or a threat, a demand for a manager or a repeated contact.
func (e *evidence) heated() bool {
	if e.feelings > 0 || e.capsShare >= 0.5 {
		return true
	}
	for i, n := range e.byKind {
		if n > 0 && heatedReasons[reasonKinds[i].kind] {
			return true
		}
	}
	for i, on := range e.sigs {
		switch signalKinds[i].kind {
		case SignalManagerRequest, SignalLegalThreat, SignalRegulatorComplaint, SignalChargeback,
			SignalPublicExposure, SignalRepeatContact:
			if on {
				return true
			}
		}
	}
	return false
}

// points returns the evidence in anger points; other is the model's mass
// of disappointment, disapproval and disgust.
//
// A problem told with a hedge and without heat ("sorry to bother you, the
// app keeps crashing since the update, no rush") is a complaint, not an
// angry one: it weighs a third. (Greetings and thanks alone soften nothing:
// annoyed customers say "Hi" and "thanks" too; on the labelled customer
// messages counting them cost recall on both halves.) A problem the
// message says is put right weighs little at all.
func (e *evidence) points(other float64) float64 {
	p := 12 * other
	heated := e.heated()
	if e.problems > 0 {
		if e.hedges > 0 && !heated {
			p += min(12, 8+2*float64(e.problems-1))
		} else {
			p += min(40, 25+8*float64(e.problems-1))
		}
	}
	if e.feelings > 0 {
		p += 12
	}
	for i, n := range e.byKind {
		p += min(reasonKinds[i].top, reasonKinds[i].each*float64(n))
	}
	for i, on := range e.sigs {
		if !on {
			continue
		}
		if signalKinds[i].kind == SignalChurnThreat && e.problems == 0 && !heated {
			p += 4 // leaving, without a word against us: a request
			continue
		}
		p += signalKinds[i].points
	}
	if e.capsShare >= 0.5 {
		p += 10 // the whole message is shouted
	}
	if e.calm > 0 && e.problems == 0 && e.feelings == 0 {
		p -= 10
	}
	if e.resolved > 0 {
		p *= 0.3
	}
	return p
}

// softened reports a complaint told calmly: hedged or put right, with no
// heat. The model's Reddit-trained anger then counts for less too.
func (e *evidence) softened() bool {
	return (e.hedges > 0 || e.resolved > 0) && !e.heated()
}

func hasComplaintSignal(sigs []Signal) bool {
	for _, s := range sigs {
		switch s.Kind {
		case SignalVulnerableCustomer, SignalManagerRequest, SignalChurnThreat:
		default:
			return true
		}
	}
	return false
}

// serviceWords mark a message written to a business about its service.
var serviceWords = hashSet(map[string]bool{"order": true, "orders": true, "ordered": true, "refund": true,
	"refunded": true, "delivery": true, "delivered": true, "package": true, "parcel": true, "account": true,
	"charged": true, "charge": true, "charges": true, "bill": true, "billed": true, "billing": true,
	"payment": true, "paid": true, "subscription": true, "customer": true, "service": true, "support": true,
	"agent": true, "product": true, "item": true, "warranty": true, "replacement": true, "ticket": true,
	"invoice": true, "shipping": true, "shipped": true, "courier": true, "app": true, "website": true,
	"booking": true, "booked": true, "flight": true, "reservation": true, "store": true, "shop": true,
	"company": true, "email": true, "emailed": true, "called": true, "phone": true, "helpline": true,
	"contract": true, "plan": true, "fee": true, "fees": true, "card": true, "bank": true, "purchase": true,
	"bought": true, "sold": true, "return": true, "cancel": true, "cancelled": true, "canceled": true, "internet": true,
	"broadband": true, "wifi": true, "login": true, "password": true, "manager": true, "complaint": true,
	"staff": true, "driver": true, "hotel": true, "room": true, "luggage": true, "bag": true, "airline": true,
	"train": true, "price": true, "money": true, "receipt": true, "install": true, "engineer": true,
	"technician": true, "appointment": true, "hold": true, "tracking": true, "update": true, "upgrade": true,
	"arrived": true, "arrive": true, "broken": true, "damaged": true, "defective": true, "faulty": true,
	"received": true, "delay": true, "delayed": true, "late": true, "repair": true, "warehouse": true,
	"answer": true, "reply": true, "response": true, "responded": true, "replied": true, "respond": true,
	"fix": true, "fixed": true, "replace": true, "replaced": true, "resolve": true, "resolved": true,
	"reimburse": true, "compensate": true, "compensation": true, "escalate": true, "waive": true, "contact": true,
	"contacted": true, "sorted": true, "asap": true})

// serviceContext reports whether text reads as a message to a business:
// a business signal fired (a manager asked for, a legal or regulator threat,
// a chargeback, a churn threat), it mentions an account (@name, as tweets
// to a company do, at the start or the end), or it names the service. Waits, repeats, hazards and platforms named are as
// common in any conversation and do not count.
func serviceContext(text string, toks []token, sigs []Signal) bool {
	if mentionsAccount(text) {
		return true
	}
	for _, s := range sigs {
		switch s.Kind {
		case SignalManagerRequest, SignalLegalThreat, SignalRegulatorComplaint, SignalChargeback, SignalChurnThreat:
			return true
		}
	}
	for _, t := range toks {
		if serviceWords[t.hash] {
			return true
		}
	}
	return false
}

// mentionsAccount reports an @name: an @ at the start of the text or after
// a space, followed by a letter.
func mentionsAccount(text string) bool {
	for i := strings.IndexByte(text, '@'); i >= 0; {
		if (i == 0 || text[i-1] == ' ' || text[i-1] == '\n') && i+1 < len(text) && isASCIILetter(text[i+1]) {
			return true
		}
		j := strings.IndexByte(text[i+1:], '@')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
