package web

import (
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
)

// insightsView is the insights page: the figures of a period against the
// previous one, each a link to its cases; their trends; the problems.
type insightsView struct {
	chrome
	From, To, Category, Agent, Channel, Tier string
	CSV, JSON                                string // the period's downloads
	Summary                                  insights.Summary
	Rows                                     []figureRow
	Trends                                   []trendChart
	Problems                                 []problemRow
	Works                                    []insights.WhatWorks
	Spikes                                   int
}

// problemRow is a problem with the link to its cases.
type problemRow struct {
	insights.Problem
	Link string
}

// insightCaseRow is a case behind a figure, in words.
type insightCaseRow struct {
	insights.CaseRow
	TimeToCalm, Rules string
}

// figureRow is one line of the figures table.
type figureRow struct {
	Name, Figure  string // what it is called; the drill-down's figure
	Link          string // to the cases behind it
	Now, Before   string
	Better, Worse bool
	Explanation   string
}

// trendChart is one figure over the period as an SVG polyline, drawn on
// the same frame as the case page's anger chart.
type trendChart struct {
	Title, Summary string
	Width, Height  int
	Line           string
	Dots           []chartDot
	Max            string
}

func (s *Server) insightsPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	in, q, err := s.readInsightsQuery(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := insightsView{chrome: s.chromeFor(r, u, "insights"), From: q.period.From.Format(time.DateOnly),
		To: q.period.To.Format(time.DateOnly), Category: q.filter.Category, Agent: q.filter.Agent,
		Channel: q.filter.Channel, Tier: q.filter.Tier,
		CSV: "/api/v1/insights/cases.csv?" + insightsQueryString(q, "", nil), JSON: "/api/v1/insights/summary?" + insightsQueryString(q, "", nil)}
	if v.Summary, err = in.Summary(ctx, q.period, q.filter); err != nil {
		return err
	}
	v.Rows = figureRows(v.Summary)
	for i := range v.Rows {
		v.Rows[i].Link = "/insights/cases?" + insightsQueryString(q, insights.Figure(v.Rows[i].Figure), nil)
	}
	trend, err := in.Trend(ctx, q.period, q.filter)
	if err != nil {
		return err
	}
	v.Trends = trendCharts(trend)
	problems, err := in.Problems(ctx, q.period, q.filter)
	if err != nil {
		return err
	}
	for _, p := range problems {
		if p.Spike {
			v.Spikes++
		}
		v.Problems = append(v.Problems, problemRow{Problem: p,
			Link: "/insights/cases?" + insightsQueryString(q, "", p.CaseIDs) + "&" + url.Values{"label": {p.Label}}.Encode()})
	}
	if v.Works, err = in.WhatWorks(ctx, q.period, q.filter); err != nil {
		return err
	}
	for i := range v.Works {
		if len(v.Works[i].Patterns) > 8 {
			v.Works[i].Patterns = v.Works[i].Patterns[:8]
		}
	}
	s.render(w, r, http.StatusOK, "insights.html", v)
	return nil
}

// insightsCasesView lists the cases behind one figure or problem.
type insightsCasesView struct {
	chrome
	Title, From, To string
	Back, CSV       string
	Rows            []insightCaseRow
	Problem         bool                 // the cases of one problem
	Lessons         []insights.LessonRow // a problem's lessons learned
}

