package mail

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// caseToken matches the case token in a subject: "[#1234]".
var caseToken = textkit.LazyRegexp(`\[#(\d{1,18})\]`)

// CaseToken formats the token that ties mail to case id: "[#1234]".
// Outbound subjects carry it so the customer's reply finds its case.
func CaseToken(id int64) string {
	return fmt.Sprintf("[#%d]", id)
}

// CaseRefFromSubject returns the case id of the first case token in
// subject, and whether there was one.
func CaseRefFromSubject(subject string) (int64, bool) {
	m := caseToken().FindStringSubmatch(subject)
	if m == nil {
		return 0, false
	}
	id, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// replyPrefix matches reply/forward prefixes mail clients add.
var replyPrefix = textkit.LazyRegexp(`(?i)^\s*((re|aw|sv|vs|antw|fwd?|wg|tr|rv)\s*(\[\d+\])?\s*:\s*)+`)

// ReplySubject returns the subject of calmdesk's reply on case id to a
// message with subject: "Re: " once and the case token once, at the end.
func ReplySubject(subject string, id int64) string {
	s := cleanLine(subject, 900)
	s = replyPrefix().ReplaceAllString(caseToken().ReplaceAllString(s, ""), "")
	return "Re: " + WithCaseToken(s, id)
}

// WithCaseToken returns subject carrying case id's token once, at the end;
// tokens of other cases are removed, since the first token in a subject
// decides the case.
func WithCaseToken(subject string, id int64) string {
	s := caseToken().ReplaceAllString(cleanLine(subject, 900), "")
	return strings.Join(strings.Fields(s+" "+CaseToken(id)), " ")
}
