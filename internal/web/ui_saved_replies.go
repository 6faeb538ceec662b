package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// savedRepliesView is the saved replies page (GET /saved-replies): the
// user's own and the shared ones, a form to add one, and each editable one
// with its own form. A refused form comes back with its errors next to the
// fields and what was typed kept.
type savedRepliesView struct {
	chrome
	Replies      []desk.SavedReply
	Placeholders []struct{ Name, Means string }
	New          desk.SavedReplyInput // the add form's values
	NewFields    map[string]string    // its errors
	EditID       int64                // the edit form that was refused
	Edit         desk.SavedReplyInput
	EditFields   map[string]string
}

func (s *Server) savedRepliesView(r *http.Request, u desk.User) (savedRepliesView, error) {
	list, err := s.desk.SavedReplies(r.Context(), u)
	if err != nil {
		return savedRepliesView{}, err
	}
	return savedRepliesView{chrome: s.chromeFor(r, u, "saved-replies"), Replies: list, Placeholders: desk.SavedReplyPlaceholders}, nil
}

func (s *Server) savedRepliesPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	v, err := s.savedRepliesView(r, u)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "saved_replies.html", v)
	return nil
}

func savedReplyForm(r *http.Request) desk.SavedReplyInput {
	return desk.SavedReplyInput{Title: r.PostForm.Get("title"), Body: strings.ReplaceAll(r.PostForm.Get("body"), "\r\n", "\n"), Shared: r.PostForm.Get("shared") == "1"}
}

// saveSavedReplyForm adds (POST /saved-replies) or changes
// (POST /saved-replies/{id}) a saved reply.
func (s *Server) saveSavedReplyForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 4*desk.MaxSavedReplyBody); err != nil {
		return err
	}
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = pathID(r, "id"); err != nil {
			return err
		}
	}
	in := savedReplyForm(r)
	var sr desk.SavedReply
	var err error
	if id == 0 {
		sr, err = s.desk.CreateSavedReply(r.Context(), u, in)
	} else {
		sr, err = s.desk.UpdateSavedReply(r.Context(), u, id, in)
	}
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		v, lerr := s.savedRepliesView(r, u)
		if lerr != nil {
			return lerr
		}
		if id == 0 {
			v.New, v.NewFields = in, verr.Fields
		} else {
			v.EditID, v.Edit, v.EditFields = id, in, verr.Fields
		}
		s.render(w, r, http.StatusUnprocessableEntity, "saved_replies.html", v)
		return nil
	}
	if err != nil {
		return err
	}
	switch {
	case sr.Flagged:
		s.flash(r, fmt.Sprintf("Saved “%s”, shared and flagged: the coach found problems (listed below). Fix them so the team can use it with confidence.", sr.Title))
	case len(sr.CoachProblems) > 0:
		s.flash(r, fmt.Sprintf("Saved “%s”. The coach found problems (listed below).", sr.Title))
	default:
		s.flash(r, fmt.Sprintf("Saved “%s”.", sr.Title))
	}
	http.Redirect(w, r, fmt.Sprintf("/saved-replies#sr-%d", sr.ID), http.StatusSeeOther)
	return nil
}

// deleteSavedReplyForm is POST /saved-replies/{id}/delete.
func (s *Server) deleteSavedReplyForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteSavedReply(r.Context(), u, id); err != nil {
		return err
	}
	s.flash(r, "Saved reply deleted.")
	http.Redirect(w, r, "/saved-replies", http.StatusSeeOther)
	return nil
}

// insertSavedReply fills a saved reply for the case and adds it to the
// reply being written (POST /cases/{id}/saved-reply, from the composer's
// form: text and saved). htmx swaps the reply box; without JavaScript the
// case page comes back with the text in the box.
func (s *Server) insertSavedReply(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	text := replyText(r)
	var saved int64
	if _, err := fmt.Sscan(r.PostForm.Get("saved"), &saved); err != nil || saved <= 0 {
		return invalidField("saved", "Choose a saved reply first.")
	}
	f, err := s.desk.FillSavedReply(r.Context(), u, saved, id)
	if err != nil {
		return err
	}
	if strings.TrimSpace(text) == "" {
		text = f.Text
	} else {
		text = strings.TrimRight(text, "\n") + "\n\n" + f.Text
	}
	if isFragment(r) {
		if len(f.Missing) > 0 {
			w.Header().Set("HX-Trigger", `{"savedReplyGaps": "`+strings.Join(f.Missing, ", ")+`"}`)
		}
		s.renderFragment(w, r, "replybox", composeView{CaseID: id, Text: text})
		return nil
	}
	v, err := s.caseView(r, u, id)
	if err != nil {
		return err
	}
	v.Compose = composeView{CaseID: id, Text: text, Note: r.PostForm.Get("kind") == "note"}
	s.render(w, r, http.StatusOK, "case.html", v)
	return nil
}

// savedReplyFields is what the "saved-reply-fields" template fills a form with.
type savedReplyFields struct {
	Prefix string
	In     desk.SavedReplyInput
	Fields map[string]string
}

// savedReplyFormFunc and savedReplyInputFunc are template functions
// (uiFuncs): the values of a saved reply's form.
func savedReplyFormFunc(prefix string, in any, fields any) savedReplyFields {
	f, _ := fields.(map[string]string)
	i, _ := in.(desk.SavedReplyInput)
	return savedReplyFields{Prefix: prefix, In: i, Fields: f}
}

func savedReplyInputFunc(sr desk.SavedReply) desk.SavedReplyInput {
	return desk.SavedReplyInput{Title: sr.Title, Body: sr.Body, Shared: sr.Shared}
}
