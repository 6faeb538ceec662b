package web

import (
	"errors"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// trainingProgressView is the part of /training about progress: one's
// assignments, sets and certificates; for those who manage training the
// assignment form and everyone's assignments; for admins the pass marks.
type trainingProgressView struct {
	Assignments []desk.TrainingAssignment
	Progress    desk.TrainingProgress
	// For those who manage training.
	TeamAssignments []assignmentRow
	Trainees        []desk.User
	AssignForm      assignForm
	AssignFields    map[string]string
	// For admins.
	PassMarks  []passMarkRow
	MarkFields map[string]string
}

type assignmentRow struct {
	desk.TrainingAssignment
	Who string
}

type assignForm struct {
	UserID, ScenarioID, DueAt string
	Exam                      bool
}

type passMarkRow struct {
	Set  string
	Mark string
}

func (s *Server) fillTrainingProgress(r *http.Request, u desk.User, v *trainingHomeView) error {
	ctx := r.Context()
	var err error
	if v.Assignments, err = s.desk.TrainingAssignments(ctx, u, false); err != nil {
		return err
	}
	if v.Progress, err = s.desk.TrainingProgress(ctx, u, u.ID); err != nil {
		return err
	}
	if u.Can(desk.PermTrainingManage) {
		team, err := s.desk.TrainingAssignments(ctx, u, true)
		if err != nil {
			return err
		}
		users, err := s.desk.Users(ctx)
		if err != nil {
			return err
		}
		names := namesOf(users)
		for _, a := range team {
			v.TeamAssignments = append(v.TeamAssignments, assignmentRow{TrainingAssignment: a, Who: names[a.UserID]})
		}
		for _, x := range users {
			if x.Can(desk.PermTrainingPractice) && x.ID != u.ID {
				v.Trainees = append(v.Trainees, x)
			}
		}
	}
	if u.Can(desk.PermSettingsManage) {
		marks, err := s.desk.TrainingPassMarks(ctx, u)
		if err != nil {
			return err
		}
		for set, m := range marks {
			v.PassMarks = append(v.PassMarks, passMarkRow{Set: set, Mark: strconv.Itoa(m)})
		}
		sort.Slice(v.PassMarks, func(i, j int) bool { return v.PassMarks[i].Set < v.PassMarks[j].Set })
	}
	return nil
}

// assignTrainingForm is POST /training/assignments: a supervisor assigns a
// scenario; a refused one comes back with the input kept.
func (s *Server) assignTrainingForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 4096); err != nil {
		return err
	}
	f := assignForm{UserID: r.PostForm.Get("user_id"), ScenarioID: r.PostForm.Get("scenario_id"), DueAt: r.PostForm.Get("due_at"), Exam: r.PostForm.Get("exam") == "1"}
	userID, perr := strconv.ParseInt(f.UserID, 10, 64)
	var err error
	if perr != nil {
		err = &desk.ValidationError{Fields: map[string]string{"user_id": "choose a trainee"}}
	} else {
		due, derr := desk.ParseDue(f.DueAt)
		err = derr
		if err == nil {
			_, err = s.desk.AssignTraining(r.Context(), u, desk.NewTrainingAssignment{UserID: userID, ScenarioID: f.ScenarioID, DueAt: due, Exam: f.Exam})
		}
	}
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		v, herr := s.trainingHomeData(r, u)
		if herr != nil {
			return herr
		}
		v.AssignForm, v.AssignFields = f, verr.Fields
		s.render(w, r, http.StatusUnprocessableEntity, "training.html", v)
		return nil
	}
	if err != nil {
		return err
	}
	s.flash(r, "Assigned.")
	http.Redirect(w, r, "/training#assignments-team", http.StatusSeeOther)
	return nil
}

// passMarkForm is POST /training/pass-marks: an admin sets a set's pass mark.
func (s *Server) passMarkForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 4096); err != nil {
		return err
	}
	set := r.PostForm.Get("set")
	typed := strings.TrimSpace(r.PostForm.Get("pass_mark"))
	mark, perr := strconv.Atoi(typed)
	var err error
	if perr != nil {
		err = &desk.ValidationError{Fields: map[string]string{"pass_mark": "must be a whole number"}}
	} else {
		err = s.desk.SetTrainingPassMark(r.Context(), u, set, mark)
	}
	var verr *desk.ValidationError
	if errors.As(err, &verr) {
		v, herr := s.trainingHomeData(r, u)
		if herr != nil {
			return herr
		}
		for i := range v.PassMarks {
			if v.PassMarks[i].Set == set {
				v.PassMarks[i].Mark = typed
			}
		}
		v.MarkFields = map[string]string{set: verr.Fields["pass_mark"]}
		s.render(w, r, http.StatusUnprocessableEntity, "training.html", v)
		return nil
	}
	if err != nil {
		return err
	}
	s.flash(r, "The pass mark of "+set+" is now "+typed+".")
	http.Redirect(w, r, "/training#pass-marks", http.StatusSeeOther)
	return nil
}

// personProgressView is /training/people/{id}: one trainee's progress for
// those who manage training, per set and attempt by attempt over time.
type personProgressView struct {
	chrome
	Person   desk.User
	Progress desk.TrainingProgress
	Titles   map[string]string
}

func (s *Server) personProgressPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := s.desk.TrainingProgress(r.Context(), u, id)
	if err != nil {
		return err
	}
	person, err := s.desk.User(r.Context(), id)
	if err != nil {
		return err
	}
	all, err := s.desk.ManagedTrainingScenarios(r.Context(), u)
	if err != nil {
		return err
	}
	titles := map[string]string{}
	for _, k := range all {
		titles[k.Scenario.ID] = k.Scenario.Title
	}
	s.render(w, r, http.StatusOK, "training_person.html", personProgressView{chrome: s.chromeFor(r, u, "training"), Person: person, Progress: p, Titles: titles})
	return nil
}
