package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/training"
)

// scenarioFormView is /training/scenarios/{id}: a scenario made from a case
// for a supervisor to review, edit and publish (or a built-in to read and,
// for an admin, hide). The form holds what was typed, so a refused edit
// comes back with the input kept and the errors beside their fields.
type scenarioFormView struct {
	chrome
	Kept         desk.KeptScenario
	Form         scenarioForm
	Fields       map[string]string
	Error        string
	Editable     bool // made from a case
	CanHide      bool // an admin, for a built-in
	Temperaments []string
	Difficulties []string
}

// scenarioForm is the scenario as form fields.
type scenarioForm struct {
	Title, Industry, Family, Difficulty    string
	PersonaName, PersonaTier, Temperament  string
	Opening, Concerns, Satisfies, Inflames string
	Anger, EscalateAt, CalmAt, TurnLimit   string
	Version                                string
	ConcernIDs                             []string
}

func formOfScenario(k desk.KeptScenario) scenarioForm {
	sc := k.Scenario
	f := scenarioForm{Title: sc.Title, Industry: sc.Industry, Family: sc.Family, Difficulty: sc.Difficulty,
		PersonaName: sc.Persona.Name, PersonaTier: sc.Persona.Tier, Temperament: sc.Persona.Temperament, Opening: sc.Opening,
		Satisfies: strings.Join(sc.Satisfies, ", "), Inflames: strings.Join(sc.Inflames, ", "),
		Anger: strconv.Itoa(sc.Anger), EscalateAt: strconv.Itoa(sc.EscalateAt), CalmAt: strconv.Itoa(sc.CalmAt),
		TurnLimit: strconv.Itoa(sc.TurnLimit), Version: k.Version}
	var lines []string
	for _, c := range sc.Concerns {
		lines = append(lines, c.Ask+" | "+strings.Join(c.Cues, ", "))
	}
	f.Concerns = strings.Join(lines, "\n")
	return f
}

func readScenarioForm(pf url.Values) scenarioForm {
	return scenarioForm{Title: pf.Get("title"), Industry: pf.Get("industry"), Family: pf.Get("family"), Difficulty: pf.Get("difficulty"),
		PersonaName: pf.Get("persona_name"), PersonaTier: pf.Get("persona_tier"), Temperament: pf.Get("temperament"),
		Opening: pf.Get("opening"), Concerns: pf.Get("concerns"), Satisfies: pf.Get("satisfies"), Inflames: pf.Get("inflames"),
		Anger: pf.Get("anger"), EscalateAt: pf.Get("escalate_at"), CalmAt: pf.Get("calm_at"), TurnLimit: pf.Get("turn_limit"),
		Version: pf.Get("version")}
}

// scenario turns the form into a scenario over the one kept (whose lines
// the form does not show), or says field by field what is wrong.
func (f scenarioForm) scenario(base training.Scenario) (training.Scenario, int, map[string]string) {
	bad := map[string]string{}
	num := func(field, v string) int {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			bad[field] = "must be a whole number"
		}
		return n
	}
	sc := base
	sc.Title, sc.Industry, sc.Family, sc.Difficulty = strings.TrimSpace(f.Title), strings.TrimSpace(f.Industry), strings.TrimSpace(f.Family), f.Difficulty
	sc.Persona = training.Persona{Name: strings.TrimSpace(f.PersonaName), Tier: strings.TrimSpace(f.PersonaTier), Temperament: f.Temperament}
	sc.Opening = strings.TrimSpace(f.Opening)
	sc.Satisfies, sc.Inflames = commaList(f.Satisfies), commaList(f.Inflames)
	sc.Anger, sc.EscalateAt, sc.CalmAt, sc.TurnLimit = num("anger", f.Anger), num("escalate_at", f.EscalateAt), num("calm_at", f.CalmAt), num("turn_limit", f.TurnLimit)
	sc.Concerns = nil
	for i, line := range strings.Split(f.Concerns, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		ask, cues, ok := strings.Cut(line, "|")
		if !ok || strings.TrimSpace(ask) == "" || len(commaList(cues)) == 0 {
			bad["concerns"] = fmt.Sprintf("line %d: write what the customer asks, then | and the words that answer it, e.g. “When do I get my money back? | refund*, credit*”", i+1)
			continue
		}
		sc.Concerns = append(sc.Concerns, training.Concern{ID: fmt.Sprintf("concern-%d", len(sc.Concerns)+1), Ask: strings.TrimSpace(ask), Cues: commaList(cues)})
	}
	version := 0
	if f.Version != "" {
		version, _ = strconv.Atoi(f.Version)
	}
	return sc, version, bad
}

