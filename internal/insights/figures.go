package insights

import (
	"context"
	"math"
	"slices"
	"sort"
	"time"
)

// Figures are the numbers for one period and slice. Rates are fractions
// (0.5 is half); a rate or average with nothing to divide by is null.
// docs/insights.md defines each one.
type Figures struct {
	From string `json:"from"` // YYYY-MM-DD
	To   string `json:"to"`   // YYYY-MM-DD, included

	Cases      int      `json:"cases"`
	AngryCases int      `json:"angry_cases"`
	AngryShare *float64 `json:"angry_share"`

	DeescalatedCases        int      `json:"deescalated_cases"`
	DeescalationRate        *float64 `json:"deescalation_rate"`
	CalmedCases             int      `json:"calmed_cases"`
	MedianTimeToCalmMinutes *float64 `json:"median_time_to_calm_minutes"`
	P90TimeToCalmMinutes    *float64 `json:"p90_time_to_calm_minutes"`

	FirstResponseDue           int      `json:"first_response_due"`
	FirstResponseMet           int      `json:"first_response_met"`
	FirstResponseSLARate       *float64 `json:"first_response_sla_rate"`
	MedianFirstResponseMinutes *float64 `json:"median_first_response_minutes"`
	ResolutionDue              int      `json:"resolution_due"`
	ResolutionMet              int      `json:"resolution_met"`
	ResolutionSLARate          *float64 `json:"resolution_sla_rate"`
	MedianResolutionMinutes    *float64 `json:"median_resolution_minutes"`

	CSATAverage      *float64 `json:"csat_average"`
	CSATResponses    int      `json:"csat_responses"`
	SurveysSent      int      `json:"surveys_sent"`
	CSATResponseRate *float64 `json:"csat_response_rate"`

	PromisesDue     int      `json:"promises_due"`
	PromisesKept    int      `json:"promises_kept"`
	PromiseKeptRate *float64 `json:"promise_kept_rate"`

	EscalatedCases    int            `json:"escalated_cases"`
	EscalationRate    *float64       `json:"escalation_rate"`
	EscalationReasons map[string]int `json:"escalation_reasons"`

	RepeatContactCases int      `json:"repeat_contact_cases"`
	RepeatContactRate  *float64 `json:"repeat_contact_rate"`
	ReopenedCases      int      `json:"reopened_cases"`
	ReopenRate         *float64 `json:"reopen_rate"`

	GoodwillSpentCents int64 `json:"goodwill_spent_cents"`
}

// Summary is the figures for a period with the same for the period of
// equal length just before it.
type Summary struct {
	Figures
	Filter   Filter  `json:"filter"`
	Previous Figures `json:"previous"`
}

// summaryFull computes the figures for p and its previous period from
// every row of their cases: the reference the rollups are held to.
func (in *Insights) summaryFull(ctx context.Context, p Period, f Filter) (Summary, error) {
	now := in.Now()
	cur, err := in.loadFor(ctx, p.Start(), p.End(), f, needFigures)
	if err != nil {
		return Summary{}, err
	}
	prevP := p.Previous()
	prev, err := in.loadFor(ctx, prevP.Start(), prevP.End(), f, needFigures)
	if err != nil {
		return Summary{}, err
	}
	return Summary{Figures: figuresOf(p, cur, now), Filter: f, Previous: figuresOf(prevP, prev, now)}, nil
}

// derived is what one case contributes to the figures, measured at now.
type derived struct {
	angry, deescalated   bool
	timeToCalm           *float64 // minutes
	firstResponse        *float64 // minutes
	firstDue, firstMet   bool     // the first-response target counts, and was met
	resolution           *float64 // minutes
	resolveDue, resMet   bool
	promisesDue, kept    int
	escalated            bool
	surveyed             bool
	score                *int
	repeat, reopened     bool
	goodwill             int64
	firstAngryAt, calmAt *time.Time
}

