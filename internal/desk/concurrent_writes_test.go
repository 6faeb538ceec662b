package desk_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestRepliesAndMessagesOnOneCaseAtOnce has agents reply to a case while its
// customer keeps writing, all at once, as on a busy desk with two or three
// instances: every write succeeds and is counted once. On PostgreSQL a
// message's foreign key takes a key-share lock on its case row; a
// transaction that then asked for the stronger FOR UPDATE lock on a case it
// had already updated (the rollup refresh did) waited on the other
// transaction's key-share lock while that one waited on its update: a
// deadlock, answered 500.
func TestRepliesAndMessagesOnOneCaseAtOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		const writers, each = 4, 15
		agents := make([]desk.User, writers)
		for i := range agents {
			agents[i] = mustUser(t, d, fmt.Sprintf("agent%d@calmdesk.test", i), desk.RoleAgent)
		}
		first, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "rosa@example.com", Channel: "email",
			Text: "My order 7712 arrived broken and nobody has answered me for a week."})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					_, err := d.Reply(ctx, agents[w], desk.ReplyInput{CaseID: first.CaseID,
						Text: fmt.Sprintf("I am sorry about the broken order. I will send a replacement by Friday (note %d-%d).", w, i)})
					if err != nil {
						t.Errorf("reply %d-%d: %v", w, i, err)
						return
					}
				}
			})
			wg.Go(func() {
				for i := range each {
					_, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "rosa@example.com", Channel: "email", CaseID: first.CaseID,
						Text: fmt.Sprintf("Still waiting on order 7712, this is message %d-%d. Where is it?", w, i)})
					if err != nil {
						t.Errorf("message %d-%d: %v", w, i, err)
						return
					}
				}
			})
		}
		wg.Wait()
		var inbound, outbound, counted int
		if err := db.Read().QueryRowContext(ctx, `SELECT inbound_count, outbound_count,
			(SELECT count(*) FROM messages WHERE case_id = $1) FROM cases WHERE id = $1`, first.CaseID).Scan(&inbound, &outbound, &counted); err != nil {
			t.Fatal(err)
		}
		if want := 1 + writers*each; inbound != want || outbound != writers*each || counted != inbound+outbound {
			t.Errorf("case counts %d inbound, %d outbound, %d messages stored; want %d, %d, %d",
				inbound, outbound, counted, want, writers*each, want+writers*each)
		}
	})
}
