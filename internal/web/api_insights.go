package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
)

// insightsQuery is what every insights request names: a period, a slice,
// and for case lists a figure or a set of case ids.
type insightsQuery struct {
	period insights.Period
	filter insights.Filter
	figure insights.Figure
	ids    []int64
}

// errNoInsights answers every insights route of a server made without
// insights (web.Config.Insights nil).
var errNoInsights = &httpError{status: http.StatusServiceUnavailable, code: "unavailable", message: "Insights are not configured on this server."}

// readInsightsQuery reads ?from=&to=&category=&agent=&channel=&tier=&figure=&ids=.
func (s *Server) readInsightsQuery(r *http.Request) (*insights.Insights, insightsQuery, error) {
	in := s.cfg.Insights
	if in == nil {
		return nil, insightsQuery{}, errNoInsights
	}
	q := r.URL.Query()
	p, err := insights.ParsePeriod(q.Get("from"), q.Get("to"), in.Now())
	if err != nil {
		return nil, insightsQuery{}, err
	}
	iq := insightsQuery{period: p, figure: insights.Figure(q.Get("figure")), filter: insights.Filter{
		Category: q.Get("category"), Agent: q.Get("agent"), Channel: q.Get("channel"), Tier: q.Get("tier")}}
	if iq.figure != "" && !insights.ValidFigure(iq.figure) {
		return nil, iq, invalidField("figure", "must be one of "+strings.Join(insights.FigureNames(), ", "))
	}
	if v := q.Get("ids"); v != "" {
		for _, part := range strings.Split(v, ",") {
			id, err := strconv.ParseInt(strings.TrimSpace(part), 10, 64)
			if err != nil || id <= 0 {
				return nil, iq, invalidField("ids", "must be case ids separated by commas")
			}
			iq.ids = append(iq.ids, id)
		}
	}
	return in, iq, nil
}

func (s *Server) insightsSummary(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	in, q, err := s.readInsightsQuery(r)
	if err != nil {
		return err
	}
	sum, err := in.Summary(r.Context(), q.period, q.filter)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sum)
	return nil
}

func (s *Server) insightsProblems(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	in, q, err := s.readInsightsQuery(r)
	if err != nil {
		return err
	}
	problems, err := in.Problems(r.Context(), q.period, q.filter)
	if err != nil {
		return err
	}
	if problems == nil {
		problems = []insights.Problem{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": q.period.From.Format("2006-01-02"),
		"to": q.period.To.Format("2006-01-02"), "problems": problems})
	return nil
}

func (s *Server) insightsCasesCSV(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	in, q, err := s.readInsightsQuery(r)
	if err != nil {
		return err
	}
	rows, err := in.Cases(r.Context(), q.period, q.filter, q.figure, q.ids)
	if err != nil {
		return err
	}
	writeCSV(w, insightsFilename(q), func(wr http.ResponseWriter) error { return insights.WriteCSV(wr, rows) })
	return nil
}

// insightsFilename names an export after what it holds.
func insightsFilename(q insightsQuery) string {
	name := "cases"
	if q.figure != "" {
		name = string(q.figure)
	}
	return "calmdesk-" + name + "-" + q.period.From.Format("2006-01-02") + "-" + q.period.To.Format("2006-01-02") + ".csv"
}

// writeCSV sends a CSV download.
func writeCSV(w http.ResponseWriter, filename string, write func(http.ResponseWriter) error) {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusOK)
	_ = write(w)
}

func (s *Server) insightsWhatWorks(w http.ResponseWriter, r *http.Request, _ desk.User) error {
	in, q, err := s.readInsightsQuery(r)
	if err != nil {
		return err
	}
	works, err := in.WhatWorks(r.Context(), q.period, q.filter)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": q.period.From.Format("2006-01-02"),
		"to": q.period.To.Format("2006-01-02"), "categories": works})
	return nil
}
