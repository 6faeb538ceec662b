package analyze

import (
	"fmt"
	"strconv"
	"strings"
)

// Entity kinds.
const (
	EntityOrder    = "order_number"
	EntityAccount  = "account_number"
	EntityTicket   = "ticket_number"
	EntityTracking = "tracking_number"
	EntityInvoice  = "invoice_number"
	EntityMoney    = "money"
	EntityDate     = "date"
	EntityDuration = "duration"
	EntityCount    = "count"
)

func hashSet[V any](m map[string]V) map[uint64]V {
	out := make(map[uint64]V, len(m))
	for k, v := range m {
		out[wordHash(k)] = v
	}
	return out
}

var (
	idKeywords = hashSet(map[string]string{
		"order": EntityOrder, "orders": EntityOrder, "purchase": EntityOrder, "booking": EntityOrder,
		"reservation": EntityOrder, "confirmation": EntityOrder,
		"account": EntityAccount, "acct": EntityAccount, "customer": EntityAccount, "member": EntityAccount,
		"membership": EntityAccount, "policy": EntityAccount, "contract": EntityAccount,
		"ticket": EntityTicket, "case": EntityTicket, "reference": EntityTicket, "ref": EntityTicket,
		"complaint": EntityTicket, "claim": EntityTicket, "incident": EntityTicket, "request": EntityTicket,
		"tracking": EntityTracking, "shipment": EntityTracking, "parcel": EntityTracking, "package": EntityTracking,
		"consignment": EntityTracking, "awb": EntityTracking,
		"invoice": EntityInvoice, "bill": EntityInvoice, "receipt": EntityInvoice, "transaction": EntityInvoice,
	})
	idFillers    = hashSet(map[string]bool{"number": true, "no": true, "num": true, "nr": true, "id": true, "code": true, "is": true, "was": true, "my": true})
	currencyWord = hashSet(map[string]string{"usd": "USD", "dollars": "USD", "dollar": "USD", "bucks": "USD",
		"eur": "EUR", "euro": "EUR", "euros": "EUR", "gbp": "GBP", "pounds": "GBP", "pound": "GBP", "quid": "GBP",
		"cad": "CAD", "aud": "AUD", "chf": "CHF", "jpy": "JPY", "yen": "JPY", "inr": "INR", "rupees": "INR"})
	weekdays = hashSet(map[string]string{"monday": "monday", "tuesday": "tuesday", "wednesday": "wednesday",
		"thursday": "thursday", "friday": "friday", "saturday": "saturday", "sunday": "sunday", "mon": "monday",
		"tue": "tuesday", "tues": "tuesday", "wed": "wednesday", "thu": "thursday", "thurs": "thursday", "fri": "friday",
		"sat": "saturday", "sun": "sunday", "weekend": "weekend"})
	relativeDays = hashSet(map[string]bool{"today": true, "yesterday": true, "tomorrow": true, "tonight": true})
	relativeMods = hashSet(map[string]bool{"last": true, "next": true, "this": true, "past": true})
	periodWords  = hashSet(map[string]bool{"week": true, "month": true, "year": true, "weekend": true, "night": true, "morning": true})
	monthNames   = hashSet(map[string]int{"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
		"july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2,
		"mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12})
	countNouns = hashSet(map[string]bool{"time": true, "times": true, "email": true, "emails": true, "mail": true,
		"message": true, "messages": true, "call": true, "calls": true, "attempt": true, "attempts": true,
		"request": true, "requests": true, "ticket": true, "tickets": true, "complaint": true, "complaints": true,
		"letter": true, "letters": true, "chat": true, "chats": true, "try": true, "tries": true, "reminder": true})
	durationFillers = hashSet(map[string]bool{"more": true, "whole": true, "full": true, "business": true,
		"working": true, "long": true, "entire": true, "of": true, "extra": true})
	hTimes = wordHash("times")
	hTwice = wordHash("twice")
	hA     = wordHash("a")
	hAn    = wordHash("an")
)

// findEntities returns the entities of the text, in order.
func (lx *lexicon) findEntities(text string, toks []token, infos []*wordInfo, out []Entity) []Entity {
	for i := 0; i < len(toks); i++ {
		// Most words cannot start an entity; say so without a call.
		if t := toks[i]; t.flags&tokNumber == 0 && (infos[i] == nil || infos[i].kind&lexEntity == 0) && (t.start == 0 || text[t.start-1] != '#') {
			continue
		}
		if e, next, ok := lx.entityAt(text, toks, infos, i); ok {
			out = append(out, e)
			i = next - 1
		}
	}
	return out
}

// entityAt tries to read an entity starting at word i and returns it with
// the index of the first word after it.
func (lx *lexicon) entityAt(text string, toks []token, infos []*wordInfo, i int) (Entity, int, bool) {
	t := toks[i]
	if wi := infos[i]; t.flags&tokNumber == 0 && (wi == nil || wi.kind&lexEntity == 0) && (t.start == 0 || text[t.start-1] != '#') {
		return Entity{}, 0, false
	}
	word := text[t.start:t.end]
	span := func(from, to int) (int, int, string) {
		s, e := int(toks[from].start), int(toks[to-1].end)
		return s, e, text[s:e]
	}
	// Identifiers: "order 4471", "order #4471", "case no. AB-1234".
	if kind, ok := idKeywords[t.hash]; ok {
		j := i + 1
		for j < len(toks) && j <= i+3 && idFillers[toks[j].hash] && !hasDigit(text[toks[j].start:toks[j].end]) {
			j++
		}
		if j < len(toks) && int(toks[j].start)-int(toks[j-1].end) <= 4 {
			if s, e, ok := identifierAt(text, toks, j); ok && !isMoneyAt(text, toks, j) {
				if e-int(toks[j].start) >= 3 && !isUnitAfter(toks, infos, lx, j) {
					return Entity{Kind: kind, Text: text[s:e], Value: strings.TrimLeft(text[s:e], "#"), Start: s, End: e}, wordAfter(toks, j, e), true
				}
			}
		}
	}
	// A bare "#4471" reads as an order number.
	if t.start > 0 && text[t.start-1] == '#' && hasDigit(word) && len(word) >= 3 {
		s, e, _ := identifierAt(text, toks, i)
		return Entity{Kind: EntityOrder, Text: text[s:e], Value: text[s+1 : e], Start: s, End: e}, wordAfter(toks, i, e), true
	}
	// Money: "$59.90", "€30", "30 EUR", "59.90 dollars".
	if t.flags&tokNumber != 0 {
		if e, next, ok := moneyAt(text, toks, i); ok {
			return e, next, true
		}
		if e, next, ok := numericDateAt(text, toks, i); ok {
			return e, next, true
		}
	}
	// Dates in words.
	if wd, ok := weekdays[t.hash]; ok {
		from := i
		if i > 0 && relativeMods[toks[i-1].hash] {
			from = i - 1
			wd = strings.ToLower(text[toks[i-1].start:toks[i-1].end]) + " " + wd
		}
		s, e, txt := span(from, i+1)
		return Entity{Kind: EntityDate, Text: txt, Value: wd, Start: s, End: e}, i + 1, true
	}
	if relativeDays[t.hash] {
		return Entity{Kind: EntityDate, Text: word, Value: strings.ToLower(word), Start: int(t.start), End: int(t.end)}, i + 1, true
	}
	if relativeMods[t.hash] && i+1 < len(toks) && periodWords[toks[i+1].hash] {
		s, e, txt := span(i, i+2)
		return Entity{Kind: EntityDate, Text: txt, Value: strings.ToLower(txt), Start: s, End: e}, i + 2, true
	}
	if mo, ok := monthNames[t.hash]; ok && (t.hash != wordHash("may") || t.flags&tokUpper != 0) {
		// "November 28", "Nov 28th 2026", or after "28 November" (handled at the number).
		if i+1 < len(toks) && int(toks[i+1].start)-int(t.end) <= 2 {
			if d, ok := dayNumber(text[toks[i+1].start:toks[i+1].end]); ok {
				end := i + 2
				year := 0
				if end < len(toks) && int(toks[end].start)-int(toks[end-1].end) <= 2 {
					if y, ok := yearAt(text, toks[end]); ok {
						year, end = y, end+1
					}
				}
				s, e, txt := span(i, end)
				return Entity{Kind: EntityDate, Text: txt, Value: isoDate(year, mo, d), Start: s, End: e}, end, true
			}
		}
	}
	// Durations: "three weeks", "a couple of days", "48 hours".
	if wi := infos[i]; t.flags&tokNumber != 0 || wi != nil && wi.classes&(1<<classCount) != 0 {
		n := 0
		if t.flags&tokNumber != 0 {
			v, err := strconv.Atoi(word)
			if err != nil || v > 10000 {
				return Entity{}, 0, false
			}
			n = v
		} else {
			n = wi.number
		}
		j := i + 1
		for j < len(toks) && j <= i+3 && durationFillers[toks[j].hash] {
			j++
		}
		if j < len(toks) && int(toks[i].end) < len(text) && text[toks[i].end] != '.' {
			if wj := infos[j]; wj != nil && wj.classes&(1<<classUnit) != 0 && (t.hash != hA && t.hash != hAn || j == i+1) {
				u := unitWords[strings.ToLower(text[toks[j].start:toks[j].end])]
				s, e, txt := span(i, j+1)
				return Entity{Kind: EntityDuration, Text: txt, Value: isoDuration(n*u.mult, u.iso), Start: s, End: e}, j + 1, true
			}
			if n >= 2 && (toks[j].hash == hTimes || countNouns[toks[j].hash] && j == i+1) && t.hash != hA && t.hash != hAn {
				s, e, txt := span(i, j+1)
				return Entity{Kind: EntityCount, Text: txt, Value: strconv.Itoa(n), Start: s, End: e}, j + 1, true
			}
		}
		// "28 November (2026)"
		if d, ok := dayNumber(word); ok && i+1 < len(toks) {
			if mo, ok := monthNames[toks[i+1].hash]; ok && int(toks[i+1].start)-int(t.end) <= 2 {
				end := i + 2
				year := 0
				if end < len(toks) && int(toks[end].start)-int(toks[end-1].end) <= 2 {
					if y, ok := yearAt(text, toks[end]); ok {
						year, end = y, end+1
					}
				}
				s, e, txt := span(i, end)
				return Entity{Kind: EntityDate, Text: txt, Value: isoDate(year, mo, d), Start: s, End: e}, end, true
			}
		}
	}
	// Counts: "third time", "3rd email", "twice".
	if wi := infos[i]; wi != nil && wi.classes&(1<<classOrdinal) != 0 && i+1 < len(toks) && countNouns[toks[i+1].hash] {
		n := wi.number
		if d, err := strconv.Atoi(strings.TrimRight(word, "stndrh")); hasDigit(word) && err == nil {
			n = d
		}
		s, e, txt := span(i, i+2)
		return Entity{Kind: EntityCount, Text: txt, Value: strconv.Itoa(n), Start: s, End: e}, i + 2, true
	}
	if t.hash == hTwice {
		return Entity{Kind: EntityCount, Text: word, Value: "2", Start: int(t.start), End: int(t.end)}, i + 1, true
	}
	// Ordinal dates: "the 28th".
	return Entity{}, 0, false
}

// yearAt parses a four-digit year 1990-2100.
func yearAt(text string, t token) (int, bool) {
	if t.flags&tokNumber == 0 || t.end-t.start != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(text[t.start:t.end])
	return y, err == nil && y >= 1990 && y <= 2100
}

// dayNumber parses "28" or "28th" as a day of the month.
func dayNumber(w string) (int, bool) {
	if len(w) == 0 || w[0] < '0' || w[0] > '9' {
		return 0, false
	}
	w = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.ToLower(w), "th"), "st"), "nd"), "rd")
	d, err := strconv.Atoi(w)
	return d, err == nil && d >= 1 && d <= 31
}

