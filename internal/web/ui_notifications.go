package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// notificationsSeenKey keeps, per browser session, the newest notification
// the user has looked at; the header counts the ones above it.
const notificationsSeenKey = "notifications_seen"

// chromeFor builds the page frame for u, with the count of notifications
// that arrived since the user last opened the notifications page.
func (s *Server) chromeFor(r *http.Request, u desk.User, current string) chrome {
	return chrome{User: u, Current: current, Flash: s.popFlash(r), Unread: max(0, s.unreadCount(r, u))}
}

// unreadCount counts the user's notifications above the newest one seen in
// this session; -1 when it cannot tell. A failure is logged, not shown: the
// header must not break a page.
func (s *Server) unreadCount(r *http.Request, u desk.User) int {
	list, err := s.desk.Notifications(r.Context(), u, 50)
	if err != nil {
		if r.Context().Err() == nil {
			s.log.ErrorContext(r.Context(), "count notifications", "err", err)
		}
		return -1
	}
	seen := s.sessions.GetInt64(r.Context(), notificationsSeenKey)
	n := 0
	for _, x := range list {
		if x.ID > seen && x.ReadAt == nil {
			n++
		}
	}
	return n
}

type notificationsView struct {
	chrome
	Items []notificationView
}

type notificationView struct {
	desk.Notification
	New   bool
	Title string // the kind in words: "SLA breach"
	Rest  string // the message after its "Case #4", which the link says
}

// kindTitles name the notification kinds whose words titleCase gets wrong.
var kindTitles = map[string]string{
	"sla_breach": "SLA breach", "sla_warning": "SLA warning", "needs_owner": "Needs a new owner",
	"goodwill_approval": "Goodwill to approve", "goodwill_approved": "Goodwill approved", "goodwill_declined": "Goodwill declined",
}

// newNotificationView words one notification for the page: its kind as a
// title, and its message without the case number the link already says
// (no "case #4: Case #4: …").
func newNotificationView(n desk.Notification, isNew bool) notificationView {
	v := notificationView{Notification: n, New: isNew, Title: kindTitles[n.Kind], Rest: n.Message}
	if v.Title == "" {
		v.Title = titleCase(n.Kind)
	}
	if n.CaseID != nil {
		prefix := fmt.Sprintf("Case #%d", *n.CaseID)
		if rest, ok := strings.CutPrefix(n.Message, prefix); ok && (strings.HasPrefix(rest, ":") || strings.HasPrefix(rest, " ")) {
			v.Rest = rest
		} else {
			v.Rest = ": " + n.Message
		}
	}
	return v
}

// notificationsPage lists the user's newest notifications (GET /notifications)
// and marks them seen for the header's count.
func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	list, err := s.desk.Notifications(r.Context(), u, 100)
	if err != nil {
		return err
	}
	seen := s.sessions.GetInt64(r.Context(), notificationsSeenKey)
	v := notificationsView{chrome: chrome{User: u, Current: "notifications", Flash: s.popFlash(r)}}
	for _, n := range list {
		v.Items = append(v.Items, newNotificationView(n, n.ID > seen && n.ReadAt == nil))
	}
	if len(list) > 0 && list[0].ID > seen {
		s.sessions.Put(r.Context(), notificationsSeenKey, list[0].ID)
	}
	s.render(w, r, http.StatusOK, "notifications.html", v)
	return nil
}
