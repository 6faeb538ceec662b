package coach

import (
	"strconv"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/calendar"
)

// timeExpr is a concrete time found in a reply: "within 3 business days",
// "by Friday 28 November", "tomorrow at 10am".
type timeExpr struct {
	from, to int // token indices
	// deadline is true when a preposition makes it a limit (by, within,
	// before, no later than); a bare date needs a future verb around it to
	// count as a promise.
	deadline bool
	due      func(sent time.Time, cal calendar.Calendar) time.Time
}

var weekdays = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday,
	"friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
	"mon": time.Monday, "tue": time.Tuesday, "tues": time.Tuesday, "wed": time.Wednesday, "thu": time.Thursday,
	"thur": time.Thursday, "thurs": time.Thursday, "fri": time.Friday,
}

var months = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var numberWords = map[string]int{
	"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
	"nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15, "twenty": 20, "thirty": 30,
	"forty": 40, "sixty": 60, "ninety": 90, "couple": 2,
}

// parseTimes finds the concrete times in toks.
func parseTimes(toks []tok) []timeExpr {
	var out []timeExpr
	for i := 0; i < len(toks); i++ {
		if toks[i].kind == kBound {
			continue
		}
		if e, ok := parseTimeAt(toks, i); ok {
			out = append(out, e)
			i = e.to - 1
		}
	}
	return out
}

func word(toks []tok, i int) string {
	if i < 0 || i >= len(toks) || toks[i].kind == kBound {
		return ""
	}
	return toks[i].norm
}

// number reads a count at toks[i]: 3, three, a, a couple of. It returns the
// count and the index after it.
func number(toks []tok, i int) (int, int, bool) {
	w := word(toks, i)
	if w == "" {
		return 0, i, false
	}
	if toks[i].kind == kNumber {
		n, err := strconv.Atoi(w)
		if err != nil || n > 10000 {
			return 0, i, false
		}
		return n, i + 1, true
	}
	if w == "a" && word(toks, i+1) == "couple" {
		j := i + 2
		if word(toks, j) == "of" {
			j++
		}
		return 2, j, true
	}
	if w == "few" || w == "several" || w == "couple" || w == "some" {
		return 0, i, false
	}
	n, ok := numberWords[w]
	if !ok {
		return 0, i, false
	}
	return n, i + 1, true
}

// unitOf reads a duration unit, returning its length in minutes, days or
// weeks, and whether it counts business time.
type unit struct {
	minutes, days int
	business      bool
}

func readUnit(toks []tok, i int) (unit, int, bool) {
	u := unit{}
	w := word(toks, i)
	if w == "business" || w == "working" {
		u.business = true
		i++
		w = word(toks, i)
	}
	switch w {
	case "minute", "minutes", "mins", "min":
		u.minutes = 1
	case "hour", "hours", "hrs", "hr", "h":
		u.minutes = 60
	case "day", "days":
		u.days = 1
	case "week", "weeks":
		u.days = 7
	default:
		return u, i, false
	}
	return u, i + 1, true
}

// timeStarts are the words a time expression can start with, besides
// numbers, weekdays and months.
var timeStarts = map[string]bool{
	"by": true, "before": true, "until": true, "till": true, "within": true, "in": true, "over": true, "inside": true,
	"under": true, "on": true, "at": true, "no": true, "the": true, "next": true, "coming": true, "following": true,
	"today": true, "tonight": true, "eod": true, "cob": true, "eob": true, "later": true, "tomorrow": true, "this": true,
	"end": true, "close": true, "noon": true, "midday": true, "midnight": true, "lunchtime": true,
	"a": true, "an": true, "one": true, "two": true, "three": true, "four": true, "five": true, "six": true, "seven": true,
	"eight": true, "nine": true, "ten": true, "eleven": true, "twelve": true, "fourteen": true, "fifteen": true,
	"twenty": true, "thirty": true, "forty": true, "sixty": true, "ninety": true, "couple": true,
}

