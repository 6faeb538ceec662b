package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

type settingsView struct {
	chrome
	Users       []desk.User
	People      []personRow // Users with their open cases and a refused edit
	Roles       []desk.Role
	Policy      string
	PolicyError string
	// The learned category model (nil until there is one) and the
	// categories in use.
	CategoryModel *desk.CategoryModelInfo
	Categories    []string
	// What the desk learned from people's corrections of readings.
	Corrections correctionLearningView
	// The basics form and its choices.
	Basics          basicsView
	WeekDays        []string
	LimitRoles      []desk.Role
	AssignmentModes []string
	// The add-person form as typed, with its errors, after a refusal.
	NewUser newUserForm
	// Whether replies on email cases are emailed (outbound mail configured).
	EmailsReplies bool
}

// newUserForm is the settings page's add-person form.
type newUserForm struct {
	Name, Email, Role, Skills string
	Fields                    map[string]string
}

// settingsPage lets an admin run the team without editing files: people and
// their roles and skills, and the workflow policy (GET /settings).
func (s *Server) settingsPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	return s.renderSettings(w, r, u, http.StatusOK, "", "")
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, u desk.User, status int, policy, policyErr string) error {
	return s.renderSettingsWith(w, r, u, status, policy, policyErr, nil)
}

// renderSettingsWith renders the settings page; policy "" shows the stored
// policy, and basics nil the stored basics (else the form as typed).
func (s *Server) renderSettingsWith(w http.ResponseWriter, r *http.Request, u desk.User, status int, policy, policyErr string, basics *basicsView) error {
	return s.renderSettingsView(w, r, u, status, policy, policyErr, basics, newUserForm{Role: string(desk.RoleAgent)}, nil)
}

// renderSettingsPeople renders the settings page with a refused edit of
// one person shown in their row (422).
func (s *Server) renderSettingsPeople(w http.ResponseWriter, r *http.Request, u desk.User, edit *personEdit) error {
	return s.renderSettingsView(w, r, u, http.StatusUnprocessableEntity, "", "", nil, newUserForm{Role: string(desk.RoleAgent)}, edit)
}

// renderSettingsView is renderSettingsWith with the add-person form as
// typed and a refused edit of a person (nil: none).
func (s *Server) renderSettingsView(w http.ResponseWriter, r *http.Request, u desk.User, status int, policy, policyErr string, basics *basicsView, nu newUserForm, edit *personEdit) error {
	p, err := s.desk.Policy(r.Context())
	if err != nil {
		return err
	}
	if policy == "" {
		b, _ := json.MarshalIndent(p, "", "  ")
		policy = string(b)
	}
	if basics == nil {
		v := newBasicsView(p)
		basics = &v
	}
	users, err := s.desk.Users(r.Context())
	if err != nil {
		return err
	}
	open, err := s.desk.OpenCaseCounts(r.Context())
	if err != nil {
		return err
	}
	model, err := s.desk.CategoryModel(r.Context())
	if err != nil {
		return err
	}
	cats, err := s.desk.Categories(r.Context())
	if err != nil {
		return err
	}
	corrections, err := s.desk.CorrectionLearningStatus(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, status, "settings.html", settingsView{Corrections: correctionLearningView{corrections},
		chrome: s.chromeFor(r, u, "settings"), Users: users, People: peopleRows(users, open, edit), Policy: policy, PolicyError: policyErr,
		Roles:         []desk.Role{desk.RoleAgent, desk.RoleSupervisor, desk.RoleAdmin, desk.RoleTrainee},
		CategoryModel: model, Categories: cats,
		Basics: *basics, WeekDays: weekDays, LimitRoles: limitRoles, AssignmentModes: assignmentModes,
		NewUser: nu, EmailsReplies: s.desk.EmailsReplies(),
	})
	return nil
}

// learnCategoriesForm retrains the category model now
// (POST /settings/categories/learn).
func (s *Server) learnCategoriesForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	res, err := s.desk.LearnCategories(r.Context())
	if err != nil {
		return err
	}
	switch {
	case res.Trained:
		s.flash(r, fmt.Sprintf("Learned %d categories from %d filed cases.", len(res.Model.Categories), res.Model.Examples))
	default:
		s.flash(r, "Nothing new learned: "+res.Skipped+".")
	}
	http.Redirect(w, r, "/settings#categories-title", http.StatusSeeOther)
	return nil
}

// resetPasswordForm gives a user a new random password and shows it once
// (POST /settings/users/{id}/password); their sessions end.
func (s *Server) resetPasswordForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	target, err := s.desk.User(r.Context(), id)
	if err != nil {
		return err
	}
	if target.ID == u.ID {
		s.flash(r, "Change your own password here, with your current one.")
		http.Redirect(w, r, "/account", http.StatusSeeOther)
		return nil
	}
	_, pw, err := s.desk.ResetPassword(r.Context(), desk.UserActor(u), target.Email)
	if err != nil {
		return err
	}
	s.flash(r, fmt.Sprintf("New password for %s, shown only now: %s. Their sessions have ended.", target.Email, pw))
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
	return nil
}

// savePolicy stores an edited policy; an invalid one comes back with the
// admin's text kept and the reason shown (POST /settings/policy).
func (s *Server) savePolicy(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 256<<10); err != nil {
		return err
	}
	text := r.PostForm.Get("policy")
	p, err := desk.DecodePolicy([]byte(text))
	if err == nil {
		err = s.desk.SetPolicy(r.Context(), desk.UserActor(u), p)
	}
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		return s.renderSettings(w, r, u, http.StatusUnprocessableEntity, text, verr.Error())
	}
	if err != nil {
		return err
	}
	s.flash(r, "Policy saved. Every instance uses it within five seconds.")
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
	return nil
}

// addUser adds a person and shows their generated password once
// (POST /settings/users).
func (s *Server) addUser(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 64<<10); err != nil {
		return err
	}
	f := r.PostForm
	added, pw, err := s.desk.AddUser(r.Context(), desk.UserActor(u), desk.NewUser{Email: f.Get("email"), Name: f.Get("name"), Role: desk.Role(f.Get("role"))})
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		// Back to the form as typed, each error next to its field.
		nu := newUserForm{Name: f.Get("name"), Email: f.Get("email"), Role: f.Get("role"), Skills: f.Get("skills"), Fields: verr.Fields}
		return s.renderSettingsView(w, r, u, http.StatusUnprocessableEntity, "", "", nil, nu, nil)
	}
	if err != nil {
		return err
	}
	if skills := strings.Split(f.Get("skills"), ","); strings.TrimSpace(f.Get("skills")) != "" {
		if _, err := s.desk.SetSkills(r.Context(), desk.UserActor(u), added.Email, skills); err != nil {
			return err
		}
	}
	s.flash(r, fmt.Sprintf("Added %s (%s). Their password, shown only now: %s", added.Email, added.Role, pw))
	http.Redirect(w, r, "/settings", http.StatusSeeOther)
	return nil
}