func derive(c *caseFacts, now time.Time) derived {
	d := derived{score: c.Survey, surveyed: c.SurveySent, repeat: c.Repeat, reopened: c.Reopened,
		goodwill: c.Goodwill, escalated: len(c.Escalations) > 0}
	for i, m := range c.Inbound {
		if !m.Angry {
			continue
		}
		d.angry = true
		at := m.At
		d.firstAngryAt = &at
		for _, later := range c.Inbound[i+1:] {
			if later.Level == "calm" && !later.Angry {
				calm := later.At
				d.calmAt = &calm
				v := minutes(calm.Sub(at))
				d.timeToCalm = &v
				break
			}
		}
		break
	}
	if d.angry {
		latestCalm := len(c.Inbound) > 0 && c.Inbound[len(c.Inbound)-1].Level == "calm" && !c.Inbound[len(c.Inbound)-1].Angry
		goodSurvey := c.Survey != nil && *c.Survey >= 4
		d.deescalated = latestCalm || goodSurvey
	}
	if c.FirstReply != nil {
		v := minutes(c.FirstReply.Sub(c.CreatedAt))
		d.firstResponse = &v
	}
	if c.FirstDue != nil && (c.FirstReply != nil || !now.Before(*c.FirstDue)) {
		d.firstDue = true
		d.firstMet = c.FirstReply != nil && !c.FirstReply.After(*c.FirstDue)
	}
	if c.ResolvedAt != nil {
		v := minutes(c.ResolvedAt.Sub(c.CreatedAt))
		d.resolution = &v
	}
	if c.ResolveDue != nil && (c.ResolvedAt != nil || !now.Before(*c.ResolveDue)) {
		d.resolveDue = true
		d.resMet = c.ResolvedAt != nil && !c.ResolvedAt.After(*c.ResolveDue)
	}
	for _, p := range c.Promises {
		if p.Status == "cancelled" || p.Due == nil {
			continue
		}
		if p.Status == "kept" || p.Status == "broken" || !now.Before(*p.Due) {
			d.promisesDue++
			if p.Status == "kept" && p.ClosedAt != nil && !p.ClosedAt.After(*p.Due) {
				d.kept++
			}
		}
	}
	return d
}

func figuresOf(p Period, cases []*caseFacts, now time.Time) Figures {
	f := Figures{From: p.From.Format(time.DateOnly), To: p.To.Format(time.DateOnly), EscalationReasons: map[string]int{}}
	var calm, first, res []float64
	var scoreSum int
	for _, c := range cases {
		d := derive(c, now)
		f.Cases++
		if d.angry {
			f.AngryCases++
		}
		if d.deescalated {
			f.DeescalatedCases++
		}
		if d.timeToCalm != nil {
			f.CalmedCases++
			calm = append(calm, *d.timeToCalm)
		}
		if d.firstResponse != nil {
			first = append(first, *d.firstResponse)
		}
		if d.firstDue {
			f.FirstResponseDue++
			if d.firstMet {
				f.FirstResponseMet++
			}
		}
		if d.resolution != nil {
			res = append(res, *d.resolution)
		}
		if d.resolveDue {
			f.ResolutionDue++
			if d.resMet {
				f.ResolutionMet++
			}
		}
		if d.surveyed {
			f.SurveysSent++
		}
		if d.score != nil {
			f.CSATResponses++
			scoreSum += *d.score
		}
		f.PromisesDue += d.promisesDue
		f.PromisesKept += d.kept
		if d.escalated {
			f.EscalatedCases++
			seen := map[string]bool{}
			for _, rule := range c.Escalations {
				if !seen[rule] {
					seen[rule] = true
					f.EscalationReasons[rule]++
				}
			}
		}
		if d.repeat {
			f.RepeatContactCases++
		}
		if d.reopened {
			f.ReopenedCases++
		}
		f.GoodwillSpentCents += d.goodwill
	}
	f.MedianTimeToCalmMinutes, f.P90TimeToCalmMinutes = quantile(calm, 0.5), quantile(calm, 0.9)
	f.MedianFirstResponseMinutes = quantile(first, 0.5)
	f.MedianResolutionMinutes = quantile(res, 0.5)
	f.finish(scoreSum)
	return f
}

// finish computes the rates from the counts (and the sum of the survey
// scores), for figuresOf and the rollups alike.
func (f *Figures) finish(scoreSum int) {
	f.AngryShare = rate(f.AngryCases, f.Cases)
	f.DeescalationRate = rate(f.DeescalatedCases, f.AngryCases)
	f.FirstResponseSLARate = rate(f.FirstResponseMet, f.FirstResponseDue)
	f.ResolutionSLARate = rate(f.ResolutionMet, f.ResolutionDue)
	f.CSATAverage = nil
	if f.CSATResponses > 0 {
		v := round(float64(scoreSum) / float64(f.CSATResponses))
		f.CSATAverage = &v
	}
	f.CSATResponseRate = rate(f.CSATResponses, f.SurveysSent)
	f.PromiseKeptRate = rate(f.PromisesKept, f.PromisesDue)
	f.EscalationRate = rate(f.EscalatedCases, f.Cases)
	f.RepeatContactRate = rate(f.RepeatContactCases, f.Cases)
	f.ReopenRate = rate(f.ReopenedCases, f.Cases)
}

func minutes(d time.Duration) float64 { return round(d.Minutes()) }

func round(v float64) float64 { return math.Round(v*10000) / 10000 }

func rate(n, of int) *float64 {
	if of == 0 {
		return nil
	}
	v := round(float64(n) / float64(of))
	return &v
}

// quantile is the nearest-rank q-quantile of vs (the smallest value with at
// least q of the values at or below it), or nil when vs is empty.
func quantile(vs []float64, q float64) *float64 {
	if len(vs) == 0 {
		return nil
	}
	s := slices.Clone(vs)
	sort.Float64s(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	v := s[max(i, 0)]
	return &v
}
