// Package demo loads sample data drawn from calmdesk's stories (docs and
// ../shared/STORIES.md) so a newcomer sees a living desk on first start.
// Loading is idempotent: messages carry fixed external ids and users are
// only created when missing.
package demo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// Result says what a load added.
type Result struct {
	Cases    int
	Messages int
	NewUsers []NewUser
	// Accounts are every demo user whose demo password still signs in
	// (one who changed it is left out), to be printed on each start and
	// shown on the sign-in page of a desk served with --demo.
	Accounts []NewUser
}

// NewUser is a demo user with its generated password.
type NewUser struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Password string `json:"password"`
}

// accountsKey is the setting that keeps the demo users' passwords so that
// each start can print them again. Demo data only: these accounts are
// meant to be shown to anyone who opens the sign-in page.
const accountsKey = "demo_accounts"

type message struct {
	id, email, name, tier, subject, text string
	ago                                  time.Duration
	reply                                string // the agent's answer, sent when the case is first created
}

var users = []desk.NewUser{
	{Email: "sam@demo.calmdesk", Name: "Sam Okafor", Role: desk.RoleAgent},
	{Email: "ana@demo.calmdesk", Name: "Ana Lindqvist", Role: desk.RoleSupervisor},
	{Email: "jo@demo.calmdesk", Name: "Jo Park", Role: desk.RoleTrainee},
}

var messages = []message{
	{id: "demo-dana-1", email: "dana.reyes@example.com", name: "Dana Reyes", subject: "Charged twice for order 4471", ago: 60 * time.Hour,
		text: "This is the third time I write about this. You charged me twice for order 4471 ($59.90 each) and nobody has answered my emails. Fix it NOW."},
	{id: "demo-mo-1", email: "mo.haddad@example.com", name: "Mo Haddad", tier: "gold", subject: "Subscription cancelled without notice", ago: 5 * time.Hour,
		text: "You cancelled my subscription without any notice and then charged me anyway. I have been a customer for four years. I want to speak to your manager today, otherwise I am filing a chargeback with my bank."},
	{id: "demo-priya-1", email: "priya.nair@example.com", name: "Priya Nair", subject: "Blender arrived broken", ago: 26 * time.Hour,
		text:  "Hi, the blender I ordered (order 5312) arrived with a cracked jug. I was really looking forward to using it and I'm really disappointed. Can you send a replacement?",
		reply: "Hi Priya,\n\nI'm sorry your blender arrived with a cracked jug, that is disappointing after waiting for it. I have arranged a replacement for order 5312; it will ship by Friday and I will email you the tracking number as soon as it leaves our warehouse.\n\nIf anything else is wrong, just reply here.\n\nSam"},
	{id: "demo-lee-1", email: "lee.morgan@example.com", name: "Lee Morgan", subject: "Login problems again", ago: 30 * time.Hour,
		text: "I still can't log in to my account. I reset the password twice and it keeps saying invalid token. This is ridiculous."},
	{id: "demo-lee-2", email: "lee.morgan@example.com", name: "Lee Morgan", subject: "Login problems again", ago: 29 * time.Hour,
		text: "Fine, whatever. This is the last time I use your service."},
	{id: "demo-kim-1", email: "kim.tran@example.com", name: "Kim Tran", subject: "Question about delivery times", ago: 3 * time.Hour,
		text: "Hello, could you tell me how long delivery to Portugal usually takes? Thanks!"},
	{id: "demo-vent-1", email: "alex.brandt@example.com", name: "Alex Brandt", subject: "WHERE IS MY REFUND", ago: 40 * time.Minute,
		text: "I returned the jacket three weeks ago and STILL no refund. Unbelievable."},
	{id: "demo-vent-2", email: "alex.brandt@example.com", name: "Alex Brandt", subject: "WHERE IS MY REFUND", ago: 35 * time.Minute,
		text: "Hello?? Is anyone even reading this? I want my $120 back!!!"},
	{id: "demo-vent-3", email: "alex.brandt@example.com", name: "Alex Brandt", subject: "WHERE IS MY REFUND", ago: 31 * time.Minute,
		text: "Worst customer service ever. I'm going to post about this on every review site unless I get my money today."},
	{id: "demo-rui-1", email: "rui.costa@example.com", name: "Rui Costa", subject: "Thanks for the quick fix", ago: 8 * time.Hour,
		text: "Just wanted to say thanks, the app works again after the update. Great job!"},
}

// Load adds the demo users and messages that are not there yet.
func Load(ctx context.Context, d *desk.Desk) (Result, error) {
	var res Result
	var sam desk.User
	var known []NewUser
	if _, err := d.LoadSetting(ctx, accountsKey, &known); err != nil {
		return res, err
	}
	stored := map[string]NewUser{}
	for _, a := range known {
		stored[a.Email] = a
	}
	changed := false
	for _, nu := range users {
		u, err := d.UserByEmail(ctx, nu.Email)
		if errors.Is(err, desk.ErrNotFound) {
			var pw string
			u, pw, err = d.AddUser(ctx, desk.SystemActor, nu)
			if err == nil {
				a := NewUser{Email: u.Email, Name: u.Name, Role: string(u.Role), Password: pw}
				res.NewUsers = append(res.NewUsers, a)
				stored[u.Email], changed = a, true
			}
		} else if _, ok := stored[nu.Email]; !ok && err == nil {
			// A demo desk from before the passwords were kept: give the
			// user a new one, once, so it can be shown from now on.
			var pw string
			u, pw, err = d.ResetPassword(ctx, desk.SystemActor, nu.Email)
			if err == nil {
				stored[u.Email], changed = NewUser{Email: u.Email, Name: u.Name, Role: string(u.Role), Password: pw}, true
			}
		}
		if err != nil {
			return res, err
		}
		if u.Role == desk.RoleAgent {
			sam = u
		}
		if a, ok := stored[u.Email]; ok {
			if _, err := d.Authenticate(ctx, a.Email, a.Password); err == nil {
				res.Accounts = append(res.Accounts, a)
			}
		}
	}
	if changed {
		all := make([]NewUser, 0, len(stored))
		for _, nu := range users {
			if a, ok := stored[nu.Email]; ok {
				all = append(all, a)
			}
		}
		if err := d.SaveSetting(ctx, accountsKey, all); err != nil {
			return res, err
		}
	}
	now := time.Now()
	cases := map[int64]bool{}
	for _, m := range messages {
		in := desk.InboundMessage{
			CustomerEmail: m.email, CustomerName: m.name, CustomerTier: m.tier, Subject: m.subject, Text: m.text,
			Channel: "email", ExternalID: m.id, ReceivedAt: now.Add(-m.ago),
		}
		if prev := previousID(m.id); prev != "" {
			in.InReplyTo = []string{prev}
		}
		r, err := d.Ingest(ctx, in)
		if err != nil {
			return res, fmt.Errorf("ingest %s: %w", m.id, err)
		}
		if r.Duplicate {
			continue
		}
		res.Messages++
		if !cases[r.CaseID] {
			cases[r.CaseID] = true
			res.Cases++
		}
		if m.reply != "" {
			if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: r.CaseID, Text: m.reply}); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// previousID threads "demo-lee-2" onto "demo-lee-1".
func previousID(id string) string {
	n := len(id)
	if n < 2 || id[n-1] <= '1' || id[n-1] > '9' {
		return ""
	}
	return id[:n-1] + string(id[n-1]-1)
}
