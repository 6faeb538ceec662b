package coach

import (
	"sort"
	"strings"
	"time"
)

// promises extracts the promises of the reply: each "I will …", "we are
// going to …", "you will receive …" clause that names something to do, with
// its amount and due time.
func (c *Coach) promises(d *doc) []Promise {
	first := c.vocabMatches(d, "commitment_first_person")
	other := c.vocabMatches(d, "commitment_other")
	type cue struct {
		m         match
		firstPers bool
	}
	var cues []cue
	for _, m := range first {
		cues = append(cues, cue{m, true})
	}
	for _, m := range other {
		cues = append(cues, cue{m, false})
	}
	sort.Slice(cues, func(i, j int) bool { return cues[i].m.from < cues[j].m.from })
	// One cue per position: overlapping cues are one promise, and the
	// shortest reading wins ("it will arrive", not "courier, and it will
	// arrive").
	kept := cues[:0]
	for _, q := range cues {
		if n := len(kept); n > 0 && q.m.from < kept[n-1].m.to {
			if q.m.to <= kept[n-1].m.to || q.m.to-q.m.from < kept[n-1].m.to-kept[n-1].m.from {
				kept[n-1] = q
			}
			continue
		}
		kept = append(kept, q)
	}
	cues = kept
	out := []Promise{}
	cal := d.ctx.calendar()
	var sent time.Time
	if !d.ctx.SentAt.IsZero() {
		sent = d.ctx.SentAt.In(cal.Location)
	}
	for qi, q := range cues {
		si := d.sentOf[q.m.from]
		if isQuestion(d, si) || conditionalOffer(d, si, q.m.from) || negatedBefore(d, d.sents[si], q.m.from) {
			continue
		}
		s := d.sents[si]
		clauseEnd := s.to
		if qi+1 < len(cues) && d.sentOf[cues[qi+1].m.from] == si {
			clauseEnd = cues[qi+1].m.from
		}
		actFrom := q.m.from
		if q.firstPers {
			actFrom = q.m.to
		}
		// The promise must name something to do.
		verb := false
		for i := q.m.from; i < clauseEnd; i++ {
			if d.toks[i].kind == kWord && (c.actionVerbs.has(&d.toks[i]) || c.weakVerbs.has(&d.toks[i])) {
				verb = true
				break
			}
		}
		if !verb || actFrom >= clauseEnd {
			continue
		}
		// The time: inside the clause, or the sentence's only time after the cue.
		ti := -1
		for i, t := range d.times {
			if t.from >= q.m.from && t.from < clauseEnd {
				ti = i
				break
			}
		}
		if ti < 0 {
			n, last := 0, -1
			for i := range d.times {
				if d.timeSent[i] == si {
					n, last = n+1, i
				}
			}
			if n == 1 && d.times[last].from > q.m.from {
				ti = last
			}
		}
		actTo := clauseEnd
		if ti >= 0 && d.times[ti].from > actFrom && d.times[ti].from < actTo {
			actTo = d.times[ti].from
		}
		action := trimAction(d, actFrom, actTo)
		if action == "" {
			continue
		}
		cs, ce := d.span(q.m.from, clauseEnd)
		cm := Promise{Action: action, Start: cs, End: ce, Vague: ti < 0}
		cm.Amount = amount(d, q.m.from, clauseEnd)
		if cm.Amount == "" {
			cm.Amount = amount(d, s.from, s.to)
		}
		if ti >= 0 {
			ts, te := d.span(d.times[ti].from, d.times[ti].to)
			cm.DueText = d.text[ts:te]
			if !sent.IsZero() {
				due := d.times[ti].due(sent, cal)
				cm.DueAt = &due
			}
		}
		out = append(out, cm)
	}
	return out
}

// conditionalOffer is true for "if you'd like, I will …" and "I can …"
// sentences: an offer waiting for the customer's answer is not yet a
// promise. A plain "if" inside a promise ("I will call if …") keeps it.
func conditionalOffer(d *doc, si, cue int) bool {
	s := d.sents[si]
	for i := s.from; i < cue && i < s.to; i++ {
		if d.toks[i].norm == "if" && i+2 < s.to && d.toks[i+1].norm == "you" &&
			(d.toks[i+2].norm == "would" || d.toks[i+2].norm == "prefer" || d.toks[i+2].norm == "want" || d.toks[i+2].norm == "like") {
			return true
		}
	}
	return false
}

// trimAction is the reply's text for toks [from, to), without trailing
// joiners and punctuation.
func trimAction(d *doc, from, to int) string {
	for to > from {
		switch d.toks[to-1].norm {
		case "and", "or", "but", "then", "so", "by", "within", "on", "in", "before", "no", "later", "than", "at", "until":
			if d.toks[to-1].kind == kWord && to-1 > from {
				to--
				continue
			}
		}
		break
	}
	for from < to && (d.toks[from].norm == "also" || d.toks[from].norm == "now" || d.toks[from].norm == "then" || d.toks[from].norm == "personally") {
		from++
	}
	if to <= from {
		return ""
	}
	s, e := d.span(from, to)
	return strings.Trim(strings.TrimSpace(d.text[s:e]), ",;:—–- ")
}

var currencyWords = map[string]string{
	"usd": "USD", "dollars": "USD", "dollar": "USD", "bucks": "USD",
	"eur": "EUR", "euro": "EUR", "euros": "EUR",
	"gbp": "GBP", "pounds": "GBP", "pound": "GBP",
	"cad": "CAD", "aud": "AUD", "chf": "CHF", "jpy": "JPY", "nzd": "NZD",
}

var currencySymbols = map[string]string{"$": "USD", "€": "EUR", "£": "GBP"}

// amount finds the first sum of money in toks [from, to) and normalises it
// as "59.90 USD".
func amount(d *doc, from, to int) string {
	for i := from; i < to && i < len(d.toks); i++ {
		t := d.toks[i]
		if t.kind == kSymbol {
			cur, ok := currencySymbols[t.norm]
			if ok && i+1 < len(d.toks) && d.toks[i+1].kind == kNumber {
				return money(d.toks[i+1].norm, cur)
			}
		}
		if t.kind == kNumber && i+1 < len(d.toks) {
			n := d.toks[i+1]
			if cur, ok := currencyWords[n.norm]; ok && n.kind == kWord {
				return money(t.norm, cur)
			}
			if cur, ok := currencySymbols[n.norm]; ok && n.kind == kSymbol && n.start == t.end {
				return money(t.norm, cur)
			}
		}
		// "USD 40"
		if cur, ok := currencyWords[t.norm]; ok && t.caps && i+1 < len(d.toks) && d.toks[i+1].kind == kNumber {
			return money(d.toks[i+1].norm, cur)
		}
	}
	return ""
}

// money writes an amount with two decimals: "59.9" → "59.90 USD", "1,200" → "1200.00 USD".
func money(num, cur string) string {
	num = strings.ReplaceAll(num, ",", "")
	whole, frac, _ := strings.Cut(num, ".")
	if len(frac) > 2 || strings.ContainsAny(frac, ".:") || strings.Contains(whole, ":") {
		return ""
	}
	for len(frac) < 2 {
		frac += "0"
	}
	return whole + "." + frac + " " + cur
}
