package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// inboxPageSize is how many cases one inbox page shows.
const inboxPageSize = 50

// inboxFilter is what the agent asked the inbox to show, from the query string.
type inboxFilter struct {
	View     string // all, mine, unassigned, needs-owner, escalated, breaching
	Status   string
	Category string
	Search   string
	Cursor   string
}

var inboxViews = []struct{ ID, Label string }{
	{"all", "All open"}, {"mine", "Mine"}, {"unassigned", "Unassigned"}, {"needs-owner", "Needs a new owner"}, {"escalated", "Escalated"}, {"breaching", "Breaching SLA"},
}

var inboxStatuses = []desk.Status{desk.StatusNew, desk.StatusOpen, desk.StatusPending, desk.StatusOnHold, desk.StatusEscalated, desk.StatusResolved, desk.StatusClosed}

func parseInboxFilter(q url.Values) inboxFilter {
	f := inboxFilter{View: q.Get("view"), Status: q.Get("status"), Category: q.Get("category"), Cursor: q.Get("cursor"), Search: strings.TrimSpace(q.Get("q"))}
	if len(f.Search) > 200 || !utf8.ValidString(f.Search) {
		f.Search = ""
	}
	switch f.View {
	case "mine", "unassigned", "needs-owner", "escalated", "breaching":
	default:
		f.View = "all"
	}
	if !desk.Status(f.Status).Valid() {
		f.Status = ""
	}
	return f
}

// query turns the filter into the desk's case query for user u.
func (f inboxFilter) query(u desk.User) desk.CaseQuery {
	q := desk.CaseQuery{Status: desk.Status(f.Status), Category: f.Category, Search: f.Search, Cursor: f.Cursor, Limit: inboxPageSize}
	switch f.View {
	case "breaching":
		q.Breaching = true
	case "mine":
		q.AssigneeID = u.ID
	case "unassigned":
		q.Unassigned = true
	case "needs-owner":
		q.AssigneeInactive = true
	case "escalated":
		q.Status = desk.StatusEscalated
	}
	return q
}

// values is the filter as query parameters, without the cursor unless asked.
func (f inboxFilter) values(withCursor bool) url.Values {
	v := url.Values{}
	if f.View != "all" {
		v.Set("view", f.View)
	}
	if f.Status != "" {
		v.Set("status", f.Status)
	}
	if f.Category != "" {
		v.Set("category", f.Category)
	}
	if f.Search != "" {
		v.Set("q", f.Search)
	}
	if withCursor && f.Cursor != "" {
		v.Set("cursor", f.Cursor)
	}
	return v
}

// ViewURL is the inbox address for this filter with another view.
func (f inboxFilter) ViewURL(view string) string {
	f.View, f.Cursor = view, ""
	return withQuery("/", f.values(false))
}

// matches reports whether case c belongs in the list this filter shows, so
// a live update can add, move or remove its row.
func (f inboxFilter) matches(c desk.Case, u desk.User, people directory, now time.Time) bool {
	if f.View == "needs-owner" && (c.AssigneeID == nil || !people[*c.AssigneeID].Disabled) {
		return false
	}
	return f.query(u).Matches(c, now)
}

func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

// caseRow is one inbox row.
type caseRow struct {
	desk.Case
	Level     string
	TopSignal string
	Assignee  string
	// NeedsOwner: the assignee was deactivated and the case is not done.
	NeedsOwner bool
	// Inbox: the inbox's own row, with a box to tick for bulk actions
	// and the priority with its parts (Parts).
	Inbox bool
	Parts []desk.PriorityPart
	SLA   *clock
}

