package desk_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// fixedClock is Friday 27 November 2026, 23:10 UTC — Dana's first email.
var fixedClock = time.Date(2026, 11, 27, 23, 10, 0, 0, time.UTC)

func newDesk(t *testing.T, db *store.DB) *desk.Desk {
	d, _ := newDeskWithClock(t, db)
	return d
}

// testClock starts at fixedClock and ticks a second per reading; tests move
// it on to make promises and SLAs come due.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Second)
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func newDeskWithClock(t *testing.T, db *store.DB) (*desk.Desk, *testClock) {
	t.Helper()
	clock := &testClock{now: fixedClock}
	return desk.New(db, desk.Options{Analyzer: testAnalyzer, Now: clock.Now, PublicURL: "https://desk.example"}), clock
}

func mustUser(t *testing.T, d *desk.Desk, email string, role desk.Role) desk.User {
	t.Helper()
	u, _, err := d.AddUser(context.Background(), desk.SystemActor, desk.NewUser{Email: email, Name: strings.Split(email, "@")[0], Role: role, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

var dana = desk.InboundMessage{
	CustomerEmail: "Dana.Reyes@example.com",
	CustomerName:  "Dana Reyes",
	Subject:       "Charged twice for order 4471",
	Text:          "This is the third time I write. You charged me twice for order 4471 and nobody answers. Fix it NOW!!!",
	Channel:       "email",
	ExternalID:    "<CAFdana1@mail.example.com>",
}

func TestIngestCreatesCaseAndDeduplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		first, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		if !first.NewCase || first.Duplicate || first.CaseID == 0 || first.MessageID == 0 {
			t.Fatalf("first ingest = %+v", first)
		}
		again, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		if !again.Duplicate || again.CaseID != first.CaseID || again.MessageID != first.MessageID {
			t.Fatalf("re-ingest = %+v, want duplicate of %+v", again, first)
		}
		c, err := d.Case(ctx, first.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Messages) != 1 {
			t.Fatalf("case has %d messages, want 1", len(c.Messages))
		}
		if c.Customer.Email != "dana.reyes@example.com" || c.Customer.Name != "Dana Reyes" {
			t.Errorf("customer = %+v", c.Customer)
		}
		if c.Status != desk.StatusNew || c.Subject != dana.Subject || c.Channel != "email" {
			t.Errorf("case = %+v", c.Case)
		}
		if c.Messages[0].Reading == nil || c.Messages[0].Reading.Anger != c.Anger.Latest {
			t.Errorf("message reading %+v does not match case anger %+v", c.Messages[0].Reading, c.Anger)
		}
		if c.FirstResponseDueAt == nil || !c.FirstResponseDueAt.After(c.CreatedAt) {
			t.Errorf("first response due %v, created %v", c.FirstResponseDueAt, c.CreatedAt)
		}
	})
}

func TestIngestThreadsRepliesAndReopens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		first, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: first.CaseID, Text: "Dana, I am sorry. I will refund the duplicate charge today."}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Resolve(ctx, desk.UserActor(sam), first.CaseID); err != nil {
			t.Fatal(err)
		}
		follow := desk.InboundMessage{CustomerEmail: dana.CustomerEmail, Text: "Still not refunded.", Channel: "email",
			ExternalID: "<CAFdana2@mail.example.com>", InReplyTo: []string{dana.ExternalID}}
		res, err := d.Ingest(ctx, follow)
		if err != nil {
			t.Fatal(err)
		}
		if res.NewCase || res.CaseID != first.CaseID {
			t.Fatalf("follow-up landed on case %d (new=%v), want case %d", res.CaseID, res.NewCase, first.CaseID)
		}
		c, err := d.Case(ctx, first.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != desk.StatusOpen || c.ResolvedAt != nil {
			t.Errorf("status after customer wrote again = %s (resolved_at %v), want open", c.Status, c.ResolvedAt)
		}
		if c.InboundCount != 2 || c.OutboundCount != 1 || c.FirstRespondedAt == nil {
			t.Errorf("counts in=%d out=%d first_responded=%v", c.InboundCount, c.OutboundCount, c.FirstRespondedAt)
		}
		if len(c.Concerns) != len(c.Messages[2].Reading.Concerns) {
			t.Errorf("open concerns %d, want only the latest message's %d", len(c.Concerns), len(c.Messages[2].Reading.Concerns))
		}
		events, err := d.AuditLog(ctx, first.CaseID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action)
		}
		want := "case.created message.received reply.sent case.resolved case.reopened message.received"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("audit trail = %q, want %q", got, want)
		}
	})
}

func TestIngestRejectsBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		cases := []struct {
			name  string
			edit  func(m *desk.InboundMessage)
			field string
		}{
			{"no email", func(m *desk.InboundMessage) { m.CustomerEmail = "" }, "customer.email"},
			{"bad email", func(m *desk.InboundMessage) { m.CustomerEmail = "dana at example" }, "customer.email"},
			{"header injection", func(m *desk.InboundMessage) { m.CustomerEmail = "a@b.c\r\nBcc: x@y.z" }, "customer.email"},
			{"empty text", func(m *desk.InboundMessage) { m.Text = "  \n " }, "text"},
			{"invalid utf-8", func(m *desk.InboundMessage) { m.Text = "bad \xff\xfe bytes" }, "text"},
			{"huge text", func(m *desk.InboundMessage) { m.Text = strings.Repeat("a", desk.MaxTextBytes+1) }, "text"},
			{"long subject", func(m *desk.InboundMessage) { m.Subject = strings.Repeat("s", 501) }, "subject"},
			{"unknown channel", func(m *desk.InboundMessage) { m.Channel = "pigeon" }, "channel"},
			{"unknown case", func(m *desk.InboundMessage) { m.CaseID = 999999 }, "case_id"},
		}
		for _, tc := range cases {
			m := dana
			m.ExternalID = ""
			tc.edit(&m)
			_, err := d.Ingest(ctx, m)
			var verr *desk.ValidationError
			if !errors.As(err, &verr) {
				t.Errorf("%s: err = %v, want a validation error", tc.name, err)
				continue
			}
			if _, ok := verr.Fields[tc.field]; !ok {
				t.Errorf("%s: fields = %v, want %s", tc.name, verr.Fields, tc.field)
			}
		}
		page, err := d.Cases(ctx, desk.CaseQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Cases) != 0 {
			t.Errorf("rejected input left %d cases behind", len(page.Cases))
		}
	})
}

func TestListCasesHottestFirstWithCursor(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		texts := []string{
			"Could you tell me when my order ships?",
			"I want to speak to your manager NOW. This is a disgrace and I will file a chargeback!!!",
			"The blender arrived broken, I am really disappointed.",
			"Thanks, all good now.",
			"This is the third time I write and you STILL have not refunded me. Unacceptable!",
		}
		for i, text := range texts {
			if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("c%d@example.com", i), Text: text}); err != nil {
				t.Fatal(err)
			}
		}
		var got []desk.Case
		cursor := ""
		for range 10 {
			page, err := d.Cases(ctx, desk.CaseQuery{Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page.Cases...)
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(got) != len(texts) {
			t.Fatalf("paged through %d cases, want %d", len(got), len(texts))
		}
		for i := 1; i < len(got); i++ {
			if got[i].Priority > got[i-1].Priority {
				t.Errorf("case %d (priority %d) listed after case %d (priority %d)", got[i].ID, got[i].Priority, got[i-1].ID, got[i-1].Priority)
			}
		}
		// The manager request with a chargeback threat is at the top (a
		// furious repeat contact may share the top priority with it).
		for _, c := range got {
			if strings.Contains(c.Subject, "manager") && c.Priority != got[0].Priority {
				t.Errorf("manager request at priority %d, below the hottest case %q (%d)", c.Priority, got[0].Subject, got[0].Priority)
			}
		}
		if strings.Contains(got[len(got)-1].Subject, "manager") {
			t.Error("the manager request is listed last")
		}
		if _, err := d.Cases(ctx, desk.CaseQuery{Cursor: "not-a-cursor!"}); err == nil {
			t.Error("a forged cursor was accepted")
		}
	})
}

func TestResolveEscalateAndConflicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		ana := mustUser(t, d, "ana@calmdesk.test", desk.RoleSupervisor)
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		c, err := d.Escalate(ctx, desk.UserActor(ana), res.CaseID, "", "customer asked for a manager")
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != desk.StatusEscalated || c.EscalatedAt == nil || c.EscalationReason != "customer asked for a manager" {
			t.Errorf("escalated case = %+v", c)
		}
		if _, err := d.Escalate(ctx, desk.UserActor(ana), res.CaseID, "", " "); err == nil {
			t.Error("escalation without a reason was accepted")
		}
		c, err = d.Resolve(ctx, desk.UserActor(ana), res.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != desk.StatusResolved || c.ResolvedAt == nil {
			t.Errorf("resolved case = %+v", c)
		}
		detail, err := d.Case(ctx, res.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if len(detail.Escalations) != 1 || detail.Escalations[0].EndedAt == nil || detail.Escalations[0].Rule != "manual" {
			t.Errorf("escalations = %+v", detail.Escalations)
		}
		if _, err := d.Resolve(ctx, desk.SystemActor, 424242); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("resolve unknown case: %v, want ErrNotFound", err)
		}
		if _, err := d.Case(ctx, 424242); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("get unknown case: %v, want ErrNotFound", err)
		}
	})
}

func TestUsersTokensAndAuthentication(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		u, pw, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: " Sam@Calmdesk.test ", Name: "Sam", Role: desk.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		if len(pw) < desk.MinPasswordLength || u.Email != "sam@calmdesk.test" {
			t.Fatalf("user %+v with generated password %q", u, pw)
		}
		if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam 2", Role: desk.RoleAgent}); err == nil {
			t.Error("a second user with the same email was created")
		}
		if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "x@calmdesk.test", Name: "X", Role: "root"}); err == nil {
			t.Error("a user with an unknown role was created")
		}
		if got, err := d.Authenticate(ctx, "SAM@calmdesk.test", pw); err != nil || got.ID != u.ID {
			t.Errorf("Authenticate with the right password = %+v, %v", got, err)
		}
		if _, err := d.Authenticate(ctx, "sam@calmdesk.test", "wrong password!"); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("Authenticate with a wrong password: %v", err)
		}
		if _, err := d.Authenticate(ctx, "nobody@calmdesk.test", pw); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("Authenticate unknown user: %v", err)
		}
		token, err := d.CreateToken(ctx, desk.SystemActor, "sam@calmdesk.test", "cli")
		if err != nil {
			t.Fatal(err)
		}
		if got, err := d.UserByToken(ctx, token); err != nil || got.ID != u.ID {
			t.Errorf("UserByToken = %+v, %v", got, err)
		}
		if _, err := d.UserByToken(ctx, token+"x"); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("tampered token: %v", err)
		}
		if _, err := d.CreateToken(ctx, desk.SystemActor, "nobody@calmdesk.test", ""); err == nil {
			t.Error("token created for an unknown user")
		}
		if err := d.RevokeToken(ctx, desk.SystemActor, token); err != nil {
			t.Fatal(err)
		}
		if _, err := d.UserByToken(ctx, token); !errors.Is(err, desk.ErrUnauthenticated) {
			t.Errorf("a revoked token still works: %v", err)
		}
		if err := d.RevokeToken(ctx, desk.SystemActor, token); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("revoking twice: %v", err)
		}
	})
}

func TestPermissions(t *testing.T) {
	cases := []struct {
		role desk.Role
		perm desk.Permission
		want bool
	}{
		{desk.RoleAgent, desk.PermCasesReply, true},
		{desk.RoleAgent, desk.PermGoodwillApprove, false},
		{desk.RoleSupervisor, desk.PermGoodwillApprove, true},
		{desk.RoleSupervisor, desk.PermUsersManage, false},
		{desk.RoleAdmin, desk.PermUsersManage, true},
		{desk.RoleTrainee, desk.PermCasesRead, false},
		{desk.RoleTrainee, desk.PermTrainingPractice, true},
		{desk.RoleTrainee, desk.PermTrainingManage, false},
		{desk.RoleSupervisor, desk.PermTrainingManage, true},
		{"root", desk.PermCasesRead, false},
	}
	for _, tc := range cases {
		if got := tc.role.Can(tc.perm); got != tc.want {
			t.Errorf("%s can %s = %v, want %v", tc.role, tc.perm, got, tc.want)
		}
	}
}

