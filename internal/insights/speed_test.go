package insights_test

import (
	"context"
	"testing"

	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestReadingFactsFollowTheMessages: the figures read reading_facts, which
// triggers keep in step with the messages: a reading rewritten in place,
// an unreadable one and a message moved to another case all count as the
// message now reads.
func TestReadingFactsFollowTheMessages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := tellStory(t, db)
		angry := func() int {
			t.Helper()
			sum, err := s.in.Summary(ctx, week, insights.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			return sum.AngryCases
		}
		before := angry()
		var msgID int64
		if err := db.Read().QueryRowContext(ctx, `SELECT min(id) FROM messages WHERE case_id = $1 AND direction = 'inbound'`, s.calmedID).Scan(&msgID); err != nil {
			t.Fatal(err)
		}
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := db.Writer().ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		exec(`UPDATE messages SET reading = '{"level":"calm","angry":false}' WHERE id = $1`, msgID)
		if got := angry(); got != before-1 {
			t.Errorf("after the angry message was re-read as calm: %d angry cases, want %d", got, before-1)
		}
		exec(`UPDATE messages SET reading = '{"level":"furious","angry":true}' WHERE id = $1`, msgID)
		if got := angry(); got != before {
			t.Errorf("after it was re-read as furious: %d angry cases, want %d", got, before)
		}
		if db.Engine == store.SQLite { // PostgreSQL's jsonb refuses an unreadable reading
			exec(`UPDATE messages SET reading = '{not json' WHERE id = $1`, msgID)
			if got := angry(); got != before-1 {
				t.Errorf("an unreadable reading: %d angry cases, want %d (counted as none)", got, before-1)
			}
		}
		var n int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM reading_facts`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		var inbound int
		if err := db.Read().QueryRowContext(ctx, `SELECT count(*) FROM messages WHERE direction = 'inbound'`).Scan(&inbound); err != nil {
			t.Fatal(err)
		}
		if n != inbound {
			t.Errorf("%d reading facts for %d customer messages", n, inbound)
		}
	})
}
