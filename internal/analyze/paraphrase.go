package analyze

import (
	"strings"
)

// Pronouns are swapped so that the agent can say the customer's point back:
// the customer's "I" becomes "you", and the customer's "you" (the company)
// becomes "we" or "us".
var (
	firstToSecond = hashSet(map[string]string{
		"i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself", "i'm": "you're",
		"i've": "you've", "i'd": "you'd", "i'll": "you'll", "im": "you're", "ive": "you've",
		"we": "you", "us": "you", "our": "your", "ours": "yours", "ourselves": "yourselves", "we're": "you're",
		"we've": "you've", "we'll": "you'll", "we'd": "you'd",
		"your": "our", "yours": "ours", "yourself": "ourselves", "yourselves": "ourselves", "you're": "we're",
		"youre": "we're", "you've": "we've", "you'll": "we'll", "you'd": "we'd", "ur": "our",
	})
	hYou, hU       = wordHash("you"), wordHash("u")
	hI, hAm, hWas  = wordHash("i"), wordHash("am"), wordHash("was")
	subjectBefore  = hashSet(map[string]bool{"and": true, "but": true, "so": true, "if": true, "when": true, "because": true, "that": true, "why": true, "how": true, "where": true, "what": true, "did": true, "do": true, "does": true, "can": true, "could": true, "will": true, "would": true, "have": true, "has": true, "are": true, "were": true, "should": true, "or": true, "then": true, "since": true, "until": true, "unless": true, "as": true, "now": true, "yet": true})
	leadingFillers = hashSet(map[string]bool{"hi": true, "hello": true, "hey": true, "so": true, "well": true, "ok": true, "okay": true, "also": true, "and": true, "but": true, "just": true, "honestly": true, "seriously": true, "look": true, "listen": true, "again": true, "anyway": true, "now": true, "then": true, "btw": true, "plus": true})
	politeWords    = hashSet(map[string]bool{"please": true, "pls": true, "plz": true, "kindly": true, "just": true})
	imperatives    = hashSet(map[string]bool{"give": true, "send": true, "fix": true, "refund": true, "replace": true, "cancel": true,
		"call": true, "contact": true, "return": true, "resolve": true, "sort": true, "explain": true, "tell": true, "update": true,
		"reply": true, "respond": true, "help": true, "reimburse": true, "credit": true, "escalate": true, "check": true,
		"confirm": true, "stop": true, "remove": true, "change": true, "reverse": true, "ship": true, "deliver": true,
		"process": true, "investigate": true, "email": true, "compensate": true, "waive": true, "let": true, "get": true,
		"put": true, "issue": true, "provide": true, "arrange": true, "look": true, "answer": true, "close": true,
		"delete": true, "unsubscribe": true, "transfer": true, "connect": true, "honour": true, "honor": true, "pay": true,
		"ring": true, "phone": true, "advise": true, "do": true, "make": true, "find": true})
	passiveStarts = hashSet(map[string]bool{"charged": true, "billed": true, "overcharged": true, "refused": true,
		"denied": true, "told": true, "promised": true, "sent": true, "given": true, "ignored": true,
		"disconnected": true, "misled": true, "transferred": true, "blocked": true, "locked": true, "forced": true,
		"made": true, "kept": true, "left": true, "hung": true, "cut": true, "asked": true, "debited": true,
		"double": true, "scammed": true, "lied": true, "treated": true})
	pastStarts = hashSet(map[string]bool{"ordered": true, "paid": true, "bought": true, "received": true,
		"called": true, "emailed": true, "waited": true, "tried": true, "contacted": true, "wrote": true,
		"returned": true, "booked": true, "signed": true, "spent": true, "got": true, "had": true, "lost": true,
		"cancelled": true, "canceled": true, "requested": true, "submitted": true, "followed": true})
	feelingStarts = hashSet(map[string]bool{"really": true, "very": true, "so": true, "extremely": true,
		"totally": true, "absolutely": true, "completely": true, "deeply": true, "quite": true, "pretty": true,
		"disappointed": true, "frustrated": true, "upset": true, "furious": true, "angry": true, "annoyed": true,
		"fed": true, "sick": true, "tired": true, "unhappy": true, "livid": true, "fuming": true, "gutted": true,
		"disgusted": true, "appalled": true, "shocked": true, "confused": true, "worried": true, "stressed": true})
	whWords   = hashSet(map[string]bool{"why": true, "when": true, "where": true, "what": true, "how": true, "who": true, "which": true})
	auxVerbs  = hashSet(map[string]bool{"is": true, "are": true, "was": true, "were": true, "has": true, "have": true, "can": true, "will": true, "would": true, "could": true, "should": true, "isn't": true, "hasn't": true, "haven't": true, "won't": true, "can't": true, "wasn't": true, "aren't": true, "weren't": true})
	doVerbs   = hashSet(map[string]bool{"do": true, "does": true, "did": true, "didn't": true, "don't": true, "doesn't": true})
	modalAsks = hashSet(map[string]bool{"can": true, "could": true, "would": true, "will": true})
	determin  = hashSet(map[string]bool{"my": true, "the": true, "our": true, "this": true, "that": true, "your": true, "a": true, "an": true, "his": true, "her": true, "their": true, "these": true, "those": true})
	shoutKeep = 3 // all-caps words this short stay as written (USB, ATM), unless common
	shoutDown = hashSet(map[string]bool{"now": true, "not": true, "why": true, "you": true, "the": true, "and": true,
		"fix": true, "did": true, "was": true, "get": true, "all": true, "yet": true, "any": true, "who": true,
		"how": true, "way": true, "out": true, "bad": true, "mad": true, "off": true, "one": true, "two": true,
		"our": true, "its": true, "can": true, "has": true, "had": true, "are": true, "me": true, "my": true,
		"no": true, "is": true, "it": true, "do": true, "so": true, "to": true, "of": true, "in": true, "on": true,
		"be": true, "we": true, "us": true, "at": true, "or": true, "an": true, "am": true, "he": true, "up": true,
		"for": true, "her": true, "him": true, "his": true, "ask": true, "set": true, "see": true, "new": true})
)

