package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/playbook"
	"github.com/calmdesk/calmdesk/internal/training"
)

// trainingHomeView is /training: the scenarios to practise and the
// trainee's own attempts.
type trainingHomeView struct {
	chrome
	Scenarios []scenarioSummary
	Attempts  []attemptRow
	Team      []attemptRow      // everyone's attempts, for those who manage training
	Managed   []scenarioSummary // every scenario with its status, for those who manage training
	trainingProgressView
}

type attemptRow struct {
	desk.TrainingSummary
	Title string
	Who   string
}

func (s *Server) trainingHome(w http.ResponseWriter, r *http.Request, u desk.User) error {
	v, err := s.trainingHomeData(r, u)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "training.html", v)
	return nil
}

func (s *Server) trainingHomeData(r *http.Request, u desk.User) (trainingHomeView, error) {
	scs, err := s.desk.TrainingScenarios(r.Context(), u)
	if err != nil {
		return trainingHomeView{}, err
	}
	v := trainingHomeView{chrome: s.chromeFor(r, u, "training")}
	titles := map[string]string{}
	for _, sc := range scs {
		v.Scenarios = append(v.Scenarios, summarizeScenario(sc))
		titles[sc.ID] = sc.Title
	}
	list, err := s.desk.TrainingAttempts(r.Context(), u)
	if err != nil {
		return trainingHomeView{}, err
	}
	for _, a := range list {
		v.Attempts = append(v.Attempts, attemptRow{TrainingSummary: a, Title: titles[a.ScenarioID]})
	}
	if u.Can(desk.PermTrainingManage) {
		team, err := s.desk.TeamTrainingAttempts(r.Context(), u)
		if err != nil {
			return trainingHomeView{}, err
		}
		names, err := s.userNames(r.Context())
		if err != nil {
			return trainingHomeView{}, err
		}
		all, err := s.desk.ManagedTrainingScenarios(r.Context(), u)
		if err != nil {
			return trainingHomeView{}, err
		}
		for _, k := range all {
			sum := summarizeScenario(k.Scenario)
			sum.Status = k.Status
			v.Managed = append(v.Managed, sum)
			if titles[k.Scenario.ID] == "" {
				titles[k.Scenario.ID] = k.Scenario.Title
			}
		}
		for _, a := range team {
			if a.UserID != u.ID {
				v.Team = append(v.Team, attemptRow{TrainingSummary: a, Title: titles[a.ScenarioID], Who: names[a.UserID]})
			}
		}
	}
	if err := s.fillTrainingProgress(r, u, &v); err != nil {
		return trainingHomeView{}, err
	}
	return v, nil
}

func (s *Server) startTrainingForm(w http.ResponseWriter, r *http.Request, u desk.User) error {
	if err := parseForm(w, r, 4096); err != nil {
		return err
	}
	in := desk.NewTrainingAttempt{ScenarioID: r.PostForm.Get("scenario_id"), Exam: r.PostForm.Get("exam") == "1"}
	if seed := strings.TrimSpace(r.PostForm.Get("seed")); seed != "" {
		n, err := strconv.ParseUint(seed, 10, 64)
		if err != nil {
			return invalidField("seed", "must be a whole number")
		}
		in.Seed = &n
	}
	a, err := s.desk.StartTraining(r.Context(), u, in)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/training/sessions/%d", a.ID), http.StatusSeeOther)
	return nil
}

// practiceView is one attempt: the conversation, the composer with the
// live coach while it runs, the scorecard when it is over.
type practiceView struct {
	chrome
	ID       int64
	Session  *training.Session
	Own      bool
	Turns    []practiceTurn
	Card     training.Scorecard
	Steps    []scoreStep
	Chart    *chartView
	ShowHelp bool // the coach beside the composer, and the drafts on the scorecard
	// ReplyTimes is how long each reply took; MeanReplyTime their mean.
	ReplyTimes    []replyTime
	MeanReplyTime string
}

