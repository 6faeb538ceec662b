package training

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Scrubber replaces personal data in text with consistent fakes: the same
// email, name or order number always becomes the same fake within one
// Scrubber, so a scrubbed conversation still reads as one conversation.
// It is for turning real cases into training scenarios, which a supervisor
// reviews before use: the patterns favour recall over precision.
type Scrubber struct {
	names []string          // known names, longest first
	fakes map[string]string // kind + "\x00" + original (lowercased) -> fake
	count map[string]int    // fakes made per kind
}

// NewScrubber returns a scrubber that also replaces the given names (the
// customer's, the agents'), in full and by each part.
func NewScrubber(names ...string) *Scrubber {
	s := &Scrubber{fakes: map[string]string{}, count: map[string]int{}}
	for _, n := range names {
		s.addName(n)
	}
	return s
}

// addName learns a name, in full and by each part.
func (s *Scrubber) addName(name string) {
	add := func(n string) {
		n = strings.TrimSpace(n)
		if len([]rune(n)) < 2 || stopName[strings.ToLower(n)] || slices.ContainsFunc(s.names, func(m string) bool { return strings.EqualFold(m, n) }) {
			return
		}
		s.names = append(s.names, n)
	}
	add(name)
	for _, part := range strings.Fields(name) {
		add(strings.Trim(part, ".,"))
	}
	sort.SliceStable(s.names, func(i, j int) bool { return len(s.names[i]) > len(s.names[j]) })
}

// stopName are words never treated as names even when they are part of one.
var stopName = map[string]bool{"mr": true, "mrs": true, "ms": true, "dr": true, "the": true, "and": true, "support": true, "team": true}

// fakeFirst and fakeLast make fake names; chosen to be unlikely real
// customers' names in the demo or the corpora.
var (
	fakeFirst = []string{"Avery", "Rowan", "Blair", "Emery", "Quinn", "Sasha", "Marlow", "Ellis", "Teagan", "Remy", "Lark", "Sorrel"}
	fakeLast  = []string{"Quill", "Fenwick", "Ashdown", "Tallis", "Harrow", "Wren", "Pembry", "Calloway", "Dunmore", "Ivers", "Stroud", "Vesey"}
)

func (s *Scrubber) fake(kind, original string, make func(n int) string) string {
	key := kind + "\x00" + strings.ToLower(original)
	if f, ok := s.fakes[key]; ok {
		return f
	}
	s.count[kind]++
	f := make(s.count[kind])
	s.fakes[key] = f
	return f
}

// FakeName returns the consistent fake for a person's full name.
func (s *Scrubber) FakeName(name string) string {
	return s.fake("name", name, func(n int) string {
		return fakeFirst[(n-1)%len(fakeFirst)] + " " + fakeLast[(n-1)%len(fakeLast)]
	})
}

var (
	reURL     = textkit.LazyRegexp(`(?i)\b(?:https?://|www\.)[^\s<>"')\]]+`)
	reEmail   = textkit.LazyRegexp(`(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+\b`)
	reIBAN    = textkit.LazyRegexp(`\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b`)
	reCard    = textkit.LazyRegexp(`\b\d(?:[ -]?\d){12,18}\b`)
	rePhone   = textkit.LazyRegexp(`(?:\+|\b00)?\(?\d[\d \t().-]{5,}\d\b`)
	reRef     = textkit.LazyRegexp(`(?i)\b(order|account|acct|reference|ref|invoice|booking|ticket|policy|claim|customer|membership|tracking|confirmation|contract|parcel|card|member|contact|lead|case|survey)(\s*(?:number|no\.?|num|id|#)?\s*[:#]?\s*)([A-Z0-9][A-Z0-9/-]{2,})`)
	reHashNum = textkit.LazyRegexp(`#\s?\d{3,}\b`)
	reLongNum = textkit.LazyRegexp(`\b\d{5,}\b|\b[A-Z]{1,4}-?\d{4,}[A-Z0-9]*\b`)
	reStreet  = textkit.LazyRegexp(`\b\d{1,5}[A-Za-z]?,?\s+(?:(?:[NSEW]\.?){1,2}\s+|[A-Z][a-z']+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Way|Close|Court|Ct|Place|Pl|Terrace|Crescent|Square|Sq|Gardens|Grove|Hill|Park|Row|Walk|Strasse|Straße|Rue)\b\.?`)
	rePostUK  = textkit.LazyRegexp(`\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\b\d{5}-\d{4}\b`) // UK postcodes, US ZIP+4
	reIntro   = textkit.LazyRegexp(`\b((?i:my name is|this is|i am|i'm|name:|regards,?|thanks,?|thank you,?|cheers,?|best,?|sincerely,?|hi|hello|dear|hey|ok|okay|no problem|welcome|night|morning|evening|congrats|congratulations))(,?[\s>]+)([A-Z][a-z'-]+(?:[ ][A-Z][a-z'-]+)?)`)
)

