package mail

import (
	"regexp"
	"strings"
)

// StripQuotes returns the new text of a reply: text without the quoted
// history and the signature, as written by the mail clients people use —
// Gmail's "On … wrote:", Outlook's "-----Original Message-----" and
// "From: … Sent: …" blocks, Apple Mail's "On …, at …, … wrote:", lines
// quoted with ">", "-- " signatures and "Sent from my iPhone" footers.
//
// Text the customer interleaved between quoted lines is kept. When
// stripping would leave nothing (a message that is only a quote), the text
// is returned trimmed rather than lost.
func StripQuotes(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var out []string
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		if isQuoted(trimmed) {
			continue
		}
		if n := attributionLen(lines[i:]); n > 0 {
			if quotedFollows(lines[i+n:]) {
				// Quoted with ">": drop the attribution, the quote is
				// dropped line by line and any text after it is kept.
				i += n - 1
				continue
			}
			break // history pasted unquoted: everything after is old
		}
		if isHistoryStart(lines[i:]) || isSignatureStart(trimmed) {
			break
		}
		out = append(out, line)
	}
	s := strings.TrimSpace(collapseBlankLines(out))
	if s == "" {
		return strings.TrimSpace(text)
	}
	return s
}

func isQuoted(trimmed string) bool {
	return strings.HasPrefix(trimmed, ">")
}

// attribution lines: "On Tue, 3 Mar 2026 at 10:12, Ana <a@x> wrote:" and
// its translations; Gmail wraps long ones over two or three lines.
var (
	attributionStart = regexp.MustCompile(`^(?i)(on|le|am|el|il|op|em|den|dne|w dniu)\s.{4,}`)
	attributionEnd   = regexp.MustCompile(`(?i)(wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu|skrev|napisał|написал[а]?)\s*(.{0,80})?:\s*$`)
	// "2026-03-03 10:12 GMT+01:00 Ana <a@x>:" (Gmail in some locales)
	dateAttribution = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} .{0,60}<[^>]+@[^>]+>:\s*$`)
)

// attributionLen returns how many lines (1-3) form an attribution line at
// the start of lines, or 0.
func attributionLen(lines []string) int {
	first := strings.TrimSpace(lines[0])
	if dateAttribution.MatchString(first) {
		return 1
	}
	if !attributionStart.MatchString(first) {
		return 0
	}
	joined := ""
	for n := 0; n < 3 && n < len(lines); n++ {
		l := strings.TrimSpace(lines[n])
		if l == "" && n > 0 {
			return 0
		}
		joined += " " + l
		// The regexp is costly on long text; an attribution ends in ':'.
		if strings.HasSuffix(l, ":") && hasAttributionVerb(joined) {
			return n + 1
		}
	}
	return 0
}

// attributionVerbs are the verbs attributionEnd looks for, lower-cased.
var attributionVerbs = []string{"wrote", "a écrit", "schrieb", "escribió", "ha scritto", "schreef", "escreveu", "skrev", "napisał", "написал"}

// hasAttributionVerb runs attributionEnd on the end of s, and only when
// one of its verbs is there: the regexp is slow on long text.
func hasAttributionVerb(s string) bool {
	tail := strings.ToLower(s[max(0, len(s)-160):])
	for _, v := range attributionVerbs {
		if strings.Contains(tail, v) {
			return attributionEnd.MatchString(tail)
		}
	}
	return false
}

// quotedFollows reports whether the next non-blank line is quoted.
func quotedFollows(lines []string) bool {
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l != "" {
			return isQuoted(l)
		}
	}
	return false
}

var (
	// "-----Original Message-----", "----- Original Message -----" and
	// translations; "________________________________" (Outlook's rule).
	originalMessage = regexp.MustCompile(`(?i)^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht)\s*-{2,}$`)
	outlookRule     = regexp.MustCompile(`^_{20,}$`)
	// Forwarded mail: the customer's note is above, the old mail below.
	forwarded = regexp.MustCompile(`(?i)^(-{3,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)\s*-{3,}|begin forwarded message:)$`)
	// Outlook's pasted header block: "From: …" then "Sent:"/"Date:" and
	// "To:"/"Subject:" within a few lines (also bold "*From:*" in text).
	headerFrom    = regexp.MustCompile(`(?i)^\*?(from|von|de|da|van|od)\s*:\*?\s`)
	headerSentish = regexp.MustCompile(`(?i)^\*?(sent|date|gesendet|datum|envoyé|enviado|inviato|verzonden|wysłane)\s*:\*?\s`)
	headerToish   = regexp.MustCompile(`(?i)^\*?(to|subject|an|betreff|à|objet|para|asunto|a|oggetto|aan|onderwerp|cc)\s*:\*?`)
)

// isHistoryStart reports whether lines begin pasted, unquoted history.
func isHistoryStart(lines []string) bool {
	first := strings.TrimSpace(lines[0])
	if originalMessage.MatchString(first) || forwarded.MatchString(first) {
		return true
	}
	if outlookRule.MatchString(first) {
		// The rule alone is also used as a decoration; require a header
		// block right after it.
		for _, l := range lines[1:min(len(lines), 3)] {
			if headerFrom.MatchString(strings.TrimSpace(l)) {
				return true
			}
		}
		return false
	}
	if !headerFrom.MatchString(first) {
		return false
	}
	sent, to := false, false
	for _, l := range lines[1:min(len(lines), 6)] {
		l = strings.TrimSpace(l)
		sent = sent || headerSentish.MatchString(l)
		to = to || headerToish.MatchString(l)
	}
	return sent && to
}

// mobileFooter matches the footers phones and webmail apps append.
var mobileFooter = regexp.MustCompile(`(?i)^(sent from my \w+|sent from (mail|outlook|yahoo mail|my mobile|samsung|proton ?mail)\b|get outlook for (ios|android)|sent from \w+ for (ios|android|windows)|envoyé de mon \w+|von meinem \w+ gesendet|enviado desde mi \w+|inviato da(l mio)? \w+)`)

func isSignatureStart(trimmed string) bool {
	return trimmed == "--" || trimmed == "-- " || trimmed == "—" || mobileFooter.MatchString(trimmed)
}

// collapseBlankLines joins lines, keeping at most one blank line in a row.
func collapseBlankLines(lines []string) string {
	var b strings.Builder
	blank := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return b.String()
}
