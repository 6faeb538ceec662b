package cli_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestSweepSendsSurveysWithThePublicURL runs `calmdesk sweep` alone on a
// desk with a survey due: without a public URL it refuses and sends
// nothing; with one (from CALMDESK_PUBLIC_URL) the survey's email is queued
// in the outbox and links to the configured address.
func TestSweepSendsSurveysWithThePublicURL(t *testing.T) {
	db, dbURL := storetest.OpenURL(t, store.SQLite)
	ctx := context.Background()
	// A calm customer's email case, resolved two weeks ago: its survey is due.
	resolvedAt := time.Now().AddDate(0, 0, -14)
	past := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: func() time.Time { return resolvedAt }})
	admin, _, err := past.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "admin@shop.example", Name: "Admin", Role: desk.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	in, err := past.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana@example.com", CustomerName: "Dana Reyes", Channel: "email",
		ExternalID: "<dana.1@mail.example.com>", Subject: "Invoice copy", Text: "Hello, could you send me a copy of my March invoice? Thank you."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := past.Resolve(ctx, desk.UserActor(admin), in.CaseID); err != nil {
		t.Fatal(err)
	}
	mail := []string{"--smtp-relay", "127.0.0.1:2525", "--mail-from", "support@shop.example"}

	_, _, err = run(t, append([]string{"--database-url", dbURL, "sweep"}, mail...)...)
	if err == nil || !strings.Contains(err.Error(), "no public URL") || !strings.Contains(err.Error(), "--public-url") {
		t.Fatalf("sweep without a public URL: %v, want a clear error", err)
	}
	d := desk.New(db, desk.Options{Analyzer: analyze.Default()})
	c, err := d.Case(ctx, in.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Surveys) != 1 || c.Surveys[0].Status != "scheduled" || c.OutboundCount != 0 {
		t.Fatalf("after the refused sweep: surveys %+v, %d outbound messages", c.Surveys, c.OutboundCount)
	}

	t.Setenv("CALMDESK_PUBLIC_URL", "https://help.shop.example/")
	out, _, err := run(t, append([]string{"--database-url", dbURL, "sweep"}, mail...)...)
	if err != nil || !strings.Contains(out, `"surveys_sent": 1`) {
		t.Fatalf("sweep: %v\n%s", err, out)
	}
	c, err = d.Case(ctx, in.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	last := c.Messages[len(c.Messages)-1]
	if c.Surveys[0].Status != "sent" || last.Direction != desk.Outbound {
		t.Fatalf("after the sweep: surveys %+v, last message %+v", c.Surveys, last)
	}
	email, err := d.OutboundEmailFor(ctx, last.ID)
	if err != nil {
		t.Fatal(err)
	}
	if email.Status != desk.DeliveryQueued || email.ToEmail != "dana@example.com" || !strings.Contains(email.Text, "https://help.shop.example/survey/") {
		t.Errorf("queued email: status %q to %q\n%s", email.Status, email.ToEmail, email.Text)
	}
	var queued int
	if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'calmdesk.send_email'`).Scan(&queued); err != nil || queued != 1 {
		t.Errorf("%d emails in the job queue (%v), want 1", queued, err)
	}
}