// canStartTime is a quick test that skips most words.
func canStartTime(t *tok) bool {
	if t.kind == kNumber {
		return true
	}
	if t.kind != kWord {
		return false
	}
	if c := t.norm[0]; c >= '0' && c <= '9' {
		return true
	}
	return t.flags&fTime != 0
}

// parseTimeAt tries every form at toks[i].
func parseTimeAt(toks []tok, i int) (timeExpr, bool) {
	if !canStartTime(&toks[i]) {
		return timeExpr{}, false
	}
	w := word(toks, i)
	start := i
	deadline := false
	j := i
	// Prepositions and fillers before the time itself.
	switch w {
	case "by", "before", "until", "till", "within", "in", "over", "inside", "under", "on", "at":
		deadline = w != "on" && w != "at"
		j++
	case "no":
		if word(toks, i+1) == "later" && word(toks, i+2) == "than" {
			deadline = true
			j = i + 3
		}
	}
	for {
		switch word(toks, j) {
		case "the":
			j++
			continue
		case "next", "coming", "following":
			// "the next 24 hours", "the next business day"; "next Friday" is
			// handled by the day parser.
			if _, ok := weekdays[word(toks, j+1)]; ok {
				break
			}
			if word(toks, j+1) == "week" || word(toks, j+1) == "month" {
				break
			}
			j++
			deadline = true
			continue
		}
		break
	}
	// Durations: "3 business days", "24-48 hours", "an hour", "48h".
	if e, ok := parseDuration(toks, start, j, deadline); ok {
		return e, true
	}
	if j > start && !deadline && word(toks, start) != "on" && word(toks, start) != "at" {
		// "in" followed by a day is not a time ("in November" is left out).
		return timeExpr{}, false
	}
	if e, ok := parseDay(toks, start, j, deadline); ok {
		return e, true
	}
	return timeExpr{}, false
}

func parseDuration(toks []tok, start, j int, deadline bool) (timeExpr, bool) {
	// "next business day", "the following working day"
	if w := word(toks, j); (w == "business" || w == "working") && word(toks, j+1) == "day" && j > start {
		if prev := word(toks, j-1); prev == "next" || prev == "following" || prev == "coming" {
			return timeExpr{from: start, to: j + 2, deadline: true, due: func(sent time.Time, cal calendar.Calendar) time.Time {
				return cal.CloseOf(cal.AddBusinessDays(sent, 1))
			}}, true
		}
	}
	// "48h", "24hrs"
	if j < len(toks) && toks[j].kind == kWord && toks[j].code {
		w := toks[j].norm
		k := 0
		for k < len(w) && w[k] >= '0' && w[k] <= '9' {
			k++
		}
		if k > 0 {
			if n, err := strconv.Atoi(w[:k]); err == nil && n < 1000 {
				switch w[k:] {
				case "h", "hr", "hrs", "hours":
					return durationExpr(start, j+1, deadline || start < j, n, unit{minutes: 60}), true
				}
			}
		}
	}
	n, k, ok := number(toks, j)
	if !ok {
		// "within the hour", "within the day" — but not "in the day" (a
		// manner of speaking).
		if word(toks, start) == "within" && (word(toks, j) == "hour" || word(toks, j) == "day" || word(toks, j) == "week") {
			u, k, _ := readUnit(toks, j)
			return durationExpr(start, k, true, 1, u), true
		}
		return timeExpr{}, false
	}
	// Ranges: "3-5", "3 to 5", "3 or 4": promise the upper bound.
	if w := word(toks, k); w == "to" || w == "or" {
		if m, k2, ok := number(toks, k+1); ok && m >= n {
			n, k = m, k2
		}
	} else if k < len(toks) && toks[k].kind == kNumber && k > 0 && toks[k].start > toks[k-1].end && toks[k].start-toks[k-1].end <= 1 {
		if m, k2, ok := number(toks, k); ok && m >= n {
			n, k = m, k2
		}
	}
	if word(toks, k) == "more" || word(toks, k) == "extra" || word(toks, k) == "full" || word(toks, k) == "calendar" {
		k++
	}
	u, k2, ok := readUnit(toks, k)
	if !ok {
		return timeExpr{}, false
	}
	// A bare duration ("it takes 5 business days") counts as a deadline
	// only for business or working days; "2 days ago" is not a promise.
	if word(toks, k2) == "ago" || word(toks, start-1) == "last" || word(toks, start-1) == "past" {
		return timeExpr{}, false
	}
	if start == j && !u.business {
		deadline = false
	} else if start == j {
		deadline = true
	}
	return durationExpr(start, k2, deadline, n, u), true
}

