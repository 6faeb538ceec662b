package web

import (
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func TestNotificationWordsDoNotRepeat(t *testing.T) {
	four := int64(4)
	cases := []struct {
		n           desk.Notification
		title, rest string
	}{
		{desk.Notification{Kind: "sla_breach", CaseID: &four, Message: "Case #4: resolution target missed"}, "SLA breach", ": resolution target missed"},
		{desk.Notification{Kind: "case_escalated", CaseID: &four, Message: "Case #4 escalated: manager request"}, "Case escalated", " escalated: manager request"},
		{desk.Notification{Kind: "promise_due", CaseID: &four, Message: "Refund due today"}, "Promise due", ": Refund due today"},
		{desk.Notification{Kind: "mail_refused", Message: "A mail could not be stored"}, "Mail refused", "A mail could not be stored"},
		{desk.Notification{Kind: "goodwill_approval", CaseID: &four, Message: "Case #42: not this case"}, "Goodwill to approve", ": Case #42: not this case"},
	}
	for _, c := range cases {
		v := newNotificationView(c.n, false)
		if v.Title != c.title || v.Rest != c.rest {
			t.Errorf("%s %q: title %q rest %q, want %q %q", c.n.Kind, c.n.Message, v.Title, v.Rest, c.title, c.rest)
		}
	}
}