func TestPriority(t *testing.T) {
	cases := []struct {
		name         string
		latest, peak int
		signals      []string
		tier         string
		want         int
	}{
		{"calm question", 5, 5, nil, "standard", 5},
		{"annoyed", 40, 40, nil, "standard", 40},
		{"calmed down but was furious", 20, 90, nil, "standard", 41},
		{"manager request", 85, 85, []string{"manager_request", "chargeback"}, "gold", 100},
		{"third contact", 60, 60, []string{"repeat_contact"}, "standard", 68},
	}
	for _, tc := range cases {
		if got := desk.Priority(tc.latest, tc.peak, tc.signals, tc.tier); got != tc.want {
			t.Errorf("%s: Priority = %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestCustomerTierFromTheChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		in := desk.InboundMessage{CustomerEmail: "mo@example.com", CustomerTier: "gold", Text: "Where is my refund?"}
		res, err := d.Ingest(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		gold, _ := d.Case(ctx, res.CaseID)
		// A later message without a tier keeps the stored one.
		in.CustomerTier, in.CaseID = "", res.CaseID
		if _, err := d.Ingest(ctx, in); err != nil {
			t.Fatal(err)
		}
		again, _ := d.Case(ctx, res.CaseID)
		if gold.Customer.Tier != "gold" || again.Customer.Tier != "gold" {
			t.Errorf("tiers %q then %q, want gold twice", gold.Customer.Tier, again.Customer.Tier)
		}
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "x@example.com", CustomerTier: "diamond", Text: "hi"}); err == nil {
			t.Error("an unknown tier was accepted")
		}
	})
}

func TestListCasesSearchAndBreaching(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		clock.Set(time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)) // Monday
		priya, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "priya.nair@example.com", CustomerName: "Priya Nair", Subject: "Blender 100%_broken", Text: "My blender arrived broken."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "kim@example.com", Subject: "Delivery question", Text: "When will it ship?"}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			q    desk.CaseQuery
			want int
		}{
			{desk.CaseQuery{Search: "PRIYA"}, 1},
			{desk.CaseQuery{Search: "nair@example"}, 1},
			{desk.CaseQuery{Search: "priya.nair@example.com"}, 1}, // a full address
			{desk.CaseQuery{Search: "ya Na"}, 1},                  // across a space
			{desk.CaseQuery{Search: "ai"}, 1},                     // too short for trigrams
			{desk.CaseQuery{Search: "example.com"}, 2},
			{desk.CaseQuery{Search: "DELIVERY"}, 1},
			{desk.CaseQuery{Search: `"de`}, 0}, // a quote is text, not FTS syntax
			{desk.CaseQuery{Search: "example.com", Status: desk.StatusResolved}, 0},
			{desk.CaseQuery{Search: "100%_"}, 1},
			{desk.CaseQuery{Search: "%"}, 1}, // a literal percent sign, not a wildcard
			{desk.CaseQuery{Search: "#" + strconv.FormatInt(priya.CaseID, 10)}, 1},
			{desk.CaseQuery{Search: "nobody"}, 0},
			{desk.CaseQuery{Breaching: true}, 0},
		} {
			page, err := d.Cases(ctx, tc.q)
			if err != nil || len(page.Cases) != tc.want {
				t.Errorf("%+v: %d cases (%v), want %d", tc.q, len(page.Cases), err, tc.want)
			}
			for _, c := range page.Cases {
				if !tc.q.Matches(c, clock.Now()) {
					t.Errorf("%+v lists case %d that Matches refuses", tc.q, c.ID)
				}
			}
		}
		clock.Set(time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)) // days later, nobody answered
		page, err := d.Cases(ctx, desk.CaseQuery{Breaching: true})
		if err != nil || len(page.Cases) != 2 {
			t.Errorf("breaching after days without an answer: %d (%v), want 2", len(page.Cases), err)
		}
	})
}