func durationExpr(from, to int, deadline bool, n int, u unit) timeExpr {
	return timeExpr{from: from, to: to, deadline: deadline, due: func(sent time.Time, cal calendar.Calendar) time.Time {
		switch {
		case u.minutes > 0 && u.business:
			return cal.AddBusinessDuration(sent, time.Duration(n*u.minutes)*time.Minute)
		case u.minutes > 0:
			return sent.Add(time.Duration(n*u.minutes) * time.Minute)
		case u.business:
			return cal.CloseOf(cal.AddBusinessDays(sent, n*u.days))
		}
		return endOfDay(cal, dayAdd(sent, cal, n*u.days), sent)
	}}
}

// dayAdd moves t by n calendar days in the calendar's zone.
func dayAdd(t time.Time, cal calendar.Calendar, n int) time.Time {
	loc := cal.Location
	if loc == nil {
		loc = time.UTC
	}
	t = t.In(loc)
	y, m, d := t.Date()
	return time.Date(y, m, d+n, t.Hour(), t.Minute(), 0, 0, loc)
}

// endOfDay is the closing time of day's date, or the last minute of the day
// when the reply is sent after closing that same day.
func endOfDay(cal calendar.Calendar, day, sent time.Time) time.Time {
	c := cal.CloseOf(day)
	if !c.After(sent) {
		loc := c.Location()
		y, m, d := c.Date()
		return time.Date(y, m, d, 23, 59, 0, 0, loc)
	}
	return c
}

