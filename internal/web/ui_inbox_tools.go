package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// The inbox's tools (issue 16): the row density, bulk actions, saved
// personal views, and who is replying on a case.

// densityCookie remembers the inbox's row density in the browser.
const densityCookie = "calmdesk_density"

// dense reports whether this browser asked for one-line rows.
func dense(r *http.Request) bool {
	c, err := r.Cookie(densityCookie)
	return err == nil && c.Value == "compact"
}

// densityForm switches the inbox between roomy and one-line rows and
// remembers the choice for a year (POST /inbox/density).
func (s *Server) densityForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 4<<10); err != nil {
		return err
	}
	value := "comfortable"
	if r.PostForm.Get("density") == "compact" {
		value = "compact"
	}
	http.SetCookie(w, &http.Cookie{Name: densityCookie, Value: value, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, safeNext(r.PostForm.Get("back")), http.StatusSeeOther)
	return nil
}

// bulkFlashKey holds the per-case results of the last bulk action until
// the inbox shows them.
const bulkFlashKey = "bulk"

// bulkView is a bulk action's outcome as the inbox shows it.
type bulkView struct {
	Done    string // "Resolved 3 of 4 cases."
	Results []desk.BulkResult
}

var bulkDone = map[string]string{"assign": "Assigned", "category": "Filed", "resolve": "Resolved"}

// bulkForm applies one action to the cases ticked in the inbox
// (POST /cases/bulk) and goes back to the inbox with a result per case.
func (s *Server) bulkForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 64<<10); err != nil {
		return err
	}
	f := r.PostForm
	var ids []int64
	for _, v := range f["case"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return invalidField("case", "Pick cases from the list.")
		}
		ids = append(ids, id)
	}
	a := desk.BulkAction{Action: f.Get("action"), Category: strings.TrimSpace(f.Get("category"))}
	if v := f.Get("user"); v != "" && a.Action == "assign" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return invalidField("user", "Pick someone from the list.")
		}
		a.UserID = n
	}
	back := safeNext(f.Get("back"))
	results, err := s.desk.Bulk(r.Context(), u, ids, a)
	var verr *desk.ValidationError
	var ferr *desk.ForbiddenError
	switch {
	case errors.As(err, &verr):
		s.flash(r, "Nothing was changed: "+bulkFieldWords(verr)+".")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	case errors.As(err, &ferr):
		s.flash(r, "Nothing was changed: your role ("+string(u.Role)+") may not do this.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return nil
	case err != nil && len(results) == 0:
		return err
	}
	ok := 0
	for _, res := range results {
		if res.OK {
			ok++
		}
	}
	v := bulkView{Done: fmt.Sprintf("%s %d of %d cases.", bulkDone[a.Action], ok, len(results)), Results: results}
	if err != nil { // the database failed part-way: say what was done
		v.Done += " The rest were not tried: the database could not be reached."
	}
	b, _ := json.Marshal(v)
	s.sessions.Put(r.Context(), bulkFlashKey, string(b))
	http.Redirect(w, r, back, http.StatusSeeOther)
	return nil
}

func bulkFieldWords(verr *desk.ValidationError) string {
	switch {
	case verr.Fields["case_ids"] != "":
		return verr.Fields["case_ids"]
	case verr.Fields["category"] != "":
		return "type or pick a category"
	case verr.Fields["user_id"] != "":
		return "pick someone who may work cases"
	case verr.Fields["action"] != "":
		return "pick what to do"
	}
	return verr.Error()
}

// popBulk takes the last bulk action's results from the session.
func (s *Server) popBulk(r *http.Request) *bulkView {
	raw := s.sessions.PopString(r.Context(), bulkFlashKey)
	if raw == "" {
		return nil
	}
	var v bulkView
	if json.Unmarshal([]byte(raw), &v) != nil {
		return nil
	}
	return &v
}

// saveViewForm keeps the inbox's current filter under a name
// (POST /inbox/views).
func (s *Server) saveViewForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 8<<10); err != nil {
		return err
	}
	query := parseInboxFilter(urlValues(r.PostForm.Get("query"))).values(false).Encode()
	v, err := s.desk.SaveInboxView(r.Context(), u, r.PostForm.Get("name"), query)
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		s.flash(r, "Not saved: the view's name "+verr.Fields["name"]+".")
		http.Redirect(w, r, withQuery("/", urlValues(query)), http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("Saved the view %q: it is listed above the cases.", v.Name))
	http.Redirect(w, r, withQuery("/", urlValues(v.Query)), http.StatusSeeOther)
	return nil
}

func urlValues(q string) url.Values {
	v, _ := url.ParseQuery(strings.TrimPrefix(q, "?"))
	return v
}

// deleteViewForm deletes one of the person's saved views
// (POST /inbox/views/{id}/delete).
func (s *Server) deleteViewForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	if err := s.desk.DeleteInboxView(r.Context(), u, id); err != nil {
		return err
	}
	s.flash(r, "Deleted the saved view.")
	http.Redirect(w, r, safeNext(r.PostForm.Get("back")), http.StatusSeeOther)
	return nil
}

// savedViewLink is a saved view as the inbox lists it.
type savedViewLink struct {
	desk.InboxView
	URL     string
	Current bool
}

// typingForm says the person is writing a reply on the case
// (POST /cases/{id}/typing, sent by the page while keys are pressed;
// stopped=1 when they leave the box empty or the page).
func (s *Server) typingForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	if r.PostForm.Get("stopped") != "" {
		err = s.desk.StoppedTyping(r.Context(), u, id)
	} else {
		err = s.desk.Typing(r.Context(), u, id)
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// typingWords is what the case page says about who else is replying.
func typingWords(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0] + " is replying…"
	case 2:
		return names[0] + " and " + names[1] + " are replying…"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " are replying…"
}
