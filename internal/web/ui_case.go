package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// caseView is the data of the case page.
type caseView struct {
	chrome
	Case         desk.CaseDetail
	Level        string
	TopSignal    string
	Assignee     string
	NeedsOwner   bool // the assignee was deactivated
	SLA          *clock
	Timeline     []messageView
	Chart        *chartView
	Signals      []signalView
	Checklist    []checkView
	Promises     []trackedPromiseView
	Escalations  []escalationView
	Goodwill     goodwillPanel
	Compose      composeView
	Can          struct{ Reply, Escalate, Resolve, Assign, Deescalate bool }
	Staff        []desk.User       // who the case can be assigned to
	Categories   []string          // what the case can be filed under
	Statuses     []statusChoice    // what the agent can set; none when escalated or closed
	Saved        []desk.SavedReply // saved replies the agent can insert
	GoodwillForm *goodwillForm     // a refused offer, shown in place
	Surveys      []caseSurveyView  // the follow-up surveys sent, with their answers
	MailOff      bool              // an email case on a desk that does not email replies
	History      []desk.CustomerCase
	EventsURL    string
	// Issue 12 (insights): the resolve form with its lesson learned, and
	// the resolved cases most like this one (ui_case_insights.go).
	Resolve     resolveForm
	ShowSimilar bool // the page asks for "resolved N like this" once shown
}

// messageView is one message of the timeline.
type messageView struct {
	desk.Message
	Who           string
	EnteredByName string // the staff member who entered a customer's message for them
	Reading       *analyze.Reading
	Segments      []segment
	Correct       *correctionsView // what the person may say is wrong; nil when nothing
	System        bool             // sent by the desk itself (the check-in): its links are links
}

// signalView is a signal with the customer's words that raised it.
type signalView struct{ Label, Quote string }

// checkView is one step of the method and whether a sent reply took it.
type checkView struct {
	Name      string
	Done      bool
	MessageID int64
}

type trackedPromiseView struct {
	desk.Promise
	Due     string // in the customer's time zone
	Overdue bool
}

type escalationView struct {
	desk.Escalation
	By string
}

// composeView is the reply box: what was typed and, after a refused send,
// the errors the agent must confirm.
type composeView struct {
	CaseID  int64
	Text    string
	Note    bool
	Then    string // the status asked for with the send the coach stopped
	Confirm []coach.Finding
}

func (s *Server) casePage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	v, err := s.caseView(r, u, id)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "case.html", v)
	return nil
}

// caseTimeline renders the conversation alone (GET /cases/{id}/timeline):
// the case page swaps it in when the case changes, leaving the reply being
// written alone.
func (s *Server) caseTimeline(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	// Only what the conversation shows: no flash is consumed, no side panel
	// is gathered for a fragment that does not show them.
	d, err := s.desk.Case(r.Context(), id)
	var users []desk.User
	if err == nil {
		users, err = s.desk.Users(r.Context())
	}
	if err != nil {
		return err
	}
	timeline := timelineOf(d, namesOf(users))
	if err := s.offerCorrections(r, u, d, timeline); err != nil {
		return err
	}
	s.renderFragment(w, r, "timeline", struct{ Timeline []messageView }{timeline})
	return nil
}

// timelineOf is the conversation of a case as the page shows it.
func timelineOf(d desk.CaseDetail, names map[int64]string) []messageView {
	out := make([]messageView, 0, len(d.Messages))
	for _, m := range d.Messages {
		out = append(out, newMessageView(m, d.Customer, names))
	}
	return out
}