func commaList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func (s *Server) scenarioFormView(r *http.Request, u desk.User, k desk.KeptScenario) scenarioFormView {
	return scenarioFormView{chrome: s.chromeFor(r, u, "training"), Kept: k, Form: formOfScenario(k),
		Editable: k.Source == desk.ScenarioFromCase, CanHide: k.Source == desk.ScenarioBuiltin && u.Can(desk.PermSettingsManage),
		Temperaments: training.Temperaments, Difficulties: []string{"easy", "medium", "hard"}}
}

// scenarioPage shows a scenario for review (GET /training/scenarios/{id}).
func (s *Server) scenarioPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	k, err := s.desk.TrainingScenario(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "training_scenario.html", s.scenarioFormView(r, u, k))
	return nil
}

// saveScenarioForm saves the review of a scenario and, with the publish,
// retire or draft button, changes its status (POST /training/scenarios/{id}).
func (s *Server) saveScenarioForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 64<<10); err != nil {
		return err
	}
	id := r.PathValue("id")
	k, err := s.desk.TrainingScenario(r.Context(), u, id)
	if err != nil {
		return err
	}
	action := r.PostForm.Get("action")
	if k.Source == desk.ScenarioFromCase && action != "retire" {
		form := readScenarioForm(r.PostForm)
		sc, version, bad := form.scenario(k.Scenario)
		if len(bad) == 0 {
			_, err = s.desk.UpdateTrainingScenario(r.Context(), u, id, desk.ScenarioEdit{Scenario: sc, Version: version})
		}
		var verr *desk.ValidationError
		var cerr *desk.ConflictError
		switch {
		case len(bad) > 0 || errors.As(err, &verr) || errors.As(err, &cerr):
			view := s.scenarioFormView(r, u, k)
			view.Form, view.Fields = form, bad
			if verr != nil {
				view.Fields = verr.Fields
			}
			if cerr != nil {
				view.Error = cerr.Message
			} else if msg, ok := view.Fields["scenario"]; ok {
				view.Error = "The scenario " + msg + "."
			}
			s.render(w, r, http.StatusUnprocessableEntity, "training_scenario.html", view)
			return nil
		case err != nil:
			return err
		}
	}
	status := map[string]string{"publish": desk.ScenarioPublished, "retire": desk.ScenarioRetired, "draft": desk.ScenarioDraft}[action]
	msg := "Saved."
	if status != "" {
		if _, err := s.desk.SetTrainingScenarioStatus(r.Context(), u, id, status); err != nil {
			return err
		}
		msg = map[string]string{desk.ScenarioPublished: "Published: trainees can practise it now.",
			desk.ScenarioRetired: "Retired: trainees no longer see it.", desk.ScenarioDraft: "Back to draft: trainees no longer see it."}[status]
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/training/scenarios/"+url.PathEscape(id), http.StatusSeeOther)
	return nil
}

// scenarioFromCaseForm is the case page's "Make a training scenario"
// (POST /cases/{id}/training-scenario): the scrubbed draft is kept and
// the supervisor goes on to review it.
func (s *Server) scenarioFromCaseForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	k, created, err := s.desk.DraftScenarioFromCase(r.Context(), u, id)
	if err != nil {
		return err
	}
	if created {
		s.flash(r, "A draft made from the case, its personal data replaced. Review it, above all the words that answer each concern, then publish it.")
	}
	http.Redirect(w, r, "/training/scenarios/"+url.PathEscape(k.Scenario.ID), http.StatusSeeOther)
	return nil
}

// formField is one input of the scenario form, with its error if any.
type formField struct{ ID, Name, Label, Value, Err string }

// Field is the input for a field; key is the field's name in the desk's
// validation errors ("persona.name").
func (v scenarioFormView) Field(key, label, value string) formField {
	name := strings.ReplaceAll(key, ".", "_")
	return formField{ID: name, Name: name, Label: label, Value: value, Err: v.Fields[key]}
}
