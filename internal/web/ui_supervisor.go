package web

import (
	"net/http"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// supervisorView is the supervisor's page: what waits for a decision.
type supervisorView struct {
	chrome
	Pending    []goodwillView
	AboveLimit int // pending gestures above the viewer's limit, waiting for someone higher
	Escalated  []caseRow
	MoreEsc    bool
	Stats      desk.PromiseStats
	Broken     []promiseRow
	DueSoon    []promiseRow
	KeptRate   int // percent
	HasKeptPct bool
	Breaching  []caseRow
	MoreBreach bool
	Exposure   []desk.Exposure // today, most hostile first
}

type promiseRow struct {
	desk.Promise
	Owner   string
	Overdue bool
}

// supervisor shows goodwill waiting for approval, the escalation queue and
// the promises that are broken or due (GET /supervisor).
func (s *Server) supervisor(w http.ResponseWriter, r *http.Request, u desk.User) error {
	ctx := r.Context()
	names, err := s.directory(ctx)
	if err != nil {
		return err
	}
	v := supervisorView{chrome: s.chromeFor(r, u, "supervisor")}
	// Only what this approver may approve; what is above their limit
	// waits for someone higher, and is counted so they know.
	approvals, err := s.desk.GoodwillToApprove(ctx, u)
	if err != nil {
		return err
	}
	for _, g := range approvals.Mine {
		v.Pending = append(v.Pending, goodwillView{Goodwill: g, RequestedBy: names.name(g.RequestedBy)})
	}
	v.AboveLimit = approvals.Above
	esc, err := s.desk.Cases(ctx, desk.CaseQuery{Status: desk.StatusEscalated, Limit: 25})
	if err != nil {
		return err
	}
	now := s.desk.Now()
	for _, c := range esc.Cases {
		v.Escalated = append(v.Escalated, newCaseRow(c, names, now))
	}
	v.MoreEsc = esc.NextCursor != ""
	if v.Stats, err = s.desk.PromiseStats(ctx); err != nil {
		return err
	}
	v.KeptRate, v.HasKeptPct = int(v.Stats.KeptRate*100+0.5), v.Stats.Kept+v.Stats.Broken > 0
	for status, into := range map[string]*[]promiseRow{"broken": &v.Broken, "open": &v.DueSoon} {
		list, err := s.desk.Promises(ctx, desk.PromiseQuery{Status: status, Limit: 25})
		if err != nil {
			return err
		}
		for _, c := range list {
			pr := promiseRow{Promise: c, Overdue: c.DueAt != nil && c.DueAt.Before(now)}
			if c.OwnerUserID != nil {
				pr.Owner = names.name(*c.OwnerUserID)
			}
			*into = append(*into, pr)
		}
	}
	breach, err := s.desk.Cases(ctx, desk.CaseQuery{Breaching: true, Limit: 25})
	if err != nil {
		return err
	}
	for _, c := range breach.Cases {
		v.Breaching = append(v.Breaching, newCaseRow(c, names, now))
	}
	v.MoreBreach = breach.NextCursor != ""
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	if v.Exposure, err = s.desk.AgentExposure(ctx, midnight); err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "supervisor.html", v)
	return nil
}
