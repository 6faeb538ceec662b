package web

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"strconv"
	"sync"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// surveyTemplate is the customer-facing survey page: standalone, no agent
// chrome, no script.
var surveyTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("public_survey.html").Funcs(template.FuncMap{"asset": asset}).ParseFS(templateFS, "templates/public_survey.html"))
})

type surveyView struct {
	Page     desk.SurveyPage
	Scores   []int
	Selected int // the score the customer clicked in the email; they confirm it here
	Error    string
	Invalid  bool
	Done     bool
	Reopened bool
}

func (s *Server) renderSurvey(w http.ResponseWriter, r *http.Request, status int, v surveyView) {
	v.Scores = []int{1, 2, 3, 4, 5}
	var buf bytes.Buffer
	if err := surveyTemplate().Execute(&buf, v); err != nil {
		s.log.ErrorContext(r.Context(), "render survey", "err", err)
		writeText(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Referrer-Policy", "no-referrer") // the token is in the URL
	writeHTML(w, r, status, buf.Bytes())
}

func (s *Server) surveyPage(w http.ResponseWriter, r *http.Request) {
	page, err := s.desk.OpenSurvey(r.Context(), r.PathValue("token"))
	if errors.Is(err, desk.ErrSurveyLink) {
		s.renderSurvey(w, r, http.StatusGone, surveyView{Invalid: true})
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "survey page", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	// The email links carry the score, but a GET never records it: mail
	// scanners open links too. The page shows it chosen; one click sends it.
	selected, _ := strconv.Atoi(r.URL.Query().Get("score"))
	s.renderSurvey(w, r, http.StatusOK, surveyView{Page: page, Selected: selected})
}

func (s *Server) surveyAnswer(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	page, err := s.desk.OpenSurvey(r.Context(), token)
	if errors.Is(err, desk.ErrSurveyLink) {
		s.renderSurvey(w, r, http.StatusGone, surveyView{Invalid: true})
		return
	}
	if err != nil {
		s.log.ErrorContext(r.Context(), "survey answer", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := parseForm(w, r, 64<<10); err != nil {
		s.renderSurvey(w, r, http.StatusBadRequest, surveyView{Page: page, Error: "We could not read your answer; please try again."})
		return
	}
	score, _ := strconv.Atoi(r.PostForm.Get("score"))
	reopened, err := s.desk.AnswerSurvey(r.Context(), token, score, r.PostForm.Get("comment"))
	var verr *desk.ValidationError
	switch {
	case errors.As(err, &verr):
		s.renderSurvey(w, r, http.StatusUnprocessableEntity, surveyView{Page: page, Error: "Please choose a rating from 1 to 5 (and keep the comment under 5,000 characters)."})
	case errors.Is(err, desk.ErrSurveyLink):
		s.renderSurvey(w, r, http.StatusGone, surveyView{Invalid: true})
	case err != nil:
		s.log.ErrorContext(r.Context(), "survey answer", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
	default:
		s.renderSurvey(w, r, http.StatusOK, surveyView{Page: page, Done: true, Reopened: reopened})
	}
}