// paraphrase says one concern back to the customer in the second person.
// toks are the words of the concern's sentence.
func paraphrase(text string, toks []token, kind string) string {
	// Drop greetings, fillers and names of address at the start.
	for len(toks) > 1 && leadingFillers[toks[0].hash] {
		toks = toks[1:]
	}
	if len(toks) == 0 {
		return ""
	}
	first := toks[0].hash
	switch kind {
	case ConcernRequest:
		rest := toks
		for len(rest) > 1 && politeWords[rest[0].hash] {
			rest = rest[1:]
		}
		if len(rest) > 2 && modalAsks[rest[0].hash] && (rest[1].hash == hYou || rest[1].hash == hU) {
			rest = rest[2:]
			for len(rest) > 1 && politeWords[rest[0].hash] {
				rest = rest[1:]
			}
			return "you're asking us to " + swapWords(text, rest, false)
		}
		if imperatives[rest[0].hash] {
			return "you want us to " + swapWords(text, rest, false)
		}
	case ConcernQuestion:
		if whWords[first] && len(toks) > 2 && auxVerbs[toks[1].hash] {
			if subj := subjectLen(toks[2:]); subj > 0 && len(toks) > 2+subj {
				// "why was I charged twice" -> "why you were charged twice"
				wh := swapWords(text, toks[:1], false)
				s := swapWords(text, toks[2:2+subj], true)
				aux := agree(text, toks[1], toks[2])
				return "you're asking " + wh + " " + s + " " + aux + " " + swapWords(text, toks[2+subj:], false)
			}
		}
		if auxVerbs[first] && len(toks) > 2 {
			if subj := subjectLen(toks[1:]); subj > 0 && len(toks) > 1+subj {
				s := swapWords(text, toks[1:1+subj], true)
				aux := agree(text, toks[0], toks[1])
				return "you're asking whether " + s + " " + aux + " " + swapWords(text, toks[1+subj:], false)
			}
		}
		return "you asked: \"" + swapWords(text, toks, true) + "?\""
	}
	switch {
	case passiveStarts[first]:
		return "you were " + swapWords(text, toks, false)
	case pastStarts[first]:
		return "you " + swapWords(text, toks, false)
	case feelingStarts[first]:
		return "you're " + swapWords(text, toks, false)
	}
	return swapWords(text, toks, true)
}