// dayOf reads a day: today, tomorrow, (this|next) Friday, Friday 28
// November, 28 November, November 28th, 2026-11-28, end of the week, next
// week, end of day — followed by an optional time of day.
func parseDay(toks []tok, start, j int, deadline bool) (timeExpr, bool) {
	var day func(sent time.Time, cal calendar.Calendar) time.Time
	k := j
	w := word(toks, k)
	// Skip "end of", "close of", "the end of".
	switch {
	case w == "today" || w == "tonight" || w == "eod" || w == "cob" || w == "eob":
		day = func(sent time.Time, cal calendar.Calendar) time.Time { return endOfDay(cal, sent, sent) }
		if w == "tonight" {
			day = func(sent time.Time, _ calendar.Calendar) time.Time { return atClock(sent, 21, 0, sent) }
		}
		k++
	case w == "later" && word(toks, k+1) == "today":
		day = func(sent time.Time, cal calendar.Calendar) time.Time { return endOfDay(cal, sent, sent) }
		k += 2
	case w == "tomorrow":
		day = func(sent time.Time, cal calendar.Calendar) time.Time { return cal.CloseOf(dayAdd(sent, cal, 1)) }
		k++
	case w == "this" && (word(toks, k+1) == "afternoon" || word(toks, k+1) == "evening" || word(toks, k+1) == "morning"):
		h := map[string]int{"morning": 12, "afternoon": 17, "evening": 21}[word(toks, k+1)]
		day = func(sent time.Time, cal calendar.Calendar) time.Time { return atClock(sent, h, 0, sent) }
		k += 2
	case (w == "end" || w == "close") && word(toks, k+1) == "of":
		k += 2
		if word(toks, k) == "the" {
			k++
		}
		switch word(toks, k) {
		case "day", "today", "business", "play":
			if word(toks, k) == "business" && word(toks, k+1) == "day" {
				k++
			}
			day = func(sent time.Time, cal calendar.Calendar) time.Time { return endOfDay(cal, sent, sent) }
			// "close of business Friday", "end of day tomorrow"
			switch nw := word(toks, k+1); {
			case nw == "tomorrow":
				day = func(sent time.Time, cal calendar.Calendar) time.Time { return cal.CloseOf(dayAdd(sent, cal, 1)) }
				k++
			case nw == "on" || nw == "this" || nw == "next":
				if n, ok := weekdays[word(toks, k+2)]; ok {
					day = weekdayDue(n, nw == "next")
					k += 2
				}
			default:
				if n, ok := weekdays[nw]; ok {
					day = weekdayDue(n, false)
					k++
				}
			}
		case "week":
			day = func(sent time.Time, cal calendar.Calendar) time.Time { return endOfWeek(sent, cal, 0) }
		case "month":
			day = func(sent time.Time, cal calendar.Calendar) time.Time { return endOfMonth(sent, cal) }
		default:
			if n, ok := weekdays[word(toks, k)]; ok {
				day = weekdayDue(n, false)
			} else if w2 := word(toks, k+1); (word(toks, k) == "next" || word(toks, k) == "this") && w2 == "week" {
				next := word(toks, k) == "next"
				day = func(sent time.Time, cal calendar.Calendar) time.Time { return endOfWeek(sent, cal, b2i(next)) }
				k++
			} else {
				return timeExpr{}, false
			}
		}
		k++
		deadline = true
	case (w == "next" || w == "this") && word(toks, k+1) == "week":
		if w == "this" && !deadline {
			return timeExpr{}, false
		}
		next := w == "next"
		day = func(sent time.Time, cal calendar.Calendar) time.Time { return endOfWeek(sent, cal, b2i(next)) }
		k += 2
	case w == "next" || w == "this" || w == "coming":
		n, ok := weekdays[word(toks, k+1)]
		if !ok {
			return timeExpr{}, false
		}
		day = weekdayDue(n, w == "next")
		k += 2
	default:
		if n, ok := weekdays[w]; ok && (len(w) > 4 || j > start) {
			day = weekdayDue(n, false)
			k++
		}
	}
	// An explicit date after the weekday, or on its own.
	if d, k2, ok := parseDate(toks, k); ok {
		day, k = d, k2
	} else if d, k2, ok := parseDayOfMonth(toks, k, day == nil && j > start); ok {
		day, k = d, k2
	}
	if day == nil {
		// A time of day on its own: "by 5pm".
		if h, m, k2, ok := parseClock(toks, k); ok && j > start {
			return timeExpr{from: start, to: k2, deadline: deadline, due: func(sent time.Time, cal calendar.Calendar) time.Time {
				t := atClock(sent, h, m, sent)
				if !t.After(sent) {
					t = atClock(dayAdd(sent, cal, 1), h, m, sent)
				}
				return t
			}}, true
		}
		return timeExpr{}, false
	}
	// "Friday morning", "tomorrow at 10am", "Friday by noon".
	if w := word(toks, k); w == "morning" || w == "afternoon" || w == "evening" || w == "night" {
		h := map[string]int{"morning": 12, "afternoon": 17, "evening": 21, "night": 21}[w]
		base := day
		day = func(sent time.Time, cal calendar.Calendar) time.Time { return atClock(base(sent, cal), h, 0, sent) }
		k++
	} else {
		kk := k
		if w := word(toks, kk); w == "at" || w == "by" || w == "before" {
			kk++
		}
		if h, m, k2, ok := parseClock(toks, kk); ok {
			base := day
			day = func(sent time.Time, cal calendar.Calendar) time.Time { return atClock(base(sent, cal), h, m, sent) }
			k = k2
		}
	}
	return timeExpr{from: start, to: k, deadline: deadline, due: day}, true
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// atClock is day's date at h:m in day's zone.
func atClock(day time.Time, h, m int, _ time.Time) time.Time {
	y, mo, d := day.Date()
	return time.Date(y, mo, d, h, m, 0, 0, day.Location())
}

// weekdayDue is the coming day named n: today when it is that day and the
// business is still open, otherwise its next occurrence. "next Friday" said
// on a Monday is the Friday of the following week.
func weekdayDue(n time.Weekday, next bool) func(time.Time, calendar.Calendar) time.Time {
	return func(sent time.Time, cal calendar.Calendar) time.Time {
		s := dayAdd(sent, cal, 0)
		diff := (int(n) - int(s.Weekday()) + 7) % 7
		if diff == 0 && !cal.CloseOf(s).After(sent) {
			diff = 7
		}
		if next && diff > 0 {
			// Days until the end of this week (weeks start on Monday).
			left := (7 - int(s.Weekday())) % 7
			if diff <= left {
				diff += 7
			}
		}
		if next && diff == 0 {
			diff = 7
		}
		return cal.CloseOf(dayAdd(sent, cal, diff))
	}
}

// endOfWeek is the close of the last business day of this week (plus
// weeks), or of the next week when this week's is already past.
func endOfWeek(sent time.Time, cal calendar.Calendar, weeks int) time.Time {
	s := dayAdd(sent, cal, 0)
	toSunday := (7 - int(s.Weekday())) % 7
	sunday := dayAdd(s, cal, toSunday+7*weeks)
	for i := 0; i < 14; i++ {
		d := dayAdd(sunday, cal, -i)
		if cal.IsBusinessDay(d) {
			if c := cal.CloseOf(d); c.After(sent) {
				return c
			}
			return endOfWeek(sent, cal, weeks+1)
		}
	}
	return cal.CloseOf(sunday)
}

func endOfMonth(sent time.Time, cal calendar.Calendar) time.Time {
	s := dayAdd(sent, cal, 0)
	y, m, _ := s.Date()
	last := time.Date(y, m+1, 0, s.Hour(), s.Minute(), 0, 0, s.Location())
	for i := 0; i < 31; i++ {
		d := dayAdd(last, cal, -i)
		if cal.IsBusinessDay(d) {
			return cal.CloseOf(d)
		}
	}
	return cal.CloseOf(last)
}

// parseDate reads "28 November [2026]", "28th of November", "November
// 28[th] [2026]", "Nov 28", "2026-11-28".
func parseDate(toks []tok, k int) (func(time.Time, calendar.Calendar) time.Time, int, bool) {
	day, month, year := 0, time.Month(0), 0
	end := k
	if k+2 < len(toks) && toks[k].kind == kNumber && len(toks[k].norm) == 4 && toks[k+1].start == toks[k].end+1 && toks[k+2].start == toks[k+1].end+1 {
		// ISO 2026-11-28
		y, _ := strconv.Atoi(toks[k].norm)
		mo, ok1 := dayNumber(word(toks, k+1))
		dd, ok2 := dayNumber(word(toks, k+2))
		if ok1 && ok2 && mo <= 12 && y >= 2000 && y < 2200 {
			day, month, year, end = dd, time.Month(mo), y, k+3
		}
	} else if d, ok := dayNumber(word(toks, k)); ok {
		kk := k + 1
		if word(toks, kk) == "of" {
			kk++
		}
		if m, ok := months[word(toks, kk)]; ok {
			day, month, end = d, m, kk+1
		}
	} else if m, ok := months[word(toks, k)]; ok {
		if d, ok := dayNumber(word(toks, k+1)); ok {
			day, month, end = d, m, k+2
		}
	}
	if month == 0 || day < 1 || day > 31 {
		return nil, k, false
	}
	if year == 0 && end < len(toks) && toks[end].kind == kNumber && len(toks[end].norm) == 4 {
		y, _ := strconv.Atoi(toks[end].norm)
		if y >= 2000 && y < 2200 {
			year, end = y, end+1
		}
	}
	return func(sent time.Time, cal calendar.Calendar) time.Time {
		s := dayAdd(sent, cal, 0)
		y := year
		if y == 0 {
			y = s.Year()
			if time.Date(y, month, day, 23, 59, 0, 0, s.Location()).Before(s) {
				y++
			}
		}
		return cal.CloseOf(time.Date(y, month, day, 12, 0, 0, 0, s.Location()))
	}, end, true
}

// dayNumber reads 28, 28th, 1st, 2nd, 3rd.
func dayNumber(w string) (int, bool) {
	w = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(w, "th"), "st"), "nd"), "rd")
	n, err := strconv.Atoi(w)
	if err != nil || n < 1 || n > 31 {
		return 0, false
	}
	return n, true
}

