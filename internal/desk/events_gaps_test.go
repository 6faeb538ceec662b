package desk_test

import (
	"slices"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func auditIDs(ids ...int64) []desk.AuditEvent {
	out := make([]desk.AuditEvent, len(ids))
	for i, id := range ids {
		out[i].ID = id
	}
	return out
}

// TestEventGapsAwaitSkippedIDs keeps readers of the audit log (live
// streams, webhooks) from losing a change whose transaction commits after
// a later one (PostgreSQL, concurrent writers): the ids skipped are asked
// for again until they turn up or their wait is over.
func TestEventGapsAwaitSkippedIDs(t *testing.T) {
	now := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	g := desk.EventGaps{}
	g.Skipped(10, auditIDs(11, 14, 15, 17), now) // 12, 13 and 16 not committed yet
	if got := g.Awaited(now.Add(time.Second)); !slices.Equal(got, []int64{12, 13, 16}) {
		t.Fatalf("awaited %v, want [12 13 16]", got)
	}
	g.Filled(auditIDs(13))
	g.Skipped(17, auditIDs(18), now.Add(time.Second)) // no gap
	if got := g.Awaited(now.Add(2 * time.Second)); !slices.Equal(got, []int64{12, 16}) {
		t.Fatalf("after 13 turned up: awaited %v, want [12 16]", got)
	}
	g.Skipped(18, auditIDs(20), now.Add(20*time.Second))
	// 12 and 16 rolled back: forgotten after GapWait; 19 is younger.
	if got := g.Awaited(now.Add(desk.GapWait + time.Second)); !slices.Equal(got, []int64{19}) {
		t.Fatalf("after the wait: awaited %v, want [19]", got)
	}
	if got := g.Awaited(now.Add(20*time.Second + desk.GapWait + time.Second)); len(got) != 0 {
		t.Fatalf("awaited %v, want none", got)
	}
	// A huge gap (a sequence that jumped) is bounded.
	g.Skipped(100, auditIDs(100+10*desk.MaxGaps), now)
	if n := len(g.Awaited(now)); n != desk.MaxGaps {
		t.Fatalf("%d gaps awaited, want at most %d", n, desk.MaxGaps)
	}
}
