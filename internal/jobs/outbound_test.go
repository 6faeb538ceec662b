package jobs_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/jobs"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Issue 15, point 5: the answer goes where the customer's Reply-To said.
func TestReplyGoesToReplyTo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		relay := &capture{}
		d := start(t, db, nil, jobs.Config{Mail: mailTo(t, relay)})
		sam, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "ana.ruiz@gmail.example", CustomerName: "Ana Ruiz", Subject: "Invoice",
			Text: "Please send the corrected invoice to our accounts team.", Channel: "email", ExternalID: "ana.1@gmail.example",
			ReplyTo: "Accounts@Ruiz-Bakery.example"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "Hi Ana, the corrected invoice is attached to this email."}); err != nil {
			t.Fatal(err)
		}
		var raw []byte
		waitFor(t, "the reply to be emailed", func() bool {
			for _, m := range relay.received() {
				if bytes.Contains(m, []byte("corrected invoice is attached")) {
					raw = m
					return true
				}
			}
			return false
		})
		if !bytes.Contains(raw, []byte("To: <accounts@ruiz-bakery.example>")) || bytes.Contains(raw, []byte("ana.ruiz@gmail.example")) {
			t.Errorf("reply not addressed to the Reply-To:\n%s", raw)
		}
	})
}

// Issue 15, point 6: while the relay is down the case says "retrying" and
// why, the author is told once the reply has waited too long, the metrics
// count it; when the relay is back the reply goes out.
func TestRetryingReplyShowsOnCase(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	relay := &capture{tempfail: true}
	metrics := mail.NewMetrics()
	cfg := mailTo(t, relay)
	cfg.NotifyAfter = time.Nanosecond // tell at the first failure
	cfg.Metrics = metrics
	d := start(t, db, nil, jobs.Config{Mail: cfg})
	sam, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent})
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "lee@example.com", Text: "Where is my order?", Channel: "email", ExternalID: "lee.1@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "Hi Lee, I'm sorry for the wait. I will check your order today."}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the retry to show on the case", func() bool {
		c, err := d.Case(ctx, res.CaseID)
		return err == nil && c.Messages[1].Delivery == desk.DeliveryRetrying
	})
	c, _ := d.Case(ctx, res.CaseID)
	if !strings.Contains(c.Messages[1].DeliveryErr, "451") {
		t.Errorf("delivery error = %q, want the 451", c.Messages[1].DeliveryErr)
	}
	notes, err := d.Notifications(ctx, sam, 10)
	told := 0
	for _, n := range notes {
		if n.Kind == "mail_retrying" {
			told++
		}
	}
	if err != nil || told != 1 {
		t.Errorf("%d mail_retrying notifications (%v), want 1: %+v", told, err, notes)
	}
	relay.setTempfail(false)
	waitFor(t, "the reply to go out once the relay is back", func() bool {
		c, err := d.Case(ctx, res.CaseID)
		return err == nil && c.Messages[1].Delivery == desk.DeliverySent
	})
	if c, _ := d.Case(ctx, res.CaseID); c.Messages[1].DeliveryErr != "" {
		t.Errorf("delivery error kept after sending: %q", c.Messages[1].DeliveryErr)
	}
	for outcome, atLeast := range map[string]float64{"retrying": 1, "sent": 1} {
		m, err := metricOf(metrics, outcome)
		if err != nil {
			t.Fatal(err)
		}
		if m.GetCounter().GetValue() < atLeast {
			t.Errorf("calmdesk_mail_outbound_total{outcome=%q} = %v", outcome, m.GetCounter().GetValue())
		}
	}
}

// metricOf finds the outbound counter for outcome among what metrics collects.
func metricOf(metrics *mail.Metrics, outcome string) (*dto.Metric, error) {
	ch := make(chan prometheus.Metric, 100)
	metrics.Collect(ch)
	close(ch)
	for m := range ch {
		var pb dto.Metric
		if err := m.Write(&pb); err != nil {
			return nil, err
		}
		if !strings.Contains(m.Desc().String(), "calmdesk_mail_outbound_total") {
			continue
		}
		for _, l := range pb.GetLabel() {
			if l.GetName() == "outcome" && l.GetValue() == outcome {
				return &pb, nil
			}
		}
	}
	return &dto.Metric{Counter: &dto.Counter{}}, nil
}