// parseClock reads 5pm, 5 pm, 17:00, 5:30pm, noon, midday.
func parseClock(toks []tok, k int) (h, m, end int, ok bool) {
	w := word(toks, k)
	switch w {
	case "noon", "midday", "lunchtime":
		return 12, 0, k + 1, true
	case "midnight":
		return 23, 59, k + 1, true
	}
	if w == "" {
		return 0, 0, k, false
	}
	num, suffix := w, ""
	for i := 0; i < len(w); i++ {
		if !(w[i] >= '0' && w[i] <= '9' || w[i] == ':' || w[i] == '.') {
			num, suffix = w[:i], w[i:]
			break
		}
	}
	if num == "" {
		return 0, 0, k, false
	}
	end = k + 1
	if suffix == "" {
		if s := word(toks, k+1); s == "am" || s == "pm" || s == "a" || s == "p" {
			suffix, end = s, k+2
			if word(toks, end) == "m" {
				end++
			}
		}
	}
	hh, mm := num, "0"
	if i := strings.IndexAny(num, ":."); i >= 0 {
		hh, mm = num[:i], num[i+1:]
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || m > 59 {
		return 0, 0, k, false
	}
	switch suffix {
	case "am", "a":
		if h == 12 {
			h = 0
		}
	case "pm", "p":
		if h < 12 {
			h += 12
		}
	case "":
		if !strings.ContainsAny(num, ":") {
			return 0, 0, k, false
		}
	default:
		return 0, 0, k, false
	}
	if h > 23 {
		return 0, 0, k, false
	}
	return h, m, end, true
}

// parseDayOfMonth reads "the 3rd" (after by/on/before): the next day of
// the month with that number. Only ordinals count: "the 3" is no date.
func parseDayOfMonth(toks []tok, k int, allowed bool) (func(time.Time, calendar.Calendar) time.Time, int, bool) {
	if !allowed {
		return nil, k, false
	}
	if word(toks, k) == "the" {
		k++
	} else if word(toks, k-1) != "the" {
		return nil, k, false
	}
	k-- // k is now at "the"
	w := word(toks, k+1)
	if len(w) < 3 || !(strings.HasSuffix(w, "st") || strings.HasSuffix(w, "nd") || strings.HasSuffix(w, "rd") || strings.HasSuffix(w, "th")) {
		return nil, k, false
	}
	n, ok := dayNumber(w)
	if !ok {
		return nil, k, false
	}
	end := k + 2
	if word(toks, end) == "of" {
		if _, ok := months[word(toks, end+1)]; ok {
			return parseDate(toks, k+1) // "the 3rd of December"
		}
	}
	return func(sent time.Time, cal calendar.Calendar) time.Time {
		s := dayAdd(sent, cal, 0)
		y, m, _ := s.Date()
		for i := 0; i < 3; i++ {
			d := time.Date(y, m+time.Month(i), n, 12, 0, 0, 0, s.Location())
			if d.Day() == n && !cal.CloseOf(d).Before(sent) {
				return cal.CloseOf(d)
			}
		}
		return cal.CloseOf(time.Date(y, m+1, n, 12, 0, 0, 0, s.Location()))
	}, end, true
}
