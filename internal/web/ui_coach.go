package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// coachView is the live coach panel beside the reply box.
type coachView struct {
	Empty    bool // nothing typed yet
	Note     bool // internal notes are not reviewed
	Review   coach.Review
	Errors   int
	Segments []segment // the reply with its findings underlined
	Findings []findingView
	Steps    []stepView
	Promises []promiseView
	Status   string // one line for the screen-reader status region
}

// findingView is one finding with what the apply button needs: the span
// its rewrite replaces, in the UTF-16 offsets the browser counts in, and
// the words there now. Only the coach's rewrite (words for the customer)
// is ever put into the reply; its hint is only shown.
type findingView struct {
	coach.Finding
	N              int // 1-based, ties the underline to the list item
	Name           string
	Start16, End16 int
	Replaces       string // the reply's words the rewrite replaces
}

type stepView struct {
	Name           string
	Done, Required bool
}

// promiseView is a promise; one without a time asks for it and offers the
// promise again with the calendar's due date.
type promiseView struct {
	coach.Promise
	Due            string
	Start16, End16 int
	Replaces       string
}

// coachPanel reviews the draft in the reply box (POST /cases/{id}/coach,
// fired by htmx as the agent types) and renders the coach panel.
func (s *Server) coachPanel(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	text := replyText(r)
	v := coachView{}
	switch {
	case r.PostForm.Get("kind") == "note":
		v.Note, v.Status = true, "Internal note: the coach does not review notes."
	case strings.TrimSpace(text) == "":
		v.Empty, v.Status = true, ""
	default:
		rv, err := s.desk.ReviewReply(r.Context(), u, desk.ReviewInput{Reply: text, CaseID: id})
		if err != nil {
			return err
		}
		v = newCoachView(text, rv)
	}
	s.renderFragment(w, r, "coach", v)
	return nil
}

func newCoachView(text string, rv coach.Review) coachView {
	v := coachView{Review: rv}
	pb := playbook.Default()
	var marks []mark
	for i, f := range rv.Findings {
		fv := findingView{Finding: f, N: i + 1, Name: titleCase(f.Rule), Start16: -1, End16: -1}
		if f.Severity == playbook.Error {
			v.Errors++
		}
		if f.Rewrite != "" && f.RewriteEnd >= f.RewriteStart && f.RewriteEnd <= len(text) {
			fv.Start16, fv.End16 = utf16Offset(text, f.RewriteStart), utf16Offset(text, f.RewriteEnd)
			fv.Replaces = text[f.RewriteStart:f.RewriteEnd]
		}
		if fv.Start16 < 0 || fv.End16 < 0 {
			fv.Rewrite = "" // no place to put it: the hint alone
		}
		if f.End > f.Start {
			marks = append(marks, mark{Start: f.Start, End: f.End, Class: "finding sev-" + string(f.Severity), Label: fv.Name, Ref: fv.N})
		}
		v.Findings = append(v.Findings, fv)
	}
	v.Segments = segments(text, marks)
	for _, st := range rv.Steps {
		name := st.ID
		if ps := pb.Step(st.ID); ps != nil {
			name = ps.Name
		}
		v.Steps = append(v.Steps, stepView{Name: name, Done: st.Done, Required: st.Required})
	}
	for _, c := range rv.Promises {
		pv := promiseView{Promise: c, Start16: -1, End16: -1}
		if c.DueAt != nil {
			pv.Due = stamp(*c.DueAt)
		}
		if c.Rewrite != "" && c.End > c.Start && c.End <= len(text) {
			pv.Start16, pv.End16, pv.Replaces = utf16Offset(text, c.Start), utf16Offset(text, c.End), text[c.Start:c.End]
		}
		if pv.Start16 < 0 || pv.End16 < 0 {
			pv.Rewrite = ""
		}
		v.Promises = append(v.Promises, pv)
	}
	if rv.Ready {
		v.Status = fmt.Sprintf("Ready to send. Score %d of 100.", rv.Score)
	} else {
		v.Status = fmt.Sprintf("Not ready: %d %s to fix. Score %d of 100.", v.Errors, plural(v.Errors, "problem", "problems"), rv.Score)
	}
	return v
}

// draftReply writes a reply that follows the method into the reply box
// (POST /cases/{id}/draft).
func (s *Server) draftReply(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	draft, err := s.desk.DraftReply(r.Context(), u, id, "", "")
	if err != nil {
		return err
	}
	s.renderFragment(w, r, "replybox", composeView{CaseID: id, Text: draft})
	return nil
}

// replyText is the posted reply with the browser's CRLF line breaks made
// LF, so offsets the coach reports line up with the textarea's value.
func replyText(r *http.Request) string {
	return strings.ReplaceAll(r.PostForm.Get("text"), "\r\n", "\n")
}