func isoDate(y, m, d int) string {
	if y == 0 {
		return fmt.Sprintf("--%02d-%02d", m, d)
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func isoDuration(n int, unit string) string {
	if strings.HasPrefix(unit, "T") {
		return "PT" + strconv.Itoa(n) + unit[1:]
	}
	return "P" + strconv.Itoa(n) + unit
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

// identifierAt reads an identifier starting at word j: words joined by "-",
// "/" or "_" (no spaces), at least one with a digit. It returns the span,
// including a leading "#".
func identifierAt(text string, toks []token, j int) (int, int, bool) {
	s := int(toks[j].start)
	e := int(toks[j].end)
	digit := hasDigit(text[s:e])
	for k := j + 1; k < len(toks); k++ {
		gap := text[toks[k-1].end:toks[k].start]
		if gap != "-" && gap != "_" && gap != "/" {
			break
		}
		e = int(toks[k].end)
		digit = digit || hasDigit(text[toks[k].start:toks[k].end])
	}
	if s > 0 && text[s-1] == '#' {
		s--
	}
	return s, e, digit
}

// wordAfter returns the index of the first word starting at or after byte e.
func wordAfter(toks []token, j, e int) int {
	for j < len(toks) && int(toks[j].start) < e {
		j++
	}
	return j
}

func isUnitAfter(toks []token, infos []*wordInfo, lx *lexicon, j int) bool {
	if j+1 >= len(toks) {
		return false
	}
	wi := infos[j+1]
	return wi != nil && wi.classes&(1<<classUnit) != 0 || currencyWord[toks[j+1].hash] != ""
}

func isMoneyAt(text string, toks []token, j int) bool {
	_, _, ok := moneyAt(text, toks, j)
	return ok
}

// currencyBefore returns the currency of a symbol ending at byte i.
func currencyBefore(text string, i int) (string, int) {
	for _, c := range []struct{ sym, code string }{{"$", "USD"}, {"€", "EUR"}, {"£", "GBP"}, {"¥", "JPY"}, {"₹", "INR"}} {
		if strings.HasSuffix(text[:i], c.sym) {
			return c.code, i - len(c.sym)
		}
		if strings.HasSuffix(text[:i], c.sym+" ") {
			return c.code, i - len(c.sym) - 1
		}
	}
	return "", i
}

// moneyAt reads an amount whose first digits are word i.
func moneyAt(text string, toks []token, i int) (Entity, int, bool) {
	s := int(toks[i].start)
	e := s
	for e < len(text) && (text[e] >= '0' && text[e] <= '9' || (text[e] == ',' || text[e] == '.') && e+1 < len(text) && text[e+1] >= '0' && text[e+1] <= '9') {
		e++
	}
	num := text[s:e]
	code, start := currencyBefore(text, s)
	next := wordAfter(toks, i, e)
	if code == "" {
		if next < len(toks) && int(toks[next].start)-e <= 1 {
			code = currencyWord[toks[next].hash]
			if code != "" {
				e = int(toks[next].end)
				next++
			}
		}
		if code == "" {
			return Entity{}, 0, false
		}
	}
	return Entity{Kind: EntityMoney, Text: text[start:e], Value: normalizeAmount(num) + " " + code, Start: start, End: e}, next, true
}

// normalizeAmount drops thousands separators: "1,299.00" -> "1299.00";
// a lone comma before two digits is a decimal comma: "59,90" -> "59.90".
func normalizeAmount(n string) string {
	if i := strings.LastIndexByte(n, ','); i >= 0 && len(n)-i == 3 && !strings.Contains(n, ".") {
		n = n[:i] + "." + n[i+1:]
	}
	return strings.ReplaceAll(n, ",", "")
}

// numericDateAt reads "2026-11-28", "28/11/2026" or "11/28" at word i.
func numericDateAt(text string, toks []token, i int) (Entity, int, bool) {
	if i+1 >= len(toks) {
		return Entity{}, 0, false
	}
	sep := text[toks[i].end:toks[i+1].start]
	if sep != "-" && sep != "/" {
		return Entity{}, 0, false
	}
	parts := []string{text[toks[i].start:toks[i].end], text[toks[i+1].start:toks[i+1].end]}
	end := i + 2
	if end < len(toks) && text[toks[end-1].end:toks[end].start] == sep {
		parts = append(parts, text[toks[end].start:toks[end].end])
		end++
	}
	nums := make([]int, len(parts))
	for k, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil {
			return Entity{}, 0, false
		}
		nums[k] = v
	}
	var y, m, d int
	switch {
	case len(nums) == 3 && len(parts[0]) == 4:
		y, m, d = nums[0], nums[1], nums[2]
	case len(nums) == 3 && len(parts[2]) == 4 && sep == "/":
		// Day first unless that is impossible (US order).
		d, m, y = nums[0], nums[1], nums[2]
		if m > 12 {
			d, m = m, d
		}
	case len(nums) == 2 && sep == "/":
		d, m = nums[0], nums[1]
		if m > 12 {
			d, m = m, d
		}
	default:
		return Entity{}, 0, false
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || y != 0 && (y < 1990 || y > 2100) {
		return Entity{}, 0, false
	}
	s, e := int(toks[i].start), int(toks[end-1].end)
	return Entity{Kind: EntityDate, Text: text[s:e], Value: isoDate(y, m, d), Start: s, End: e}, end, true
}
