package jobs_test

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestWeeklyDigestIsEmailed: on Monday after 08:00 the supervisors (and
// only they) get last week's digest by email through the staff-mail
// outbox, as text and HTML, its links on the public URL, with the week's
// lesson learned in it.
func TestWeeklyDigestIsEmailed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 11, 16, 7, 0, 0, 0, time.UTC) // Monday, before the digest's hour
		clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		set := func(t time.Time) { mu.Lock(); defer mu.Unlock(); now = t }
		relay := &capture{}
		in := insights.New(db, insights.Options{Now: clock})
		d := start(t, db, clock, jobs.Config{Mail: mailTo(t, relay), WebhookEvery: 100 * time.Millisecond, SpikeEvery: 100 * time.Millisecond,
			LearnEvery: -1, Insights: in, PublicURL: "https://desk.example"})
		sup, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "ana@calmdesk.test", Name: "Ana", Role: desk.RoleSupervisor})
		if err != nil {
			t.Fatal(err)
		}
		agent, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mo@example.com", Text: "Where is my parcel? It has not moved since Friday."})
		if err != nil {
			t.Fatal(err)
		}
		lesson := "The courier's <scan> feed was down; a daily check of stale parcels would have told us first."
		if _, err := d.ResolveWithLesson(ctx, desk.UserActor(agent), res.CaseID, lesson); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // the spike job runs: before 08:00 no digest
		if got := relay.received(); len(got) != 0 {
			t.Fatalf("emails before Monday 08:00 of the next week: %d", len(got))
		}
		set(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
		waitFor(t, "the digest email", func() bool { return len(relay.received()) >= 1 })
		time.Sleep(300 * time.Millisecond)
		got := relay.received()
		if len(got) != 1 {
			t.Fatalf("%d emails, want the one digest to the one supervisor", len(got))
		}
		msg, err := mail.ParseBytes(got[0], mail.DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		if len(msg.To) != 1 || msg.To[0].Email != sup.Email {
			t.Errorf("to %v, want %s", msg.To, sup.Email)
		}
		if !strings.HasPrefix(msg.Subject, "[calmdesk] Weekly digest 2026-11-16 to 2026-11-22: 1 cases") {
			t.Errorf("subject %q", msg.Subject)
		}
		caseURL := "https://desk.example/cases/" + strconv.FormatInt(res.CaseID, 10)
		for _, want := range []string{"https://desk.example/insights/digest?week=2026-11-16", "LESSONS LEARNED", lesson, "- Cases: 1 (was 0)", caseURL} {
			if !strings.Contains(msg.Text, want) {
				t.Errorf("text lacks %q:\n%s", want, msg.Text)
			}
		}
		for _, want := range []string{`href="https://desk.example/insights/digest?week=2026-11-16"`, `href="` + caseURL + `"`, "&lt;scan&gt;", "Lessons learned"} {
			if !strings.Contains(msg.HTML, want) {
				t.Errorf("HTML lacks %q:\n%s", want, msg.HTML)
			}
		}
		if msg.TextFromHTML {
			t.Error("no text/plain part")
		}
	})
}
