package mail

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// appendRaw puts raw into mailbox.
func appendRaw(t *testing.T, c *imapclient.Client, mailbox, raw string) {
	t.Helper()
	cmd := c.Append(mailbox, int64(len(raw)), nil)
	if _, err := cmd.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}

// rejectingSink refuses mail from one sender for good and keeps the rest.
type rejectingSink struct {
	recordingSink
	reject string
}

func (s *rejectingSink) Deliver(ctx context.Context, raw []byte, msg *Inbound, rcpts []string) error {
	if msg.From.Email == s.reject {
		return fmt.Errorf("%w: customer.email: blocked sender", ErrRejected)
	}
	return s.recordingSink.Deliver(ctx, raw, msg, rcpts)
}

// Issue 15, point 12: what the poller cannot store is moved out of the
// inbox into calmdesk/refused (created), reported with its reason and
// counted, and the mail around it is delivered; where it cannot be moved
// it stays unseen and flagged.
func TestIMAPRefusedMailIsMovedAndReported(t *testing.T) {
	for _, tt := range []struct {
		name, mailbox string
		moved         bool
	}{
		{"moved", "", true},
		{"flagged where it is not moved", "-", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := startIMAP(t, true, false)
			c := f.client(t)
			f.appendMsg(t, c, "INBOX", "m1")
			appendRaw(t, c, "INBOX", "this is no mail\r\njust words\r\n")
			appendRaw(t, c, "INBOX", "From: Spammer <spam@blocked.example>\r\nSubject: Offer\r\nMessage-ID: <spam.1@blocked.example>\r\n\r\nBuy.\r\n")
			f.appendMsg(t, c, "INBOX", "m4")

			var mu sync.Mutex
			var refusals []Refusal
			metrics := NewMetrics()
			cfg := f.config()
			cfg.RefusedMailbox = tt.mailbox
			cfg.Metrics = metrics
			cfg.Refused = func(_ context.Context, r Refusal) {
				mu.Lock()
				defer mu.Unlock()
				refusals = append(refusals, r)
			}
			sink := &rejectingSink{reject: "spam@blocked.example"}
			n, err := NewIMAPPoller(cfg, sink, &memCursors{}).Sync(context.Background())
			if err != nil || n != 2 {
				t.Fatalf("Sync = %d, %v; want the 2 good messages", n, err)
			}
			if len(refusals) != 2 || refusals[0].Reason != "no header fields" || refusals[1].Reason != "customer.email: blocked sender" ||
				refusals[1].MessageID != "spam.1@blocked.example" || refusals[1].From != "spam@blocked.example" {
				t.Fatalf("refusals = %+v", refusals)
			}
			inbox := flagsOf(t, c, "INBOX")
			if tt.moved {
				refused := flagsOf(t, c, "calmdesk/refused")
				if len(inbox) != 2 || len(refused) != 2 || refusals[0].MovedTo != "calmdesk/refused" {
					t.Errorf("INBOX has %d, calmdesk/refused %d (moved to %q); want 2 and 2", len(inbox), len(refused), refusals[0].MovedTo)
				}
			} else {
				for _, uid := range []imap.UID{2, 3} {
					if hasFlag(inbox[uid], imap.FlagSeen) || !hasFlag(inbox[uid], imap.FlagFlagged) || !hasFlag(inbox[uid], "$CalmdeskRefused") {
						t.Errorf("refused UID %d flags %v; want unseen, \\Flagged, $CalmdeskRefused", uid, inbox[uid])
					}
				}
			}
			for reason, want := range map[string]float64{"unreadable": 1, "rejected": 1} {
				if got := counterValue(t, metrics.refused.WithLabelValues("imap", reason)); got != want {
					t.Errorf("refused{%s} = %v, want %v", reason, got, want)
				}
			}
			if got := counterValue(t, metrics.received.WithLabelValues("imap", "stored")); got != 2 {
				t.Errorf("stored = %v, want 2", got)
			}
		})
	}
}