func (s *Server) insightsCasesPage(w http.ResponseWriter, r *http.Request, u desk.User) error {
	in, q, err := s.readInsightsQuery(r)
	if err != nil {
		return err
	}
	rows, err := in.Cases(r.Context(), q.period, q.filter, q.figure, q.ids)
	if err != nil {
		return err
	}
	title := figureTitles[q.figure]
	if title == "" {
		title = "All cases"
	}
	if label := r.URL.Query().Get("label"); len(q.ids) > 0 && label != "" {
		title = "Problem: " + label
	}
	back := "/insights?" + insightsQueryString(q, "", nil)
	v := insightsCasesView{chrome: s.chromeFor(r, u, "insights"), Title: title,
		From: q.period.From.Format(time.DateOnly), To: q.period.To.Format(time.DateOnly),
		Back: back, CSV: "/api/v1/insights/cases.csv?" + insightsQueryString(q, q.figure, q.ids)}
	if len(q.ids) > 0 {
		v.Problem = true
		if v.Lessons, err = in.Lessons(r.Context(), u, insights.LessonQuery{CaseIDs: q.ids}); err != nil {
			return err
		}
	}
	for _, row := range rows {
		cr := insightCaseRow{CaseRow: row, Rules: strings.Join(row.EscalationRules, ", ")}
		if row.TimeToCalmMinutes != nil {
			cr.TimeToCalm = durationWords(*row.TimeToCalmMinutes)
		}
		v.Rows = append(v.Rows, cr)
	}
	s.render(w, r, http.StatusOK, "insights_cases.html", v)
	return nil
}

// insightsQueryString is the period and slice of q as a query string, with
// a figure and case ids when given.
func insightsQueryString(q insightsQuery, figure insights.Figure, ids []int64) string {
	vs := url.Values{}
	vs.Set("from", q.period.From.Format(time.DateOnly))
	vs.Set("to", q.period.To.Format(time.DateOnly))
	for k, v := range map[string]string{"category": q.filter.Category, "agent": q.filter.Agent,
		"channel": q.filter.Channel, "tier": q.filter.Tier, "figure": string(figure)} {
		if v != "" {
			vs.Set(k, v)
		}
	}
	if len(ids) > 0 {
		parts := make([]string, len(ids))
		for i, id := range ids {
			parts[i] = fmt.Sprint(id)
		}
		vs.Set("ids", strings.Join(parts, ","))
	}
	return vs.Encode()
}

var figureTitles = map[insights.Figure]string{
	"cases": "All cases", "angry": "Angry cases", "deescalated": "De-escalated cases",
	"not_deescalated": "Angry cases not de-escalated", "calmed": "Cases calmed (with a time to calm)",
	"first_response_missed": "First response target missed", "resolution_missed": "Resolution target missed",
	"surveyed": "Cases with a survey answer", "promises_due": "Cases with promises due",
	"promises_broken": "Cases with a promise not kept on time", "escalated": "Escalated cases",
	"repeat_contact": "Repeat contacts", "reopened": "Reopened cases", "goodwill": "Cases with goodwill",
}

