package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// goodwillPanel is the goodwill section of the case page.
type goodwillPanel struct {
	Gestures []goodwillView
	Kinds    []string
	Currency string
	Limit    int64 // the user's own limit, in cents
}

type goodwillView struct {
	desk.Goodwill
	CaseSubject string
	RequestedBy string
}

func (s *Server) goodwillPanel(r *http.Request, u desk.User, caseID int64, names map[int64]string) (goodwillPanel, error) {
	p, err := s.desk.Policy(r.Context())
	if err != nil {
		return goodwillPanel{}, err
	}
	list, err := s.desk.GoodwillOffers(r.Context(), desk.GoodwillQuery{CaseID: caseID})
	if err != nil {
		return goodwillPanel{}, err
	}
	gp := goodwillPanel{Kinds: p.Goodwill.Kinds, Currency: p.Goodwill.Currency, Limit: p.Goodwill.Limits[string(u.Role)]}
	for _, g := range list {
		gp.Gestures = append(gp.Gestures, goodwillView{Goodwill: g, RequestedBy: names[g.RequestedBy]})
	}
	return gp, nil
}

// goodwillForm is what the case page's goodwill form holds after a refused
// offer: the typed values and the errors by field, shown in place.
type goodwillForm struct {
	Kind, Amount, Reason string
	Fields               map[string]string
}

// offerGoodwillForm records a gesture from the case page (POST /cases/{id}/goodwill).
// A refused offer comes back on the case page with the form open, the
// error next to the field and what was typed kept.
func (s *Server) offerGoodwillForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	form := goodwillForm{Kind: r.PostForm.Get("kind"), Amount: r.PostForm.Get("amount"), Reason: r.PostForm.Get("reason")}
	refuse := func(fields map[string]string) error {
		v, err := s.caseView(r, u, id)
		if err != nil {
			return err
		}
		form.Fields = fields
		v.GoodwillForm = &form
		s.render(w, r, http.StatusUnprocessableEntity, "case.html", v)
		return nil
	}
	cents, err := parseCents(form.Amount)
	if err != nil {
		return refuse(map[string]string{"amount": "must be an amount like 30, 29.90 or 29,90"})
	}
	g, err := s.desk.OfferGoodwill(r.Context(), u, desk.GoodwillInput{CaseID: id, Kind: form.Kind, AmountCents: cents, Reason: form.Reason})
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		fields := map[string]string{}
		for k, m := range verr.Fields {
			if k == "amount_cents" {
				k = "amount"
			}
			fields[k] = m
		}
		return refuse(fields)
	}
	if err != nil {
		return err
	}
	if g.Status == "pending" {
		who := "a supervisor's approval"
		switch g.WaitsFor {
		case desk.RoleAdmin:
			who = "an admin's approval (it is above a supervisor's limit); the admins have been told"
		case "":
			who = "an admin: it is above every approver's limit; the admins have been told"
		}
		s.flash(r, fmt.Sprintf("%s of %s %s goes past a limit (yours for this case, or the customer's): it waits for %s.", titleCase(g.Kind), money(g.AmountCents), g.Currency, who))
	} else {
		s.flash(r, fmt.Sprintf("%s of %s %s approved: tell the customer.", titleCase(g.Kind), money(g.AmountCents), g.Currency))
	}
	http.Redirect(w, r, fmt.Sprintf("/cases/%d", id), http.StatusSeeOther)
	return nil
}

// decideGoodwillForm approves or declines a pending gesture
// (POST /goodwill/{id}/approve or /decline) and goes back where it came from.
func (s *Server) decideGoodwillForm(approve bool) func(w http.ResponseWriter, r *http.Request, u desk.User) error {
	return func(w http.ResponseWriter, r *http.Request, u desk.User) error {
		id, err := formPathID(w, r)
		if err != nil {
			return err
		}
		g, err := s.desk.DecideGoodwill(r.Context(), u, id, approve, r.PostForm.Get("note"))
		var cerr *desk.ConflictError
		if approve && errors.As(err, &cerr) && strings.Contains(cerr.Error(), "above your limit") {
			// Above the approver's limit: it needs someone with a higher
			// one, not an error page. The offer keeps waiting.
			s.flash(r, fmt.Sprintf("Needs an admin: %s. The offer keeps waiting for someone with a higher limit.", strings.TrimPrefix(cerr.Error(), "conflict: ")))
			http.Redirect(w, r, safeNext(r.PostForm.Get("back")), http.StatusSeeOther)
			return nil
		}
		if err != nil {
			return err
		}
		s.flash(r, fmt.Sprintf("%s of %s %s on case #%d %s.", titleCase(g.Kind), money(g.AmountCents), g.Currency, g.CaseID, g.Status))
		http.Redirect(w, r, safeNext(r.PostForm.Get("back")), http.StatusSeeOther)
		return nil
	}
}

// keepPromiseForm marks a promise kept, with a note such as a refund reference
// (POST /commitments/{id}/kept).
func (s *Server) keepPromiseForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	c, err := s.desk.ClosePromise(r.Context(), u, id, "kept", r.PostForm.Get("note"))
	if err != nil {
		return err
	}
	s.flash(r, "Promise marked kept: "+c.Action+".")
	http.Redirect(w, r, fmt.Sprintf("/cases/%d#promises", c.CaseID), http.StatusSeeOther)
	return nil
}

// parseCents reads an amount such as "30", "29.9", "$1,250.00" into cents.
func parseCents(s string) (int64, error) {
	s = strings.NewReplacer("$", "", "€", "", "£", "", " ", "").Replace(strings.TrimSpace(s))
	// A comma is the decimal mark when one or two digits follow it and
	// there is no point ("12,50"); otherwise it groups thousands ("1,250.00").
	if i := strings.LastIndexByte(s, ','); i >= 0 && !strings.Contains(s, ".") && len(s)-i-1 <= 2 && len(s)-i-1 > 0 && strings.Count(s, ",") == 1 {
		s = s[:i] + "." + s[i+1:]
	}
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" && frac == "" {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	w, err := strconv.ParseInt("0"+whole, 10, 64)
	if err != nil || w > 1_000_000_000 {
		return 0, fmt.Errorf("bad amount %q", s)
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt((frac + "0")[:2], 10, 64); err != nil {
			return 0, fmt.Errorf("bad amount %q", s)
		}
	}
	return w*100 + f, nil
}
