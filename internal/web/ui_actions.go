package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/calmdesk/calmdesk/internal/coach"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/playbook"
)

// sendReply stores a reply or an internal note from the case page's form
// (POST /cases/{id}/reply). A reply the coach finds error-level problems in
// comes back with the problems listed and a "send anyway" button, so the
// agent decides with open eyes; it works without JavaScript.
func (s *Server) sendReply(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	text := replyText(r)
	note := r.PostForm.Get("kind") == "note"
	// "Send", "Send and set pending", "Send and resolve" are one form's
	// buttons (name=then); "Send anyway" carries the first choice along.
	then := r.PostForm.Get("then")
	if r.PostForm.Get("confirm") == "1" {
		then = r.PostForm.Get("confirm_then")
	}
	if strings.TrimSpace(text) == "" {
		s.flash(r, "Write something first: the message is empty.")
		http.Redirect(w, r, fmt.Sprintf("/cases/%d#reply", id), http.StatusSeeOther)
		return nil
	}
	if !note && r.PostForm.Get("confirm") != "1" {
		rv, err := s.desk.ReviewReply(r.Context(), u, desk.ReviewInput{Reply: text, CaseID: id})
		if err != nil {
			return err
		}
		if errs := errorFindings(rv); len(errs) > 0 {
			v, err := s.caseView(r, u, id)
			if err != nil {
				return err
			}
			v.Compose = composeView{CaseID: id, Text: text, Then: then, Confirm: errs}
			s.render(w, r, http.StatusOK, "case.html", v)
			return nil
		}
	}
	res, err := s.desk.Reply(r.Context(), u, desk.ReplyInput{CaseID: id, Text: text, Note: note, Then: desk.Status(then)})
	if err != nil {
		return err
	}
	msg := "Reply sent."
	switch {
	case note:
		msg = "Note added."
	case len(res.Promises) == 1:
		msg = "Reply sent. 1 promise is now tracked."
	case len(res.Promises) > 1:
		msg = fmt.Sprintf("Reply sent. %d promises are now tracked.", len(res.Promises))
	}
	if then == "" {
		s.flash(r, msg)
		http.Redirect(w, r, fmt.Sprintf("/cases/%d#m%d", id, res.Message.ID), http.StatusSeeOther)
		return nil
	}
	// Sent with a status: the agent is done here for now; on to the inbox.
	if then == string(desk.StatusResolved) {
		s.flash(r, fmt.Sprintf("%s Case #%d resolved.", msg, id))
	} else {
		s.flash(r, fmt.Sprintf("%s Case #%d is %s.", msg, id, statusSentence(desk.Status(then))))
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

func errorFindings(rv coach.Review) []coach.Finding {
	var out []coach.Finding
	for _, f := range rv.Findings {
		if f.Severity == playbook.Error {
			out = append(out, f)
		}
	}
	return out
}

// escalate sends the case to the supervisors' queue (POST /cases/{id}/escalate).
func (s *Server) escalate(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	if reason == "" {
		reason = "escalated by " + u.Name
	}
	if _, err := s.desk.Escalate(r.Context(), desk.UserActor(u), id, "manual", reason); err != nil {
		return err
	}
	s.flash(r, "Escalated to the supervisors' queue.")
	http.Redirect(w, r, fmt.Sprintf("/cases/%d", id), http.StatusSeeOther)
	return nil
}

// resolve marks the case resolved (POST /cases/{id}/resolve).
func (s *Server) resolve(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	lesson := r.PostForm.Get("lesson")
	if _, err := s.desk.ResolveWithLesson(r.Context(), desk.UserActor(u), id, lesson); err != nil {
		return s.resolveRefused(w, r, u, id, lesson, err)
	}
	s.flash(r, fmt.Sprintf("Case #%d resolved.", id))
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}
