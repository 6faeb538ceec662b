package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
)

// resolveForm is the case page's resolve form: the lesson learned typed
// and, after a refused resolve, what was wrong with it.
type resolveForm struct {
	Lesson, Error string
	Max           int
}

// similarCard is "resolved N like this" on the case page.
type similarCard struct {
	insights.Similar
	Rows []similarRow
}

type similarRow struct {
	insights.SimilarCase
	Done, Calm, Took string // what was done; how long it took to calm and to resolve, in words
}

// caseInsights adds the issue-12 parts of the case page: the resolve form
// and, on a case still open, a place for the resolved cases most like it.
// The page does not wait for them: finding them reads the period's
// resolved cases (about 0.6 s of CPU at 100,000 cases), so the card comes
// as a fragment the page asks for once it is shown (similarCardFragment).
func (s *Server) caseInsights(u desk.User, v *caseView) {
	v.Resolve.Max = desk.MaxLessonLength
	v.ShowSimilar = s.cfg.Insights != nil && v.Case.Status != desk.StatusResolved && v.Case.Status != desk.StatusClosed && u.Can(desk.PermCasesRead)
}

// similarCardFragment answers GET /cases/{id}/similar: the "resolved N
// like this" card, for the case page to swap in.
func (s *Server) similarCardFragment(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.cfg.Insights == nil {
		return errNoInsights
	}
	sim, err := s.cfg.Insights.Similar(r.Context(), u, id, 3)
	if err != nil {
		return err
	}
	card := &similarCard{Similar: sim}
	for _, c := range sim.Cases {
		row := similarRow{SimilarCase: c, Done: doneWords(c), Calm: calmWords(c)}
		if c.ResolutionMinutes != nil {
			row.Took = durationWords(*c.ResolutionMinutes)
		}
		card.Rows = append(card.Rows, row)
	}
	s.renderFragment(w, r, "similar-card", card)
	return nil
}

// doneWords says what was done on a similar case.
func doneWords(c insights.SimilarCase) string {
	var parts []string
	switch {
	case c.Replies == 0:
		parts = append(parts, "no reply")
	case len(c.Steps) > 0:
		parts = append(parts, fmt.Sprintf("%d %s: %s", c.Replies, plural(c.Replies, "reply", "replies"), strings.Join(c.Steps, ", ")))
	default:
		parts = append(parts, fmt.Sprintf("%d %s", c.Replies, plural(c.Replies, "reply", "replies")))
	}
	if c.GoodwillCents > 0 {
		parts = append(parts, fmt.Sprintf("goodwill %.2f (%s)", float64(c.GoodwillCents)/100, strings.Join(c.GoodwillKinds, ", ")))
	}
	if c.PromisesDue > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d %s kept on time", c.PromisesKept, c.PromisesDue, plural(c.PromisesDue, "promise", "promises")))
	}
	return strings.Join(parts, "; ")
}

func calmWords(c insights.SimilarCase) string {
	switch {
	case !c.Angry:
		return "never angry"
	case c.TimeToCalmMinutes != nil:
		return "calm after " + durationWords(*c.TimeToCalmMinutes)
	default:
		return "never wrote calmly"
	}
}

// resolveRefused shows the case page again when resolving failed on the
// lesson, with what was typed and the error beside it; other errors go
// the usual way.
func (s *Server) resolveRefused(w http.ResponseWriter, r *http.Request, u desk.User, id int64, lesson string, err error) error {
	var verr *desk.ValidationError
	if !errors.As(err, &verr) || verr.Fields["lesson"] == "" {
		return err
	}
	v, verr2 := s.caseView(r, u, id)
	if verr2 != nil {
		return verr2
	}
	v.Resolve.Lesson, v.Resolve.Error = lesson, "The lesson "+verr.Fields["lesson"]+"."
	s.render(w, r, http.StatusUnprocessableEntity, "case.html", v)
	return nil
}

// caseSimilar answers GET /api/v1/cases/{id}/similar[?limit=].
func (s *Server) caseSimilar(w http.ResponseWriter, r *http.Request, u desk.User) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if s.cfg.Insights == nil {
		return errNoInsights
	}
	limit := 3
	if v := r.URL.Query().Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > insights.MaxSimilar {
			return invalidField("limit", fmt.Sprintf("must be a number from 1 to %d", insights.MaxSimilar))
		}
	}
	sim, err := s.cfg.Insights.Similar(r.Context(), u, id, limit)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sim)
	return nil
}

// lessonsQuery reads ?q=&ids= of the lessons page and API.
func lessonsQuery(r *http.Request) (insights.LessonQuery, error) {
	q := insights.LessonQuery{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if v := r.URL.Query().Get("ids"); v != "" {
		for _, part := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || id <= 0 {
				return q, invalidField("ids", "must be case ids separated by commas")
			}
			q.CaseIDs = append(q.CaseIDs, id)
		}
	}
	return q, nil
}

// lessons finds the lessons the request asks for (?q=&ids=), for the API
// and the page alike.
func (s *Server) lessons(r *http.Request, u desk.User) ([]insights.LessonRow, insights.LessonQuery, error) {
	if s.cfg.Insights == nil {
		return nil, insights.LessonQuery{}, errNoInsights
	}
	q, err := lessonsQuery(r)
	if err != nil {
		return nil, q, err
	}
	list, err := s.cfg.Insights.Lessons(r.Context(), u, q)
	return list, q, err
}

// insightsLessonsAPI answers GET /api/v1/insights/lessons?q=&ids=.
func (s *Server) insightsLessonsAPI(w http.ResponseWriter, r *http.Request, u desk.User) error {
	list, _, err := s.lessons(r, u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"lessons": list})
	return nil
}

// lessonsView is the lessons-learned search page.
type lessonsView struct {
	chrome
	Q       string
	Lessons []insights.LessonRow
	Max     int
}

// insightsLessonsPage shows GET /insights/lessons?q=.
func (s *Server) insightsLessonsPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	list, q, err := s.lessons(r, u)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "insights_lessons.html", lessonsView{chrome: s.chromeFor(r, u, "insights"), Q: q.Q, Lessons: list, Max: insights.MaxLessons})
	return nil
}
