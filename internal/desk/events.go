package desk

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// EventsAfter returns audit events with an id above afterID, oldest first,
// at most limit (default and cap 1000). Live views poll it: the audit log is
// written in the same transaction as every change, so it is a change feed
// that every instance sharing the database sees.
func (d *Desk) EventsAfter(ctx context.Context, afterID int64, limit int) ([]AuditEvent, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT id, at, actor, case_id, action, detail FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("desk: events after %d: %w", afterID, err)
	}
	out, err := scanAuditEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("desk: events after %d: %w", afterID, err)
	}
	return out, nil
}

// EventsByID returns the audit events with the given ids that exist (at
// most 500 ids), oldest first. A live view asks for the ids it skipped:
// on PostgreSQL an id is taken when a transaction writes its event and
// becomes visible when it commits, so a later id can be seen first.
func (d *Desk) EventsByID(ctx context.Context, ids []int64) ([]AuditEvent, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > 500 {
		return nil, &ValidationError{Fields: map[string]string{"ids": "at most 500 at once"}}
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT id, at, actor, case_id, action, detail FROM audit_events WHERE id IN (`+strings.Join(marks, ", ")+`) ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("desk: events by id: %w", err)
	}
	out, err := scanAuditEvents(rows)
	if err != nil {
		return nil, fmt.Errorf("desk: events by id: %w", err)
	}
	return out, nil
}

// GapWait is how long a reader of the audit log keeps asking for an event
// whose id it skipped. On PostgreSQL an id is taken when a transaction
// writes its event and becomes visible only when that transaction commits,
// so with concurrent writers (the sweep beside an ingest, or another
// instance) a later id can be visible first; a reader that moved its
// cursor past the gap would never see the earlier change. A gap still
// empty after GapWait is a transaction that rolled back. At most MaxGaps
// are awaited at once.
const (
	GapWait = 30 * time.Second
	MaxGaps = 500
)

// EventGaps are the ids a reader of EventsAfter skipped and still awaits,
// each until a deadline. It is kept in a webhook's cursor, so it encodes
// as JSON.
type EventGaps map[int64]time.Time

// Skipped notes the ids missing between after and each event of evs (the
// answer to EventsAfter(after), oldest first).
func (g EventGaps) Skipped(after int64, evs []AuditEvent, now time.Time) {
	prev := after
	for _, e := range evs {
		for id := prev + 1; id < e.ID && len(g) < MaxGaps; id++ {
			g[id] = now.Add(GapWait)
		}
		prev = e.ID
	}
}

// Awaited returns the ids still awaited, oldest first (for EventsByID),
// forgetting those past their deadline.
func (g EventGaps) Awaited(now time.Time) []int64 {
	ids := make([]int64, 0, len(g))
	for id, until := range g {
		if now.After(until) {
			delete(g, id)
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Filled forgets the ids that turned up.
func (g EventGaps) Filled(evs []AuditEvent) {
	for _, e := range evs {
		delete(g, e.ID)
	}
}

// LastEventID is the id of the newest audit event, 0 when there is none. A
// live view starts from it so it only pushes what changes after it opened.
func (d *Desk) LastEventID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	if err := d.db.Read().QueryRowContext(ctx, `SELECT MAX(id) FROM audit_events`).Scan(&id); err != nil {
		return 0, fmt.Errorf("desk: last event id: %w", err)
	}
	return id.Int64, nil
}

// CasesByID returns the cases with the given ids (missing ones are left
// out), in no particular order.
func (d *Desk) CasesByID(ctx context.Context, ids []int64) ([]Case, error) {
	out := []Case{}
	if len(ids) == 0 {
		return out, nil
	}
	if len(ids) > 500 {
		return nil, &ValidationError{Fields: map[string]string{"ids": "at most 500 at once"}}
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT `+caseColumns+caseFrom+` WHERE c.id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("desk: cases by id: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCase(rows)
		if d.skipUnreadable(ctx, err) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("desk: cases by id: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("desk: cases by id: %w", err)
	}
	return out, nil
}