func figureRows(s insights.Summary) []figureRow {
	cur, prev := s.Figures, s.Previous
	pct := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.0f%%", *v*100)
	}
	mins := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return durationWords(*v)
	}
	avg := func(v *float64) string {
		if v == nil {
			return "—"
		}
		return fmt.Sprintf("%.1f", *v)
	}
	// dir says which way is better: +1 higher, -1 lower, 0 neither.
	cmp := func(a, b *float64, dir int) (better, worse bool) {
		if a == nil || b == nil || *a == *b || dir == 0 {
			return false, false
		}
		up := *a > *b
		return up == (dir > 0), up != (dir > 0)
	}
	n := func(v int) *float64 { f := float64(v); return &f }
	row := func(name string, figure insights.Figure, now, before string, a, b *float64, dir int, expl string) figureRow {
		better, worse := cmp(a, b, dir)
		return figureRow{Name: name, Figure: string(figure), Now: now, Before: before, Better: better, Worse: worse, Explanation: expl}
	}
	return []figureRow{
		row("Cases", "cases", fmt.Sprint(cur.Cases), fmt.Sprint(prev.Cases), n(cur.Cases), n(prev.Cases), 0, "opened in the period"),
		row("Angry share", "angry", pct(cur.AngryShare), pct(prev.AngryShare), cur.AngryShare, prev.AngryShare, -1,
			fmt.Sprintf("%d cases with a customer message annoyed or worse", cur.AngryCases)),
		row("De-escalation rate", "deescalated", pct(cur.DeescalationRate), pct(prev.DeescalationRate), cur.DeescalationRate, prev.DeescalationRate, 1,
			fmt.Sprintf("%d of %d angry cases ended calm or with a survey of 4–5", cur.DeescalatedCases, cur.AngryCases)),
		row("Time to calm (median)", "calmed", mins(cur.MedianTimeToCalmMinutes), mins(prev.MedianTimeToCalmMinutes), cur.MedianTimeToCalmMinutes, prev.MedianTimeToCalmMinutes, -1,
			"first angry message → first calm one; p90 "+mins(cur.P90TimeToCalmMinutes)),
		row("First response within SLA", "first_response_missed", pct(cur.FirstResponseSLARate), pct(prev.FirstResponseSLARate), cur.FirstResponseSLARate, prev.FirstResponseSLARate, 1,
			fmt.Sprintf("%d of %d targets met; median %s (the link lists the missed)", cur.FirstResponseMet, cur.FirstResponseDue, mins(cur.MedianFirstResponseMinutes))),
		row("Resolution within SLA", "resolution_missed", pct(cur.ResolutionSLARate), pct(prev.ResolutionSLARate), cur.ResolutionSLARate, prev.ResolutionSLARate, 1,
			fmt.Sprintf("%d of %d targets met; median %s (the link lists the missed)", cur.ResolutionMet, cur.ResolutionDue, mins(cur.MedianResolutionMinutes))),
		row("CSAT average", "surveyed", avg(cur.CSATAverage), avg(prev.CSATAverage), cur.CSATAverage, prev.CSATAverage, 1,
			fmt.Sprintf("%d answers of %d surveys sent (%s)", cur.CSATResponses, cur.SurveysSent, pct(cur.CSATResponseRate))),
		row("Promises kept on time", "promises_broken", pct(cur.PromiseKeptRate), pct(prev.PromiseKeptRate), cur.PromiseKeptRate, prev.PromiseKeptRate, 1,
			fmt.Sprintf("%d of %d promises due (the link lists cases with one not kept)", cur.PromisesKept, cur.PromisesDue)),
		row("Escalation rate", "escalated", pct(cur.EscalationRate), pct(prev.EscalationRate), cur.EscalationRate, prev.EscalationRate, -1,
			reasonsWords(cur.EscalationReasons)),
		row("Repeat contacts", "repeat_contact", pct(cur.RepeatContactRate), pct(prev.RepeatContactRate), cur.RepeatContactRate, prev.RepeatContactRate, -1,
			"customer opened another case in the 30 days before"),
		row("Reopen rate", "reopened", pct(cur.ReopenRate), pct(prev.ReopenRate), cur.ReopenRate, prev.ReopenRate, -1, "reopened at least once"),
		row("Goodwill spent", "goodwill", fmt.Sprintf("%.2f", float64(cur.GoodwillSpentCents)/100), fmt.Sprintf("%.2f", float64(prev.GoodwillSpentCents)/100),
			n(int(cur.GoodwillSpentCents)), n(int(prev.GoodwillSpentCents)), 0, "approved, in the policy's currency"),
	}
}

