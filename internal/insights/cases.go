package insights

import (
	"context"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
)

// CaseRow is one case behind a figure, as the drill-down lists and the CSV
// export show it. docs/insights.md documents the columns.
type CaseRow struct {
	ID                   int64     `json:"id"`
	CreatedAt            time.Time `json:"created_at"`
	Status               string    `json:"status"`
	Category             string    `json:"category"`
	Channel              string    `json:"channel"`
	Tier                 string    `json:"tier"`
	Agent                string    `json:"agent"`
	Angry                bool      `json:"angry"`
	Deescalated          bool      `json:"deescalated"`
	TimeToCalmMinutes    *float64  `json:"time_to_calm_minutes"`
	FirstResponseMinutes *float64  `json:"first_response_minutes"`
	FirstResponseMissed  bool      `json:"first_response_missed"`
	ResolutionMinutes    *float64  `json:"resolution_minutes"`
	ResolutionMissed     bool      `json:"resolution_missed"`
	Escalated            bool      `json:"escalated"`
	EscalationRules      []string  `json:"escalation_rules"`
	SurveyScore          *int      `json:"survey_score"`
	PromisesDue          int       `json:"promises_due"`
	PromisesKept         int       `json:"promises_kept"`
	RepeatContact        bool      `json:"repeat_contact"`
	Reopened             bool      `json:"reopened"`
	GoodwillCents        int64     `json:"goodwill_cents"`
}

// Figure names a drill-down: the cases behind one figure.
type Figure string

// figureCases says which cases are behind each figure.
var figureCases = map[Figure]func(derived) bool{
	"cases":                 func(derived) bool { return true },
	"angry":                 func(d derived) bool { return d.angry },
	"deescalated":           func(d derived) bool { return d.deescalated },
	"not_deescalated":       func(d derived) bool { return d.angry && !d.deescalated },
	"calmed":                func(d derived) bool { return d.timeToCalm != nil },
	"first_response_missed": func(d derived) bool { return d.firstDue && !d.firstMet },
	"resolution_missed":     func(d derived) bool { return d.resolveDue && !d.resMet },
	"surveyed":              func(d derived) bool { return d.score != nil },
	"promises_due":          func(d derived) bool { return d.promisesDue > 0 },
	"promises_broken":       func(d derived) bool { return d.kept < d.promisesDue },
	"escalated":             func(d derived) bool { return d.escalated },
	"repeat_contact":        func(d derived) bool { return d.repeat },
	"reopened":              func(d derived) bool { return d.reopened },
	"goodwill":              func(d derived) bool { return d.goodwill > 0 },
}

// FigureNames lists the figure names a drill-down accepts.
func FigureNames() []string {
	var names []string
	for f := range figureCases {
		names = append(names, string(f))
	}
	slices.Sort(names)
	return names
}

// ValidFigure reports whether f names a drill-down.
func ValidFigure(f Figure) bool { _, ok := figureCases[f]; return ok }

// Cases lists the cases of p behind figure (every case for "" or "cases"),
// oldest first; ids, when given, narrow it to those cases (a problem's).
func (in *Insights) Cases(ctx context.Context, p Period, f Filter, figure Figure, ids []int64) ([]CaseRow, error) {
	if figure == "" {
		figure = "cases"
	}
	keep, ok := figureCases[figure]
	if !ok {
		return nil, invalid("figure", "must be one of "+strings.Join(FigureNames(), ", "))
	}
	now := in.Now()
	cases, err := in.loadFor(ctx, p.Start(), p.End(), f, needFigures)
	if err != nil {
		return nil, err
	}
	rows := []CaseRow{}
	for _, c := range cases {
		if len(ids) > 0 && !slices.Contains(ids, c.ID) {
			continue
		}
		d := derive(c, now)
		if !keep(d) {
			continue
		}
		rules := []string{}
		for _, r := range c.Escalations {
			if !slices.Contains(rules, r) {
				rules = append(rules, r)
			}
		}
		rows = append(rows, CaseRow{ID: c.ID, CreatedAt: c.CreatedAt, Status: c.Status, Category: c.Category,
			Channel: c.Channel, Tier: c.Tier, Agent: c.Agent, Angry: d.angry, Deescalated: d.deescalated,
			TimeToCalmMinutes: d.timeToCalm, FirstResponseMinutes: d.firstResponse, FirstResponseMissed: d.firstDue && !d.firstMet,
			ResolutionMinutes: d.resolution, ResolutionMissed: d.resolveDue && !d.resMet, Escalated: d.escalated,
			EscalationRules: rules, SurveyScore: d.score, PromisesDue: d.promisesDue, PromisesKept: d.kept,
			RepeatContact: d.repeat, Reopened: d.reopened, GoodwillCents: d.goodwill})
	}
	return rows, nil
}

// CSVColumns are the export's columns, in order.
var CSVColumns = []string{"case_id", "created_at", "status", "category", "channel", "tier", "agent",
	"angry", "deescalated", "time_to_calm_minutes", "first_response_minutes", "first_response_missed",
	"resolution_minutes", "resolution_missed", "escalated", "escalation_rules", "survey_score",
	"promises_due", "promises_kept", "repeat_contact", "reopened", "goodwill_cents"}

// WriteCSV writes rows as CSV with a header row. Text a spreadsheet would
// run as a formula is prefixed with a quote.
func WriteCSV(w io.Writer, rows []CaseRow) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	for _, r := range rows {
		score := ""
		if r.SurveyScore != nil {
			score = strconv.Itoa(*r.SurveyScore)
		}
		rec := []string{strconv.FormatInt(r.ID, 10), r.CreatedAt.UTC().Format(time.RFC3339), r.Status,
			safeCell(r.Category), safeCell(r.Channel), safeCell(r.Tier), safeCell(r.Agent),
			strconv.FormatBool(r.Angry), strconv.FormatBool(r.Deescalated), num(r.TimeToCalmMinutes),
			num(r.FirstResponseMinutes), strconv.FormatBool(r.FirstResponseMissed), num(r.ResolutionMinutes),
			strconv.FormatBool(r.ResolutionMissed), strconv.FormatBool(r.Escalated), strings.Join(r.EscalationRules, ";"),
			score, strconv.Itoa(r.PromisesDue), strconv.Itoa(r.PromisesKept), strconv.FormatBool(r.RepeatContact),
			strconv.FormatBool(r.Reopened), strconv.FormatInt(r.GoodwillCents, 10)}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
