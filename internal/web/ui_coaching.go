package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
)

// coachingFor reads whose coaching view is asked for (?agent=ID or email;
// default the caller's own) and the period. Agents see only their own;
// another's needs insights:read.
func (s *Server) coachingFor(r *http.Request, u desk.User) (*insights.Insights, insights.Period, desk.User, error) {
	in, q, err := s.readInsightsQuery(r)
	if err != nil {
		return nil, insights.Period{}, desk.User{}, err
	}
	who := u
	if v := r.URL.Query().Get("agent"); v != "" && v != strconv.FormatInt(u.ID, 10) && v != u.Email {
		if !u.Can(desk.PermInsightsRead) {
			return nil, q.period, who, &desk.ForbiddenError{Permission: desk.PermInsightsRead}
		}
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			who, err = s.desk.User(r.Context(), id)
			if err != nil {
				return nil, q.period, who, err
			}
		} else if who, err = s.desk.UserByEmail(r.Context(), v); err != nil {
			return nil, q.period, who, err
		}
	}
	return in, q.period, who, nil
}

func (s *Server) insightsCoaching(w http.ResponseWriter, r *http.Request, u desk.User) error {
	in, p, who, err := s.coachingFor(r, u)
	if err != nil {
		return err
	}
	c, err := in.Coaching(r.Context(), p, who.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// coachingView is an agent's coaching page.
type coachingView struct {
	chrome
	Agent    desk.User
	From, To string
	insights.Coaching
	Rows  []figureRow
	Trend []trendChart
}

func (s *Server) coachingPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	in, p, who, err := s.coachingFor(r, u)
	if err != nil {
		return err
	}
	c, err := in.Coaching(r.Context(), p, who.ID)
	if err != nil {
		return err
	}
	v := coachingView{chrome: s.chromeFor(r, u, "coaching"), Agent: who, Coaching: c,
		From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly)}
	for _, row := range figureRows(insights.Summary{Figures: c.Figures, Previous: c.Figures}) {
		if row.Figure == "angry" || row.Figure == "deescalated" || row.Figure == "calmed" || row.Figure == "promises_broken" {
			row.Before, row.Better, row.Worse = "", false, false
			v.Rows = append(v.Rows, row)
		}
	}
	s.render(w, r, http.StatusOK, "insights_coaching.html", v)
	return nil
}
