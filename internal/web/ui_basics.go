package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// basicsView is the part of the policy most desks change on day one, as a
// form: business hours, holidays, goodwill limits, assignment, follow-up.
// Everything else stays in the JSON editor below it.
type basicsView struct {
	TimeZone, Open, Close, Holidays, Currency, Assignment string
	Days                                                  map[string]bool
	Limits                                                map[desk.Role]string // in currency units, "15.00"
	FollowUp                                              bool
	Error                                                 string
}

var (
	weekDays        = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	limitRoles      = []desk.Role{desk.RoleAgent, desk.RoleSupervisor, desk.RoleAdmin}
	assignmentModes = []string{"least_loaded", "round_robin", "off"}
)

func newBasicsView(p desk.Policy) basicsView {
	v := basicsView{
		TimeZone: p.BusinessHours.TimeZone, Open: p.BusinessHours.Open, Close: p.BusinessHours.Close,
		Holidays: strings.Join(p.BusinessHours.Holidays, "\n"), Currency: p.Goodwill.Currency,
		Assignment: p.Assignment.Mode, FollowUp: p.FollowUp.Enabled,
		Days: map[string]bool{}, Limits: map[desk.Role]string{},
	}
	for _, d := range p.BusinessHours.Days {
		v.Days[d] = true
	}
	for _, role := range limitRoles {
		v.Limits[role] = fmt.Sprintf("%d.%02d", p.Goodwill.Limits[string(role)]/100, p.Goodwill.Limits[string(role)]%100)
	}
	return v
}

// basicsFromForm reads the form back, keeping what the admin typed.
func basicsFromForm(r *http.Request) basicsView {
	f := r.PostForm
	v := basicsView{
		TimeZone: strings.TrimSpace(f.Get("time_zone")), Open: f.Get("open"), Close: f.Get("close"),
		Holidays: f.Get("holidays"), Currency: strings.ToUpper(strings.TrimSpace(f.Get("currency"))),
		Assignment: f.Get("assignment"), FollowUp: f.Get("follow_up") == "on",
		Days: map[string]bool{}, Limits: map[desk.Role]string{},
	}
	for _, d := range f["days"] {
		v.Days[d] = true
	}
	for _, role := range limitRoles {
		v.Limits[role] = strings.TrimSpace(f.Get("limit_" + string(role)))
	}
	return v
}

// apply writes the form's values into p; a limit that is not an amount is
// an error, the rest is for the policy's own validation.
func (v basicsView) apply(p *desk.Policy) error {
	p.BusinessHours.TimeZone, p.BusinessHours.Open, p.BusinessHours.Close = v.TimeZone, v.Open, v.Close
	p.BusinessHours.Days = p.BusinessHours.Days[:0]
	for _, d := range weekDays {
		if v.Days[d] {
			p.BusinessHours.Days = append(p.BusinessHours.Days, d)
		}
	}
	p.BusinessHours.Holidays = strings.Fields(v.Holidays)
	p.Goodwill.Currency, p.Assignment.Mode, p.FollowUp.Enabled = v.Currency, v.Assignment, v.FollowUp
	limits := map[string]int64{}
	for k, c := range p.Goodwill.Limits {
		limits[k] = c // trainee and any other role keep theirs
	}
	for _, role := range limitRoles {
		cents, err := parseCents(v.Limits[role])
		if err != nil {
			return fmt.Errorf("the %s's goodwill limit is not an amount (%q)", role, v.Limits[role])
		}
		limits[string(role)] = cents
	}
	p.Goodwill.Limits = limits
	return nil
}

// saveBasics stores the basics form (POST /settings/basics); a value the
// policy refuses comes back with the form as typed and the reason.
func (s *Server) saveBasics(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 64<<10); err != nil {
		return err
	}
	v := basicsFromForm(r)
	p, err := s.desk.Policy(r.Context())
	if err != nil {
		return err
	}
	if err := v.apply(&p); err != nil {
		v.Error = err.Error()
		return s.renderSettingsWith(w, r, u, http.StatusUnprocessableEntity, "", "", &v)
	}
	err = s.desk.SetPolicy(r.Context(), desk.UserActor(u), p)
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		v.Error = verr.Error()
		return s.renderSettingsWith(w, r, u, http.StatusUnprocessableEntity, "", "", &v)
	}
	if err != nil {
		return err
	}
	s.flash(r, "Business hours, goodwill limits and assignment saved.")
	http.Redirect(w, r, "/settings#basics-title", http.StatusSeeOther)
	return nil
}
