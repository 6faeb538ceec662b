package web

import (
	"slices"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

func events(ids ...int64) []desk.AuditEvent {
	out := make([]desk.AuditEvent, len(ids))
	for i, id := range ids {
		out[i].ID = id
	}
	return out
}

// TestEventGapsAwaitSkippedIDs keeps the live stream from losing a change
// whose transaction commits after a later one (PostgreSQL, concurrent
// writers): the ids skipped are asked for again until they turn up or
// their wait is over.
func TestEventGapsAwaitSkippedIDs(t *testing.T) {
	now := time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	g := eventGaps{}
	g.skipped(10, events(11, 14, 15, 17), now) // 12, 13 and 16 not committed yet
	if got := g.awaited(now.Add(time.Second)); !slices.Equal(got, []int64{12, 13, 16}) {
		t.Fatalf("awaited %v, want [12 13 16]", got)
	}
	g.filled(events(13))
	g.skipped(17, events(18), now.Add(time.Second)) // no gap
	if got := g.awaited(now.Add(2 * time.Second)); !slices.Equal(got, []int64{12, 16}) {
		t.Fatalf("after 13 turned up: awaited %v, want [12 16]", got)
	}
	g.skipped(18, events(20), now.Add(20*time.Second))
	// 12 and 16 rolled back: forgotten after gapWait; 19 is younger.
	if got := g.awaited(now.Add(gapWait + time.Second)); !slices.Equal(got, []int64{19}) {
		t.Fatalf("after the wait: awaited %v, want [19]", got)
	}
	if got := g.awaited(now.Add(20*time.Second + gapWait + time.Second)); len(got) != 0 {
		t.Fatalf("awaited %v, want none", got)
	}
	// A huge gap (a sequence that jumped) is bounded.
	g.skipped(100, events(100+10*maxGaps), now)
	if n := len(g.awaited(now)); n != maxGaps {
		t.Fatalf("%d gaps awaited, want at most %d", n, maxGaps)
	}
}