// caseView gathers everything the case page shows.
func (s *Server) caseView(r *http.Request, u desk.User, id int64) (caseView, error) {
	d, err := s.desk.Case(r.Context(), id)
	if err != nil {
		return caseView{}, err
	}
	users, err := s.desk.Users(r.Context())
	if err != nil {
		return caseView{}, err
	}
	names := namesOf(users)
	hist, err := s.desk.Customer(r.Context(), d.Customer.ID)
	if err != nil {
		return caseView{}, err
	}
	now := s.desk.Now()
	v := caseView{chrome: s.chromeFor(r, u, "case"), Case: d, Level: levelOf(d.Anger.Latest), TopSignal: topSignal(d.Case),
		SLA: slaClock(d.Case, now), Compose: composeView{CaseID: id}, EventsURL: fmt.Sprintf("/events?case=%d", id)}
	for _, hc := range hist.Cases {
		if hc.ID != id {
			v.History = append(v.History, hc)
		}
	}
	if d.AssigneeID != nil {
		v.Assignee = names[*d.AssigneeID]
		for _, x := range users {
			if x.ID == *d.AssigneeID && x.Disabled && d.Status != desk.StatusResolved && d.Status != desk.StatusClosed {
				v.NeedsOwner = true
			}
		}
	}
	v.MailOff = d.Channel == "email" && !s.desk.EmailsReplies()
	v.Can.Reply, v.Can.Escalate, v.Can.Resolve = u.Can(desk.PermCasesReply), u.Can(desk.PermCasesEscalate), u.Can(desk.PermCasesResolve)
	v.Can.Assign, v.Can.Deescalate = u.Can(desk.PermCasesAssign), u.Can(desk.PermCasesEscalate) && d.Status == desk.StatusEscalated
	if v.Can.Assign {
		for _, x := range users {
			if !x.Disabled && x.Can(desk.PermCasesReply) {
				v.Staff = append(v.Staff, x)
			}
		}
	}
	if v.Can.Reply {
		if v.Categories, err = s.desk.Categories(r.Context()); err != nil {
			return caseView{}, err
		}
		if d.Status != desk.StatusEscalated && d.Status != desk.StatusClosed {
			v.Statuses = statusChoices(d.Case)
		}
		if v.Saved, err = s.desk.SavedReplies(r.Context(), u); err != nil {
			return caseView{}, err
		}
	}
	loc := customerLocation(d.Customer)
	v.Timeline = timelineOf(d, names)
	if err := s.offerCorrections(r, u, d, v.Timeline); err != nil {
		return caseView{}, err
	}
	v.Chart = angerChart(d.Messages)
	v.Signals = caseSignals(d.Messages)
	v.Checklist = methodChecklist(d.Messages)
	for _, c := range d.Promises {
		cv := trackedPromiseView{Promise: c}
		if c.DueAt != nil {
			cv.Due = stamp(c.DueAt.In(loc))
			cv.Overdue = c.Status == "open" && c.DueAt.Before(now)
		}
		v.Promises = append(v.Promises, cv)
	}
	if pol, err := s.desk.Policy(r.Context()); err != nil {
		return caseView{}, err
	} else {
		for _, sv := range d.Surveys {
			if sv.Status == "scheduled" || sv.Status == "cancelled" {
				continue
			}
			v.Surveys = append(v.Surveys, caseSurveyView{Survey: sv, Reopened: sv.Score != nil && *sv.Score <= pol.FollowUp.ReopenAtOrBelow})
		}
	}
	if v.Goodwill, err = s.goodwillPanel(r, u, id, names); err != nil {
		return caseView{}, err
	}
	for _, e := range d.Escalations {
		ev := escalationView{Escalation: e, By: "a rule"}
		if e.ByUserID != nil {
			ev.By = names[*e.ByUserID]
		}
		v.Escalations = append(v.Escalations, ev)
	}
	s.caseInsights(u, &v)
	return v, nil
}

func customerLocation(c desk.Customer) *time.Location {
	if loc, err := time.LoadLocation(c.TimeZone); c.TimeZone != "" && err == nil {
		return loc
	}
	return time.UTC
}

func newMessageView(m desk.Message, cust desk.Customer, names map[int64]string) messageView {
	mv := messageView{Message: m, Reading: m.Reading}
	switch m.Direction {
	case desk.Inbound:
		mv.Who = cust.Name
		if mv.Who == "" {
			mv.Who = cust.Email
		}
		if m.EnteredBy != nil {
			mv.EnteredByName = names[*m.EnteredBy]
		}
	default:
		if m.AuthorUserID != nil {
			mv.Who = names[*m.AuthorUserID]
		}
		if m.Automatic() {
			mv.Who, mv.System = "calmdesk", true
		}
	}
	var marks []mark
	if m.Reading != nil {
		marks = hotSentences(*m.Reading)
	}
	mv.Segments = segments(m.CleanText, marks)
	return mv
}

// hotSentences marks the hottest sentences of a customer message (at most
// three at or above annoyed, or the single hottest when it is at least
// mildly heated) with the reasons found inside each.
func hotSentences(rd analyze.Reading) []mark {
	sents := slices.Clone(rd.Sentences)
	slices.SortStableFunc(sents, func(a, b analyze.Sentence) int { return b.Anger - a.Anger })
	var marks []mark
	for i, st := range sents {
		if i >= 3 || st.Anger < 35 || (i > 0 && st.Anger < 50) {
			break
		}
		m := mark{Start: st.Start, End: st.End, Class: "hot level-" + levelOf(st.Anger), Label: fmt.Sprintf("anger %d, %s", st.Anger, levelOf(st.Anger))}
		for _, rs := range rd.Reasons {
			if rs.Start >= st.Start && rs.End <= st.End {
				m.Notes = append(m.Notes, fmt.Sprintf("%s: “%s”", rs.Kind, rs.Text))
			}
		}
		if len(m.Notes) == 0 {
			m.Notes = []string{"the wording as a whole reads " + levelOf(st.Anger)}
		}
		marks = append(marks, m)
	}
	return marks
}

func caseSignals(msgs []desk.Message) []signalView {
	var out []signalView
	seen := map[signalView]bool{}
	for _, m := range msgs {
		if m.Reading == nil {
			continue
		}
		for _, sg := range m.Reading.Signals {
			sv := signalView{Label: signalLabel(sg.Kind), Quote: sg.Text}
			if !seen[sv] {
				seen[sv] = true
				out = append(out, sv)
			}
		}
	}
	return out
}

// methodChecklist says which steps of the method the sent replies took,
// from the reviews stored with them.
func methodChecklist(msgs []desk.Message) []checkView {
	doneIn := map[string]int64{}
	for _, m := range msgs {
		if m.Direction != desk.Outbound || len(m.Review) == 0 {
			continue
		}
		var rv coach.Review
		if json.Unmarshal(m.Review, &rv) != nil {
			continue
		}
		for _, st := range rv.Steps {
			if _, ok := doneIn[st.ID]; st.Done && !ok {
				doneIn[st.ID] = m.ID
			}
		}
	}
	pb := playbook.Default()
	out := make([]checkView, 0, len(pb.Steps))
	for _, st := range pb.Steps {
		id, ok := doneIn[st.ID]
		out = append(out, checkView{Name: st.Name, Done: ok, MessageID: id})
	}
	return out
}