// Where a name stands without being introduced: cues learnt from real
// support tweets and mail (data/pii), each a place only a name goes.
var nameCues = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		// A sign-off after a marker, last on its line: "-Becky", "^Heather",
		// "~Debs", "*JohnWard", "Thanks - Callum", "2/2^Corry", before any
		// link or "2/2". Initials ("^AV", "-DG") are not names.
		regexp.MustCompile(`(?m)(?:^|[\s\d/.!?:)])[-~^*]\s?([A-Z][a-z]+(?:[A-Z][a-z]+)?)[\s.!]*(?:https?://\S+\s*|\d/\d\s*)*$`),
		// A lone capitalised word closing a message after its last sentence:
		// "… and stock. Marc", "… having? Corey", ":) Rach".
		regexp.MustCompile(`(?:[.!?)]|:\))\s+([A-Z][a-z]{2,})[\s.!]*(?:\p{So}\S*)?\s*$`),
		// Someone addressed by name between a comma and the sentence's end:
		// "for stopping by, Marc!", "this way, Maggie.".
		regexp.MustCompile(`,\s+([A-Z][a-z]{2,})[.!?]`),
		// Someone addressed first: "@116474 Matthew, I am …".
		regexp.MustCompile(`^(?:@\w+\s+)*([A-Z][a-z]{2,}),\s`),
		// Mail: the attribution of a quote, "On 9 Jan 2014, George Plymale wrote:".
		regexp.MustCompile(`(?m)\bOn [^\n]{4,60}?,\s+"?([\p{Lu}][\p{L}'-]*(?:\s+[\p{Lu}][\p{L}'.-]*){0,2})"?\s*(?:<[^>\n]*>\s*)?wrote:`),
		// Mail headers quoted in a reply: "From: Alexander L [mailto:…", "To: Dan Le".
		regexp.MustCompile(`(?m)^[>\s*]*(?:From|To|Cc|От|Кому):\*?\s+"?([\p{Lu}][\p{L}'-]*(?:\s+[\p{Lu}][\p{L}'.-]*){0,2})"?\s*(?:[<\[]|$)`),
		// A display name before an address: "Alexander L <a@…>", "bob <bob@…>", "defunkt<reply@…>".
		regexp.MustCompile(`(?:^|[\s:"(])"?([\p{L}][\p{L}'-]*(?:\s+[\p{Lu}][\p{L}'.-]*){0,2})"?\s*<[^<>@\s]+@`),
	}
})

// Scrub returns text with personal data replaced.
func (s *Scrubber) Scrub(text string) string {
	text = reURL().ReplaceAllStringFunc(text, func(m string) string {
		trimmed := strings.TrimRight(m, ".,;:!?")
		return s.fake("url", trimmed, func(n int) string { return fmt.Sprintf("https://example.com/link-%d", n) }) + m[len(trimmed):]
	})
	text = reEmail().ReplaceAllStringFunc(text, func(m string) string {
		return s.fake("email", m, func(n int) string { return fmt.Sprintf("person%d@example.net", n) })
	})
	text = reIBAN().ReplaceAllStringFunc(text, func(m string) string {
		if !hasDigits(m, 8) {
			return m
		}
		return s.fake("iban", m, func(n int) string { return fmt.Sprintf("XX00 FAKE IBAN %04d", n) })
	})
	text = reCard().ReplaceAllStringFunc(text, func(m string) string {
		return s.fake("card", m, func(n int) string { return fmt.Sprintf("0000 0000 0000 %04d", n) })
	})
	text = reStreet().ReplaceAllStringFunc(text, func(m string) string {
		return s.fake("street", m, func(n int) string { return fmt.Sprintf("%d Example Street", n) })
	})
	text = rePostUK().ReplaceAllStringFunc(text, func(m string) string {
		return s.fake("postcode", m, func(n int) string { return fmt.Sprintf("ZZ%d 9ZZ", n) })
	})
	text = reRef().ReplaceAllStringFunc(text, func(m string) string {
		sub := reRef().FindStringSubmatch(m)
		if !hasDigits(sub[3], 1) || strings.HasPrefix(sub[3], "0000") {
			return m
		}
		return sub[1] + sub[2] + s.fake("ref", sub[3], func(n int) string { return fmt.Sprintf("X%04d", 1000+n) })
	})
	text = reHashNum().ReplaceAllStringFunc(text, func(m string) string {
		return "#" + s.fake("ref", strings.TrimSpace(strings.TrimPrefix(m, "#")), func(n int) string { return fmt.Sprintf("X%04d", 1000+n) })
	})
	text = rePhone().ReplaceAllStringFunc(text, func(m string) string {
		d := countDigits(m)
		if d < 7 || d > 15 || looksLikeAmountOrDate(m) {
			return m
		}
		return s.fake("phone", m, func(n int) string { return fmt.Sprintf("+00 000 000 %03d", n) })
	})
	text = reLongNum().ReplaceAllStringFunc(text, func(m string) string {
		if strings.HasPrefix(m, "X") || strings.HasPrefix(m, "ZZ") {
			return m // already a fake
		}
		return s.fake("ref", m, func(n int) string { return fmt.Sprintf("X%04d", 1000+n) })
	})
	// Names the scrubber was not told: after a greeting, an introduction
	// or a sign-off. Learnt first, so "Jane Smith" and a later "Jane" get
	// the same fake.
	for _, sub := range reIntro().FindAllStringSubmatch(text, -1) {
		s.learn(sub[3])
	}
	for _, re := range nameCues() {
		for _, sub := range re.FindAllStringSubmatch(text, -1) {
			s.learn(sub[1])
		}
	}
	for _, name := range s.names {
		// Case matters: "Will" is a name, "will" is not.
		re := regexp.MustCompile(`\b(?:` + regexp.QuoteMeta(name) + `|` + regexp.QuoteMeta(strings.ToUpper(name)) + `)\b`)
		text = re.ReplaceAllStringFunc(text, func(m string) string { return s.fakeFor(name) })
	}
	return text
}

