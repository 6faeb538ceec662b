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
	hYou, hU          = wordHash("you"), wordHash("u")
	hI, hAm, hWas     = wordHash("i"), wordHash("am"), wordHash("was")
	hThank, hThanks   = wordHash("thank"), wordHash("thanks")
	hHi, hHello, hHey = wordHash("hi"), wordHash("hello"), wordHash("hey")
	greetingAddress   = hashSet(map[string]bool{"there": true, "team": true, "all": true, "folks": true, "guys": true, "everyone": true})
	someone           = hashSet(map[string]bool{"someone": true, "somebody": true, "anyone": true, "anybody": true})
	leadingFillers    = hashSet(map[string]bool{"hi": true, "hello": true, "hey": true, "so": true, "well": true, "ok": true, "okay": true, "also": true, "and": true, "but": true, "just": true, "honestly": true, "seriously": true, "look": true, "listen": true, "again": true, "anyway": true, "now": true, "then": true, "btw": true, "plus": true})
	politeWords       = hashSet(map[string]bool{"please": true, "pls": true, "plz": true, "kindly": true, "just": true})
	imperatives       = hashSet(map[string]bool{"give": true, "send": true, "fix": true, "refund": true, "replace": true, "cancel": true,
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
	modalAsks = hashSet(map[string]bool{"can": true, "could": true, "would": true, "will": true})
	pronouns  = hashSet(map[string]bool{"i": true, "you": true, "we": true, "they": true, "he": true, "she": true,
		"it": true, "u": true, "anyone": true, "someone": true, "anybody": true, "somebody": true, "this": true, "that": true})
	// npStop ends a noun phrase: prepositions, adverbs and common verbs.
	npStop = hashSet(map[string]bool{"on": true, "in": true, "at": true, "for": true, "to": true, "from": true,
		"with": true, "by": true, "of": true, "about": true, "since": true, "still": true, "not": true, "never": true,
		"already": true, "yet": true, "ever": true, "even": true, "really": true, "so": true, "here": true,
		"there": true, "been": true, "be": true, "being": true, "arrive": true, "come": true, "ship": true,
		"get": true, "take": true, "work": true, "go": true, "happen": true, "start": true, "stop": true,
		"deliver": true, "cost": true, "show": true, "appear": true, "reach": true, "change": true, "load": true,
		"open": true, "run": true, "charge": true, "renew": true, "expire": true, "end": true, "taking": true,
		"coming": true, "going": true, "working": true, "showing": true, "and": true, "or": true, "but": true,
		"now": true, "today": true, "again": true, "back": true, "out": true, "up": true})
	determin  = hashSet(map[string]bool{"my": true, "the": true, "our": true, "this": true, "that": true, "your": true, "a": true, "an": true, "his": true, "her": true, "their": true, "these": true, "those": true})
	shoutKeep = 4 // all-caps words this short stay as written (USB, IBAN), unless common; codes (AA2291) always
	shoutDown = hashSet(map[string]bool{"now": true, "not": true, "why": true, "you": true, "the": true, "and": true,
		"fix": true, "did": true, "was": true, "get": true, "all": true, "yet": true, "any": true, "who": true,
		"how": true, "way": true, "out": true, "bad": true, "mad": true, "off": true, "one": true, "two": true,
		"our": true, "its": true, "can": true, "has": true, "had": true, "are": true, "me": true, "my": true,
		"no": true, "is": true, "it": true, "do": true, "so": true, "to": true, "of": true, "in": true, "on": true,
		"be": true, "we": true, "us": true, "at": true, "or": true, "an": true, "am": true, "he": true, "up": true,
		"for": true, "her": true, "him": true, "his": true, "ask": true, "set": true, "see": true, "new": true,
		"help": true, "this": true, "that": true, "with": true, "have": true, "been": true, "will": true,
		"what": true, "when": true, "your": true, "just": true, "over": true, "from": true, "they": true,
		"them": true, "then": true, "than": true, "back": true, "need": true, "want": true, "time": true,
		"days": true, "week": true, "done": true, "make": true, "take": true, "give": true, "ever": true,
		"only": true, "very": true, "much": true, "more": true, "some": true, "like": true, "here": true,
		"stop": true, "once": true, "again": true, "late": true, "lost": true, "paid": true, "sent": true})
	// after "you", these name the company ("you people") and are dropped.
	youPeople = hashSet(map[string]bool{"people": true, "guys": true, "lot": true, "lads": true})
)

// paraphrase says one concern back to the customer in the second person.
// toks are the words of the concern's sentence.
func paraphrase(text string, toks []token, infos []*wordInfo, kind string) string {
	// Drop greetings, fillers and names of address at the start.
	for len(toks) > 1 && leadingFillers[toks[0].hash] {
		if len(toks) > 2 && greetingAddress[toks[1].hash] && (toks[0].hash == hHi || toks[0].hash == hHello || toks[0].hash == hHey) {
			toks, infos = toks[1:], infos[1:] // "hi there", "hello team"
		}
		toks, infos = toks[1:], infos[1:]
	}
	if len(toks) == 0 {
		return ""
	}
	first := toks[0].hash
	switch kind {
	case ConcernRequest:
		rest, ri := skipPolite(toks, infos)
		if len(rest) > 2 && modalAsks[rest[0].hash] && someone[rest[1].hash] {
			// "could someone please call him" -> "you're asking for someone to call him"
			rest, ri = skipPolite(rest[2:], ri[2:])
			return "you're asking for someone to " + swapWords(text, rest, ri, false)
		}
		if len(rest) > 2 && modalAsks[rest[0].hash] && (rest[1].hash == hYou || rest[1].hash == hU) {
			rest, ri = skipPolite(rest[2:], ri[2:])
			return "you're asking us to " + swapWords(text, rest, ri, false)
		}
		if imperatives[rest[0].hash] {
			return "you want us to " + swapWords(text, rest, ri, false)
		}
		if len(rest) < len(toks) {
			// "please pass on my thanks"
			return "you'd like us to " + swapWords(text, rest, ri, false)
		}
	case ConcernQuestion:
		if whWords[first] && len(toks) > 2 && auxVerbs[toks[1].hash] {
			if subj := subjectLen(text, toks[2:]); subj > 0 && len(toks) >= 2+subj {
				// "why was I charged twice" -> "why you were charged twice"
				wh := swapWords(text, toks[:1], infos[:1], false)
				s := swapWords(text, toks[2:2+subj], infos[2:2+subj], true)
				aux := agree(text, toks[1], toks[2])
				out := "you're asking " + wh + " " + s + " " + aux
				if len(toks) > 2+subj {
					out += " " + swapWords(text, toks[2+subj:], infos[2+subj:], false)
				}
				return out
			}
		}
		if auxVerbs[first] && len(toks) > 2 {
			if subj := subjectLen(text, toks[1:]); subj > 0 && len(toks) > 1+subj {
				s := swapWords(text, toks[1:1+subj], infos[1:1+subj], true)
				aux := agree(text, toks[0], toks[1])
				return "you're asking whether " + s + " " + aux + " " + swapWords(text, toks[1+subj:], infos[1+subj:], false)
			}
		}
		return "you asked: \"" + swapWords(text, toks, infos, true) + "?\""
	}
	switch {
	case infos[0] != nil && infos[0].classes&(1<<classOrdinal) != 0:
		// "third time I write" -> "this is the third time you write"
		return "this is the " + swapWords(text, toks, infos, false)
	case passiveStarts[first]:
		return "you were " + swapWords(text, toks, infos, false)
	case pastStarts[first]:
		return "you " + swapWords(text, toks, infos, false)
	case feelingStarts[first]:
		return "you're " + swapWords(text, toks, infos, false)
	}
	return swapWords(text, toks, infos, true)
}

// skipPolite drops "please", "kindly", "just" from the start of toks.
func skipPolite(toks []token, infos []*wordInfo) ([]token, []*wordInfo) {
	for len(toks) > 1 && politeWords[toks[0].hash] {
		toks, infos = toks[1:], infos[1:]
	}
	return toks, infos
}

// subjectLen returns how many words at the start of toks form a simple
// subject: a pronoun, or a determiner and a noun.
func subjectLen(text string, toks []token) int {
	if pronouns[toks[0].hash] {
		return 1
	}
	if !determin[toks[0].hash] || len(toks) < 2 {
		return 0
	}
	n := 2
	for n < len(toks) && !npStop[toks[n].hash] && !strings.HasSuffix(strings.ToLower(text[toks[n].start:toks[n].end]), "ed") {
		n++
	}
	return n
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
func swapWords(text string, toks []token, infos []*wordInfo, atStart bool) string {
	var b strings.Builder
	b.Grow(int(toks[len(toks)-1].end-toks[0].start) + 16)
	for i, t := range toks {
		if i > 0 && youPeople[t.hash] && toks[i-1].hash == hYou {
			continue // "you people" -> "us"
		}
		if i > 0 {
			gap := text[toks[i-1].end:t.start]
			b.WriteString(tidyGap(gap))
		}
		w := text[t.start:t.end]
		if mention(text, t) {
			b.WriteString("we") // "@Acme charged me" -> "we charged you"
			continue
		}
		if (infos[i] == nil || infos[i].kind&lexSwap == 0) && t.flags&(tokCaps|tokUpper) == 0 {
			b.WriteString(w)
			continue
		}
		prev := uint64(0)
		if i > 0 {
			prev = toks[i-1].hash
		}
		switch {
		case (t.hash == hYou || t.hash == hU) && (prev == hThank || prev == hThanks):
			// "thank you" is said the same way back
		case t.hash == hYou || t.hash == hU:
			// Object "us" after a preposition or a verb that takes one,
			// or at the end of the clause; subject "we" otherwise.
			if i > 0 && objectBefore[prev] || i == len(toks)-1 && i > 0 {
				w = "us"
			} else {
				w = "we"
			}
		case t.hash == hAm && prev == hI:
			w = "are"
		case t.hash == hWas && prev == hI:
			w = "were"
		default:
			if s, ok := firstToSecond[t.hash]; ok {
				w = s
			} else if t.flags&tokCaps != 0 && (len(w) > shoutKeep && !strings.ContainsAny(w, "0123456789") || shoutDown[t.hash]) {
				w = strings.ToLower(w)
			} else if i == 0 && t.flags&tokUpper != 0 && t.flags&tokCaps == 0 {
				w = strings.ToLower(w[:1]) + w[1:]
			}
		}
		b.WriteString(w)
	}
	// Closing marks right after the last word belong to it ("87%", a
	// closing quote or bracket).
	last := toks[len(toks)-1]
	for i := int(last.end); i < len(text) && strings.IndexByte("%)]\"'", text[i]) >= 0; i++ {
		b.WriteByte(text[i])
	}
	return b.String()
}

var objectBefore = hashSet(map[string]bool{"to": true, "for": true, "with": true, "at": true, "from": true,
	"about": true, "by": true, "of": true, "on": true, "than": true, "like": true, "against": true, "without": true,
	"towards": true, "toward": true, "into": true, "told": true, "asked": true, "paid": true, "sent": true,
	"called": true, "emailed": true, "gave": true, "thank": true, "thanks": true, "contacted": true, "trust": true,
	"give": true, "let": true, "help": true, "see": true, "owe": true, "pay": true, "tell": true, "show": true,
	"remind": true, "warn": true, "ask": true, "trusted": true, "chose": true, "choose": true, "messaged": true,
	"phoned": true, "rang": true, "reported": true, "report": true, "sue": true, "recommend": true, "recommended": true,
	"begging": true, "beg": true, "texted": true, "joined": true, "left": true, "leaving": true})

// tidyGap keeps the punctuation that joins words ("4471-B", "$59") and
// quotes and brackets where they stand ("the \"free\" promo"), turns
// clause punctuation into a comma, drops shouting ("!!!") and collapses
// white space.
func tidyGap(gap string) string {
	if gap == " " {
		return gap
	}
	if !strings.ContainsAny(gap, " \t\r\n") && !strings.ContainsAny(gap, "!?") {
		return gap
	}
	if strings.ContainsAny(gap, ",;:.!?") {
		return ", "
	}
	var b strings.Builder
	space := false
	for _, r := range gap {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			space = true
			continue
		}
		if space {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	if space {
		b.WriteByte(' ')
	}
	return b.String()
}