func reasonsWords(m map[string]int) string {
	if len(m) == 0 {
		return "no escalations"
	}
	var parts []string
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(m map[string]int) []string {
	keys := slices.Collect(maps.Keys(m))
	slices.SortFunc(keys, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return keys
}

// durationWords writes minutes as "45 min", "3.5 h" or "2.1 d".
func durationWords(m float64) string {
	switch {
	case m < 90:
		return fmt.Sprintf("%.0f min", m)
	case m < 48*60:
		return fmt.Sprintf("%.1f h", m/60)
	default:
		return fmt.Sprintf("%.1f d", m/1440)
	}
}

// trendCharts draws cases, angry share, de-escalation rate, promises kept
// and median time to calm bucket by bucket.
func trendCharts(buckets []insights.Figures) []trendChart {
	type series struct {
		title string
		value func(insights.Figures) *float64
		unit  func(float64) string
	}
	count := func(f insights.Figures) *float64 { v := float64(f.Cases); return &v }
	pct := func(v float64) string { return fmt.Sprintf("%.0f%%", v*100) }
	list := []series{
		{"Cases", count, func(v float64) string { return fmt.Sprintf("%.0f", v) }},
		{"Angry share", func(f insights.Figures) *float64 { return f.AngryShare }, pct},
		{"De-escalation rate", func(f insights.Figures) *float64 { return f.DeescalationRate }, pct},
		{"Promises kept on time", func(f insights.Figures) *float64 { return f.PromiseKeptRate }, pct},
		{"Time to calm (median)", func(f insights.Figures) *float64 { return f.MedianTimeToCalmMinutes }, durationWords},
	}
	var out []trendChart
	for _, s := range list {
		c := trendChart{Title: s.title, Width: chartW, Height: chartH}
		top := 0.0
		for _, b := range buckets {
			if v := s.value(b); v != nil {
				top = math.Max(top, *v)
			}
		}
		if top == 0 {
			top = 1
		}
		c.Max = s.unit(top)
		var line, words []string
		for i, b := range buckets {
			x := chartW / 2
			if len(buckets) > 1 {
				x = chartPad + i*(chartW-2*chartPad)/(len(buckets)-1)
			}
			v := s.value(b)
			when := b.From
			if b.To != b.From {
				when += "–" + b.To
			}
			if v == nil {
				words = append(words, when+": none")
				continue
			}
			y := chartPad + int(math.Round((1-*v/top)*float64(chartH-2*chartPad)))
			line = append(line, fmt.Sprintf("%d,%d", x, y))
			c.Dots = append(c.Dots, chartDot{X: x, Y: y, Label: when + ": " + s.unit(*v)})
			words = append(words, when+": "+s.unit(*v))
		}
		c.Line = strings.Join(line, " ")
		c.Summary = s.title + " by " + bucketWord(buckets) + ": " + strings.Join(words, "; ") + "."
		out = append(out, c)
	}
	return out
}

func bucketWord(b []insights.Figures) string {
	if len(b) > 0 && b[0].From != b[0].To {
		return "week"
	}
	return "day"
}

// digestView is the weekly digest page.
type digestView struct {
	chrome
	insights.Digest
	Rows           []figureRow
	Trends         []trendChart
	PrevWeek, Next string
}

// insightsDigest shows the week in review (GET /insights/digest?week=DATE,
// the week holding DATE; default last week).
func (s *Server) insightsDigest(w http.ResponseWriter, r *http.Request, u desk.User) error {
	in := s.cfg.Insights
	if in == nil {
		return errNoInsights
	}
	week := insights.WeekOf(in.Now()).Previous()
	if v := r.URL.Query().Get("week"); v != "" {
		p, err := insights.ParsePeriod(v, v, in.Now())
		if err != nil {
			return invalidField("week", "must be a date YYYY-MM-DD")
		}
		week = insights.WeekOf(p.From)
	}
	d, err := in.Digest(r.Context(), week)
	if err != nil {
		return err
	}
	v := digestView{chrome: s.chromeFor(r, u, "insights"), Digest: d, Rows: figureRows(d.Summary),
		Trends:   trendCharts(d.Weeks)[1:],
		PrevWeek: week.From.AddDate(0, 0, -7).Format(time.DateOnly), Next: week.From.AddDate(0, 0, 7).Format(time.DateOnly)}
	q := insightsQuery{period: week}
	for i := range v.Rows {
		v.Rows[i].Link = "/insights/cases?" + insightsQueryString(q, insights.Figure(v.Rows[i].Figure), nil)
	}
	s.render(w, r, http.StatusOK, "insights_digest.html", v)
	return nil
}