type replyTime struct {
	N    int
	Took string
}

// took words a number of seconds: "45 s", "2 min 5 s".
func took(sec int) string {
	if sec < 60 {
		return fmt.Sprintf("%d s", sec)
	}
	return fmt.Sprintf("%d min %d s", sec/60, sec%60)
}

type practiceTurn struct {
	training.Turn
	ShowDraft bool
}

type scoreStep struct {
	training.StepResult
	Name string
}

func (s *Server) practicePage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	a, err := s.desk.TrainingAttempt(r.Context(), u, id)
	if err != nil {
		return err
	}
	ss := a.Session
	v := practiceView{chrome: s.chromeFor(r, u, "training"), ID: a.ID, Session: ss, Own: a.UserID == u.ID,
		Card: a.Scorecard, ShowHelp: !ss.Exam || ss.Done}
	for _, t := range ss.Turns {
		v.Turns = append(v.Turns, practiceTurn{Turn: t, ShowDraft: ss.Done && t.Draft != ""})
	}
	pb := playbook.Default()
	for _, st := range a.Scorecard.Steps {
		name := st.ID
		if p := pb.Step(st.ID); p != nil {
			name = p.Name
		}
		v.Steps = append(v.Steps, scoreStep{StepResult: st, Name: name})
	}
	if ss.Done {
		v.Chart = trainingChart(a.Scorecard.AngerCurve)
	}
	for i, sec := range a.Scorecard.ReplySeconds {
		v.ReplyTimes = append(v.ReplyTimes, replyTime{N: i + 1, Took: took(sec)})
	}
	v.MeanReplyTime = took(a.Scorecard.MeanReplySeconds)
	s.render(w, r, http.StatusOK, "training_session.html", v)
	return nil
}

func (s *Server) practiceReply(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	if _, err := s.desk.TrainingReply(r.Context(), u, id, r.PostForm.Get("text")); err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/training/sessions/%d#latest", id), http.StatusSeeOther)
	return nil
}

func (s *Server) practiceCoach(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := formPathID(w, r)
	if err != nil {
		return err
	}
	text := r.PostForm.Get("text")
	if strings.TrimSpace(text) == "" {
		s.renderFragment(w, r, "coach", coachView{Empty: true})
		return nil
	}
	rv, err := s.desk.TrainingPreview(r.Context(), u, id, text)
	if err != nil {
		return err
	}
	s.renderFragment(w, r, "coach", newCoachView(text, rv))
	return nil
}

// trainingChart draws the anger curve of an attempt with the case page's
// chart: the start and each customer answer are dots, the trainee's
// replies the ticks between them.
func trainingChart(curve []int) *chartView {
	if len(curve) == 0 {
		return nil
	}
	c := &chartView{Width: chartW, Height: chartH, Threshold: chartY(50)}
	points := 2*len(curve) - 1
	var line, words []string
	for i, a := range curve {
		a = max(0, min(100, a))
		x := chartW / 2
		if points > 1 {
			x = chartPad + 2*i*(chartW-2*chartPad)/(points-1)
		}
		if i > 0 {
			tx := chartPad + (2*i-1)*(chartW-2*chartPad)/(points-1)
			c.Replies = append(c.Replies, chartTick{X: tx, Label: fmt.Sprintf("your reply %d", i)})
		}
		y := chartY(a)
		line = append(line, fmt.Sprintf("%d,%d", x, y))
		label := fmt.Sprintf("after reply %d: anger %d, %s", i, a, levelOf(a))
		if i == 0 {
			label = fmt.Sprintf("at the start: anger %d, %s", a, levelOf(a))
		}
		c.Dots = append(c.Dots, chartDot{X: x, Y: y, Anger: a, Label: label})
		words = append(words, strconv.Itoa(a))
	}
	c.Line = strings.Join(line, " ")
	c.Summary = "The customer's anger at the start and after each of your replies: " + strings.Join(words, ", ") + "."
	return c
}
