package mail

import (
	"strings"

	"github.com/calmdesk/calmdesk/internal/textkit"
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
	attributionStart = textkit.LazyRegexp(`^(?i)(on|le|am|el|il|op|em|den|dne|w dniu)\s.{4,}`)
	attributionEnd   = textkit.LazyRegexp(`(?i)(wrote|a écrit|schrieb|escribió|ha scritto|schreef|escreveu|skrev|napisał|написал[а]?)\s*(.{0,80})?:\s*$`)
	// "2026-03-03 10:12 GMT+01:00 Ana <a@x>:" (Gmail in some locales)
	dateAttribution = textkit.LazyRegexp(`^\d{4}-\d{2}-\d{2} .{0,60}<[^>]+@[^>]+>:\s*$`)
)

// attributionLen returns how many lines (1-3) form an attribution line at
// the start of lines, or 0.
func attributionLen(lines []string) int {
	first := strings.TrimSpace(lines[0])
	if len(first) > 10 && first[0] >= '0' && first[0] <= '9' && dateAttribution().MatchString(first) {
		return 1
	}
	if n := datedAttributionLen(lines); n > 0 {
		return n
	}
	if !attributionStart().MatchString(first) {
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

var (
	// attributionTime finds a time or a numeric date in an attribution.
	attributionTime = textkit.LazyRegexp(`\b\d{1,2}:\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b`)
	// attributionTail is how a dated attribution ends: an address, or a
	// verb, then the colon.
	attributionTail = textkit.LazyRegexp(`(?i)(@[^\s<>]+>?|wrote|написал[а]?|пишет|napisał|schrieb|escribió|a écrit)\s*:\s*$`)
)

// datedAttributionLen recognises the attributions that start with a date
// rather than "On": Yandex's `26.06.2014, 14:41, "Ana" <a@x>:`, mail.ru's
// "Thu, 26 Jun 2014 14:00:51 +0400 от Ana <a@x>:", Android's
// "02.04.2012 14:20 пользователь "a@x" <a@x> написал:", each over up to
// three lines. It returns how many lines it spans, or 0.
func datedAttributionLen(lines []string) int {
	// The regexps are costly on long text: first find the line ending in
	// ':' within three unquoted lines, then look closer.
	end, size := -1, 0
	for n := 0; n < 3 && n < len(lines) && end < 0; n++ {
		l := strings.TrimSpace(lines[n])
		size += len(l)
		if l == "" || isQuoted(l) || size > 300 {
			return 0
		}
		if strings.HasSuffix(l, ":") {
			end = n
		}
	}
	if end < 0 || !attributionTime().MatchString(lines[0]) { // an attribution starts with its date
		return 0
	}
	joined := ""
	for _, l := range lines[:end+1] {
		joined += " " + strings.TrimSpace(l)
	}
	if attributionTail().MatchString(joined) {
		return end + 1
	}
	return 0
}

// hasAttributionVerb runs attributionEnd on the end of s, and only when
// one of its verbs is there: the regexp is slow on long text.
func hasAttributionVerb(s string) bool {
	tail := strings.ToLower(s[max(0, len(s)-160):])
	for _, v := range attributionVerbs {
		if strings.Contains(tail, v) {
			return attributionEnd().MatchString(tail)
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
	originalMessage = textkit.LazyRegexp(`(?i)^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale|oorspronkelijk bericht|исходное сообщение|oryginalna wiadomość|originalmeddelande|alkuperäinen viesti)\s*-{2,}$`)
	// Forwarded mail: the customer's note is above, the old mail below.
	forwarded = textkit.LazyRegexp(`(?i)^(-{3,}\s*(forwarded message|weitergeleitete nachricht|message transféré|mensaje reenviado)\s*-{3,}|begin forwarded message:)$`)
	// "----------------------------" above a header block (Outlook, Lotus).
	ruleLine = textkit.LazyRegexp(`^[-_]{10,}$`)
)

// headerKeys are the field names of the header blocks mail clients paste
// above quoted history ("From: … Sent: … To: … Subject: …"), in English
// and the languages clients are localised in, by kind.
var headerKeys = map[string]byte{}

func init() {
	for kind, names := range map[byte][]string{
		'f': {"from", "von", "de", "da", "van", "od", "от", "від", "från", "fra", "lähettäjä", "kimden", "feladó", "差出人", "发件人", "寄件者", "보낸 사람", "απο", "από"},
		'd': {"sent", "date", "gesendet", "datum", "envoyé", "enviado", "enviada", "inviato", "verzonden", "wysłane", "data", "fecha", "отправлено", "дата", "надіслано", "skickat", "sendt", "lähetetty", "odesláno", "gönderildi", "gönderilme tarihi", "elküldve", "送信日時", "日付", "发送时间", "日期", "傳送時間", "보낸 날짜", "enviado em", "enviada em", "sent at"},
		't': {"to", "an", "à", "a", "para", "aan", "do", "кому", "till", "til", "vastaanottaja", "komu", "kime", "címzett", "宛先", "收件人", "收件者", "받는 사람", "προς", "cc", "kopie", "копия", "копія"},
		's': {"subject", "betreff", "objet", "asunto", "oggetto", "onderwerp", "assunto", "temat", "тема", "ämne", "emne", "aihe", "předmět", "konu", "tárgy", "件名", "主题", "主旨", "제목", "θέμα"},
	} {
		for _, n := range names {
			headerKeys[n] = kind
		}
	}
}

// headerKey returns the kind of header-block field a line starts with
// ('f' from, 'd' date, 't' to, 's' subject), or 0. Outlook writes the
// names in bold ("*From:*" once rendered as text), Windows Mail puts
// direction marks in the values.
func headerKey(line string) byte {
	line = strings.TrimLeft(strings.TrimSpace(line), "*")
	i := strings.IndexAny(line, ":：")
	if i <= 0 || i > 40 {
		return 0
	}
	return headerKeys[strings.ToLower(strings.TrimSpace(strings.TrimRight(line[:i], "*")))]
}

// isHeaderBlock reports whether lines begin a pasted header block: a
// from or date field, then within five more lines the rest of a from, a
// date and a to or subject.
func isHeaderBlock(lines []string) bool {
	first := headerKey(lines[0])
	if first != 'f' && first != 'd' {
		return false
	}
	seen := map[byte]bool{first: true}
	for _, l := range lines[1:min(len(lines), 6)] {
		if k := headerKey(l); k != 0 {
			seen[k] = true
		}
	}
	return seen['f'] && seen['d'] && (seen['t'] || seen['s'])
}

// isHistoryStart reports whether lines begin pasted, unquoted history.
func isHistoryStart(lines []string) bool {
	first := strings.TrimSpace(lines[0])
	if originalMessage().MatchString(first) || forwarded().MatchString(first) {
		return true
	}
	if ruleLine().MatchString(first) {
		// A rule alone is also a decoration; require a header block, a
		// carrier's footer or a list's after it, blank lines apart.
		for i, l := range lines[1:min(len(lines), 4)] {
			if l = strings.TrimSpace(l); l != "" {
				return isHeaderBlock(lines[1+i:]) || mobileFooter().MatchString(l) || listFooter().MatchString(l)
			}
		}
		return false
	}
	return isHeaderBlock(lines)
}

// listFooter matches the first line of a mailing list's footer, as
// Mailman writes it under a rule: "riak-users mailing list".
var listFooter = textkit.LazyRegexp(`(?i)^\S+ mailing list$`)

// mobileFooter matches the footers phones and webmail apps append.
var mobileFooter = textkit.LazyRegexp(`(?i)^(sent from my [\w-]+( [\w-]+){0,3}[.!]?$|sent via .{0,40}(text messaging|mobile|wireless|blackberry)|sent from (mail|outlook|yahoo mail|my mobile|samsung|proton ?mail)\b|get outlook for (ios|android)|sent from \w+ for (ios|android|windows)|envoyé de mon \w+|von meinem \w+ gesendet|enviado desde mi \w+|inviato da(l mio)? \w+)`)

func isSignatureStart(trimmed string) bool {
	return trimmed == "--" || trimmed == "-- " || trimmed == "—" || mobileFooter().MatchString(trimmed)
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