// fakeFor is the fake of a name or of one part of a known name: a first
// name becomes the fake's first name, a surname its surname.
func (s *Scrubber) fakeFor(name string) string {
	for _, full := range s.names {
		parts := strings.Fields(full)
		if len(parts) < 2 {
			continue
		}
		fake := strings.Fields(s.FakeName(full))
		if strings.EqualFold(name, full) {
			return strings.Join(fake, " ")
		}
		if strings.EqualFold(name, parts[0]) {
			return fake[0]
		}
		if strings.EqualFold(name, parts[len(parts)-1]) {
			return fake[len(fake)-1]
		}
	}
	f := s.FakeName(name)
	if len(strings.Fields(name)) == 1 {
		return strings.Fields(f)[0]
	}
	return f
}

// learn takes a name found by a cue, unless it is a fake this scrubber
// made or a common word standing where a name could.
func (s *Scrubber) learn(who string) {
	who = strings.TrimSpace(who)
	words := strings.Fields(who)
	if len(words) == 0 || s.isFake(who) || commonWord[strings.ToLower(words[0])] || stopName[strings.ToLower(words[0])] {
		return
	}
	s.addName(who)
}

// isFake reports whether name is, or begins, a fake this scrubber made.
func (s *Scrubber) isFake(name string) bool {
	first := strings.Fields(name)[0]
	for key, f := range s.fakes {
		if strings.HasPrefix(key, "name\x00") && (f == name || strings.Fields(f)[0] == first) {
			return true
		}
	}
	return false
}

// commonWord are capitalised words that follow "hi", "I'm" or "thanks"
// without being names.
var commonWord = map[string]bool{
	"there": true, "team": true, "all": true, "again": true, "so": true, "not": true, "very": true, "really": true,
	"sorry": true, "still": true, "writing": true, "a": true, "an": true, "the": true, "in": true, "on": true,
	"for": true, "and": true, "i": true, "you": true, "we": true, "it": true, "this": true, "that": true, "please": true,
	"everyone": true, "customer": true, "support": true, "just": true, "going": true, "done": true, "tired": true,
	"furious": true, "angry": true, "upset": true, "disappointed": true, "frustrated": true, "fine": true, "ok": true,
	"okay": true, "yes": true, "no": true, "good": true, "great": true, "hello": true, "hi": true, "dear": true,
	"sir": true, "madam": true, "both": true, "again,": true, "unable": true, "now": true, "also": true,
	// Interjections and sign-off words that close a message where a name could.
	"thanks": true, "thx": true, "ty": true, "cheers": true, "regards": true, "best": true, "like": true, "neat": true,
	"lame": true, "smh": true, "lol": true, "wtf": true, "ugh": true, "unfortunately": true, "hey": true, "test": true,
	"subject": true, "sent": true, "mail": true, "sorry,": true, "help": true, "seriously": true, "really,": true,
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

func hasDigits(s string, n int) bool { return countDigits(s) >= n }

var reAmountOrDate = textkit.LazyRegexp(`^\d{1,3}(?:[.,]\d{3})*[.,]\d{2}$|^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$|^\d{1,2}[.:]\d{2}(?:\s*-\s*\d{1,2}[.:]\d{2})?$`)

func looksLikeAmountOrDate(s string) bool { return reAmountOrDate().MatchString(strings.TrimSpace(s)) }