// inboxView is the data of the inbox page.
type inboxView struct {
	chrome
	Filter     inboxFilter
	Views      []struct{ ID, Label string }
	Statuses   []desk.Status
	Categories []string
	Rows       []caseRow
	NextURL    string
	FirstURL   string
	EventsURL  string
	// The inbox's tools: row density, bulk actions, saved views.
	Dense      bool
	Back       string // this page's address, to come back to after a form
	Query      string // the filter as a query string, for "save this view"
	Staff      []desk.User
	Can        struct{ Assign, Resolve, Categorize bool }
	SavedViews []savedViewLink
	Bulk       *bulkView
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if !u.Can(desk.PermCasesRead) {
		if u.Can(desk.PermTrainingPractice) {
			// Trainees have no cases: their desk is the simulator.
			http.Redirect(w, r, "/training", http.StatusSeeOther)
			return nil
		}
		return &httpError{status: http.StatusForbidden, code: "forbidden", message: "Your role (" + string(u.Role) + ") does not see the case inbox."}
	}
	f := parseInboxFilter(r.URL.Query())
	page, err := s.desk.Cases(r.Context(), f.query(u))
	if err != nil {
		return err
	}
	names, err := s.directory(r.Context())
	if err != nil {
		return err
	}
	now := s.desk.Now()
	v := inboxView{chrome: s.chromeFor(r, u, "inbox"), Filter: f, Views: inboxViews, Statuses: inboxStatuses, Categories: categoryIDs(),
		Rows: make([]caseRow, 0, len(page.Cases))}
	for _, c := range page.Cases {
		v.Rows = append(v.Rows, newInboxRow(c, names, now))
	}
	v.Dense, v.Back, v.Query, v.Bulk = dense(r), r.URL.RequestURI(), f.values(false).Encode(), s.popBulk(r)
	v.Can.Assign, v.Can.Resolve, v.Can.Categorize = u.Can(desk.PermCasesAssign), u.Can(desk.PermCasesResolve), u.Can(desk.PermCasesReply)
	if v.Can.Assign {
		for _, x := range names {
			if !x.Disabled && x.Can(desk.PermCasesReply) {
				v.Staff = append(v.Staff, x)
			}
		}
		slices.SortFunc(v.Staff, func(a, b desk.User) int { return cmp.Compare(a.Name, b.Name) })
	}
	views, err := s.desk.InboxViews(r.Context(), u)
	if err != nil {
		return err
	}
	for _, sv := range views {
		v.SavedViews = append(v.SavedViews, savedViewLink{InboxView: sv, URL: withQuery("/", urlValues(sv.Query)), Current: sv.Query == v.Query})
	}
	if page.NextCursor != "" {
		next := f
		next.Cursor = page.NextCursor
		v.NextURL = withQuery("/", next.values(true))
	}
	if f.Cursor != "" {
		v.FirstURL = withQuery("/", f.values(false))
	}
	v.EventsURL = withQuery("/events", f.values(false))
	s.render(w, r, http.StatusOK, "inbox.html", v)
	return nil
}

func newCaseRow(c desk.Case, people directory, now time.Time) caseRow {
	row := caseRow{Case: c, Level: levelOf(c.Anger.Latest), TopSignal: topSignal(c), SLA: slaClock(c, now)}
	if c.AssigneeID != nil {
		who := people[*c.AssigneeID]
		row.Assignee = who.Name
		row.NeedsOwner = who.Disabled && c.Status != desk.StatusResolved && c.Status != desk.StatusClosed
	}
	return row
}

// newInboxRow is a row of the inbox itself: with a box to tick for bulk
// actions and the priority explained.
func newInboxRow(c desk.Case, people directory, now time.Time) caseRow {
	row := newCaseRow(c, people, now)
	row.Inbox, row.Parts = true, desk.PriorityParts(c)
	return row
}

// directory is every user by id: names for assignee and author columns,
// and who is deactivated (their open cases need a new owner).
type directory map[int64]desk.User

func (d directory) name(id int64) string { return d[id].Name }

func (s *Server) directory(ctx context.Context) (directory, error) {
	users, err := s.desk.Users(ctx)
	if err != nil {
		return nil, err
	}
	out := make(directory, len(users))
	for _, x := range users {
		out[x.ID] = x
	}
	return out, nil
}

// userNames maps user ids to names for assignee and author columns.
func (s *Server) userNames(ctx context.Context) (map[int64]string, error) {
	users, err := s.desk.Users(ctx)
	if err != nil {
		return nil, err
	}
	return namesOf(users), nil
}

func namesOf(users []desk.User) map[int64]string {
	m := make(map[int64]string, len(users))
	for _, x := range users {
		m[x.ID] = x.Name
	}
	return m
}

// categoryIDs are the case categories the playbook knows, for the filter.
func categoryIDs() []string {
	pb := playbook.Default()
	out := make([]string, 0, len(pb.Categories))
	for _, c := range pb.Categories {
		out = append(out, c.ID)
	}
	return out
}
