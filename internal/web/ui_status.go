package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/textkit"
)

// statusWord is a case status as the pages say it ("on hold", not "on_hold").
// It takes any string type: rows carry a desk.Status, filters a string.
func statusWord(s any) string { return strings.ReplaceAll(fmt.Sprint(s), "_", " ") }

// statusChoice is one entry of the case page's status menu.
type statusChoice struct {
	Value    desk.Status
	Label    string
	Selected bool
}

// statusChoices are the statuses an agent sets from the case page; the
// case's own status comes first when it is not one of them (new, resolved),
// so the menu shows where the case is.
func statusChoices(c desk.Case) []statusChoice {
	out := []statusChoice{
		{Value: desk.StatusOpen, Label: "open"},
		{Value: desk.StatusPending, Label: "pending (their turn)"},
		{Value: desk.StatusOnHold, Label: "on hold (SLA paused)"},
	}
	found := false
	for i := range out {
		if out[i].Value == c.Status {
			out[i].Selected, found = true, true
		}
	}
	if !found {
		out = append([]statusChoice{{Value: "", Label: statusWord(c.Status), Selected: true}}, out...)
	}
	return out
}

// statusForm sets the case's status from the case page (POST /cases/{id}/status).
func (s *Server) statusForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	to := desk.Status(r.PostForm.Get("status"))
	if to == "" {
		s.flash(r, "Status not changed: choose open, pending or on hold first.")
		http.Redirect(w, r, fmt.Sprintf("/cases/%d", id), http.StatusSeeOther)
		return nil
	}
	c, err := s.desk.SetStatus(r.Context(), u, id, to)
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Case #%d is %s.", id, statusSentence(c.Status)))
	http.Redirect(w, r, fmt.Sprintf("/cases/%d", id), http.StatusSeeOther)
	return nil
}

// statusSentence says what a status means for the agent, after "Case #4 is".
func statusSentence(st desk.Status) string {
	switch st {
	case desk.StatusPending:
		return "pending: waiting for the customer (it opens again when they write)"
	case desk.StatusOnHold:
		return "on hold: the SLA clock is paused until it leaves hold or the customer writes"
	}
	return statusWord(st)
}

// setCaseStatus is POST /api/v1/cases/{id}/status.
func (s *Server) setCaseStatus(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var req struct {
		Status desk.Status `json:"status"`
	}
	if err := s.decode(w, r, &req); err != nil {
		return err
	}
	c, err := s.desk.SetStatus(r.Context(), u, id, req.Status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// linkPart is a piece of a system message's text: words, or a link.
type linkPart struct{ Text, URL string }

var urlRe = textkit.LazyRegexp(`https?://[^\s<>"]+`)

// links splits the desk's own message (the check-in) into text and links,
// so its survey links can be clicked. Only the desk's messages go through
// it; html/template still escapes each part and checks each URL.
func links(text string) []linkPart {
	var out []linkPart
	last := 0
	for _, loc := range urlRe().FindAllStringIndex(text, -1) {
		if loc[0] > last {
			out = append(out, linkPart{Text: text[last:loc[0]]})
		}
		u := strings.TrimRight(text[loc[0]:loc[1]], ".,;:)")
		out = append(out, linkPart{Text: u, URL: u})
		last = loc[0] + len(u)
	}
	if last < len(text) {
		out = append(out, linkPart{Text: text[last:]})
	}
	return out
}

// caseSurveyView is the survey card of the case page.
type caseSurveyView struct {
	desk.Survey
	Reopened bool // the rating was at or below the policy's reopen score
}