// subjectLen returns how many words at the start of toks form a simple
// subject: a pronoun, or a determiner and a noun.
func subjectLen(toks []token) int {
	if _, ok := firstToSecond[toks[0].hash]; ok || toks[0].hash == hYou || toks[0].hash == hU {
		return 1
	}
	if determin[toks[0].hash] && len(toks) > 1 {
		return 2
	}
	return 0
}

// agree returns the auxiliary aux in the person of its swapped subject.
func agree(text string, aux, subject token) string {
	a := strings.ToLower(text[aux.start:aux.end])
	switch {
	case subject.hash == hI && (a == "am" || a == "was"):
		if a == "am" {
			return "are"
		}
		return "were"
	case subject.hash == hI && a == "wasn't":
		return "weren't"
	}
	return a
}

// swapWords writes toks with pronouns swapped, shouting lowered and the gaps
// between words tidied; atStart says toks begin a clause (so "you" -> "we").
func swapWords(text string, toks []token, atStart bool) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 {
			gap := text[toks[i-1].end:t.start]
			b.WriteString(tidyGap(gap))
		}
		w := text[t.start:t.end]
		prev := uint64(0)
		if i > 0 {
			prev = toks[i-1].hash
		}
		switch {
		case t.hash == hYou || t.hash == hU:
			// Subject "we", object "us".
			if i == 0 && atStart || i > 0 && subjectBefore[prev] || i+1 < len(toks) && auxAfterYou(toks[i+1].hash) {
				w = "we"
			} else {
				w = "us"
			}
		case t.hash == hAm && prev == hI:
			w = "are"
		case t.hash == hWas && prev == hI:
			w = "were"
		default:
			if s, ok := firstToSecond[t.hash]; ok {
				w = s
			} else if t.flags&tokCaps != 0 && (len(w) > shoutKeep || shoutDown[t.hash]) {
				w = strings.ToLower(w)
			} else if i == 0 && t.flags&tokUpper != 0 && t.flags&tokCaps == 0 {
				w = strings.ToLower(w[:1]) + w[1:]
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

var verbsAfterYou = hashSet(map[string]bool{"charged": true, "have": true, "are": true, "were": true, "did": true,
	"didn't": true, "don't": true, "never": true, "sent": true, "promised": true, "said": true, "told": true,
	"keep": true, "kept": true, "can't": true, "won't": true, "should": true, "will": true, "took": true,
	"cancelled": true, "canceled": true, "billed": true, "lost": true, "ignored": true, "still": true, "guys": true})

func auxAfterYou(h uint64) bool { return verbsAfterYou[h] }

// tidyGap keeps the punctuation that joins words ("4471-B", "$59"), turns
// clause punctuation into a comma, drops shouting ("!!!") and collapses
// white space.
func tidyGap(gap string) string {
	if !strings.ContainsAny(gap, " \t\r\n") && !strings.ContainsAny(gap, "!?") {
		return gap
	}
	kept := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n', '!', '?':
			return -1
		}
		return r
	}, gap)
	switch {
	case kept == "":
		return " "
	case strings.ContainsAny(kept, ",;:.") || strings.ContainsAny(gap, "!?"):
		return ", "
	}
	return " " + kept
}
