package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// eventPoll is how often a live stream reads the audit log. Every change
// writes an audit event in its own transaction, so polling the log is a
// change feed that works across instances sharing one database, with no
// fan-out held in any one process.
var eventPoll = time.Second

// heartbeatEvery keeps idle streams open through proxies (in polls).
const heartbeatEvery = 15

// streamLifetime ends a stream after a while; the browser reconnects with
// Last-Event-ID and loses nothing, and a shutting-down or redeployed
// instance is not held open by streams forever.
const streamLifetime = 10 * time.Minute

// liveCase is the payload of an inbox update: the case's row, rendered.
type liveCase struct {
	ID       int64  `json:"id"`
	Priority int    `json:"priority"`
	HTML     string `json:"html,omitempty"`
}

// liveChange is the payload of a case page update.
type liveChange struct {
	Action  string `json:"action"`
	Message string `json:"message"`
}

var changeWords = map[string]string{
	"message.received": "The customer wrote again.",
	"reply.sent":       "A reply was sent.",
	"note.added":       "A note was added.",
	"case.escalated":   "The case was escalated.",
	"case.deescalated": "The case was de-escalated.",
	"case.resolved":    "The case was resolved.",
	"case.reopened":    "The case was reopened.",
}

// events streams live updates as server-sent events (GET /events). With
// ?case=ID it tells the case page that the case changed; otherwise it
// pushes inbox rows that changed and match the inbox's filter (same query
// parameters as the inbox), and removes rows that no longer match. Both
// carry the header's count of new notifications when it changes.
func (s *Server) events(w http.ResponseWriter, r *http.Request, u desk.User) error {
	ctx := r.Context()
	q := r.URL.Query()
	caseID, _ := strconv.ParseInt(q.Get("case"), 10, 64)
	filter := parseInboxFilter(q)
	last, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if last <= 0 {
		var err error
		if last, err = s.desk.LastEventID(ctx); err != nil {
			return err
		}
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 2000\nid: %d\n\n", last)
	if rc.Flush() != nil {
		return nil
	}
	unread := s.unreadCount(r, u)
	tick := time.NewTicker(eventPoll)
	defer tick.Stop()
	end := time.After(streamLifetime)
	idle := 0
	typing := "" // what the page was last told about who else is replying
	gaps := desk.EventGaps{}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-end:
			return nil
		case <-tick.C:
		}
		var late []desk.AuditEvent
		var err error
		if ids := gaps.Awaited(time.Now()); len(ids) > 0 {
			late, err = s.desk.EventsByID(ctx, ids)
			gaps.Filled(late)
		}
		var evs []desk.AuditEvent
		if err == nil {
			evs, err = s.desk.EventsAfter(ctx, last, 500)
		}
		if err != nil {
			if ctx.Err() == nil {
				s.log.ErrorContext(ctx, "events: poll", "err", err)
			}
			return nil // the browser reconnects with Last-Event-ID
		}
		gaps.Skipped(last, evs, time.Now())
		if len(evs) > 0 {
			last = evs[len(evs)-1].ID
		}
		evs = append(late, evs...) // the late ones are older: the newest stays last
		var buf bytes.Buffer
		if len(evs) > 0 {
			if caseID != 0 {
				err = caseChanges(&buf, evs, caseID, last)
			} else {
				err = s.inboxChanges(r, &buf, u, filter, evs, last)
			}
			if err != nil {
				s.log.ErrorContext(ctx, "events: render", "err", err)
				return nil
			}
			// Notifications are written with the changes that cause them.
			if n := s.unreadCount(r, u); n >= 0 && n != unread {
				unread = n
				if err := writeEvent(&buf, "notifications", last, map[string]int{"unread": n}); err != nil {
					return nil
				}
			}
		}
		// Who else is replying on this case ("Sam is replying…"), sent
		// when it changes: on typing, on sending, and when it lapses.
		if caseID != 0 && u.Can(desk.PermCasesReply) {
			names, err := s.desk.TypingOn(ctx, u, caseID)
			if err != nil {
				if ctx.Err() == nil {
					s.log.ErrorContext(ctx, "events: typing", "err", err)
				}
				return nil
			}
			if words := typingWords(names); words != typing {
				typing = words
				if err := writeEvent(&buf, "typing", last, map[string]string{"message": words}); err != nil {
					return nil
				}
			}
		}
		if buf.Len() == 0 {
			if idle++; idle < heartbeatEvery {
				continue
			}
			fmt.Fprintf(&buf, ": ping\nid: %d\n\n", last)
		}
		idle = 0
		if _, err := w.Write(buf.Bytes()); err != nil || rc.Flush() != nil {
			return nil
		}
	}
}

func caseChanges(buf *bytes.Buffer, evs []desk.AuditEvent, caseID, last int64) error {
	for i := len(evs) - 1; i >= 0; i-- {
		e := evs[i]
		if e.CaseID == nil || *e.CaseID != caseID {
			continue
		}
		words, ok := changeWords[e.Action]
		if !ok {
			words = "The case changed."
		}
		return writeEvent(buf, "changed", last, liveChange{Action: e.Action, Message: words})
	}
	return nil
}

func (s *Server) inboxChanges(r *http.Request, buf *bytes.Buffer, u desk.User, f inboxFilter, evs []desk.AuditEvent, last int64) error {
	seen := map[int64]bool{}
	var ids []int64
	for _, e := range evs {
		if e.CaseID != nil && !seen[*e.CaseID] {
			seen[*e.CaseID] = true
			ids = append(ids, *e.CaseID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	cases, err := s.desk.CasesByID(r.Context(), ids)
	if err != nil {
		return err
	}
	names, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	now := s.desk.Now()
	for _, c := range cases {
		if !f.matches(c, u, names, now) {
			if err := writeEvent(buf, "remove", last, liveCase{ID: c.ID}); err != nil {
				return err
			}
			continue
		}
		var row bytes.Buffer
		if err := pages()["fragments"].ExecuteTemplate(&row, "caserow", newInboxRow(c, names, now)); err != nil {
			return err
		}
		if err := writeEvent(buf, "case", last, liveCase{ID: c.ID, Priority: c.Priority, HTML: row.String()}); err != nil {
			return err
		}
	}
	return nil
}

// writeEvent appends one server-sent event. The JSON encoding keeps the data
// on one line, as the format requires.
func writeEvent(buf *bytes.Buffer, name string, id int64, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	fmt.Fprintf(buf, "event: %s\nid: %d\ndata: %s\n\n", name, id, b)
	return nil
}
