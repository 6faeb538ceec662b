package desk_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/playbook"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// The coach's rewrites on a case carry the case's facts: the order number
// from a message already answered and the due date from the desk's clock and
// calendar; a sent reply with pasted advice tracks no promise made of it,
// and a promise without a time is still tracked, as vague.
func TestCoachRewritesUseTheCaseFacts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		first, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		clock.Set(time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)) // Monday
		if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: first.CaseID, Text: "Hi Dana, I'm sorry. I am looking into it now."}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: dana.CustomerEmail, Text: "Still nothing. This is ridiculous.", Channel: "email", CaseID: first.CaseID}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.SetCategory(ctx, desk.UserActor(sam), first.CaseID, "billing"); err != nil {
			t.Fatal(err)
		}
		reply := "Hi Dana, we apologize for any inconvenience. We will refund it soon."
		rv, err := d.ReviewReply(ctx, sam, desk.ReviewInput{Reply: reply, CaseID: first.CaseID})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]string{}
		for _, f := range rv.Findings {
			if f.Rewrite != "" {
				got[f.Rule] = reply[:f.RewriteStart] + f.Rewrite + reply[f.RewriteEnd:]
			}
		}
		if s := got[playbook.RuleRobotic]; !strings.Contains(s, "order 4471") {
			t.Errorf("robotic rewrite without the order number: %q (findings %+v)", s, rv.Findings)
		}
		if s := got[playbook.RuleVagueTiming]; !strings.Contains(s, "by Thursday 3 December") {
			t.Errorf("vague timing rewrite = %q, want the due date from the calendar", s)
		}
		res, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: first.CaseID,
			Text: `Hi Dana, I'm sorry. I will refund it Give a date or a duration: "by Tuesday 8 December" or "within 2 business days".`})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Promises {
			if strings.Contains(strings.ToLower(p.Action), "give a date") || p.DueAt != nil {
				t.Errorf("pasted advice became a promise: %+v", p)
			}
		}
		if len(res.Promises) != 1 || !res.Promises[0].Vague {
			t.Errorf("promises %+v, want the refund tracked without a date", res.Promises)
		}
	})
}
