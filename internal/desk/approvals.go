package desk

import (
	"context"
	"fmt"
	"sort"
)

// Approvals are routed: a gesture waiting for approval goes to the lowest
// role that may approve goodwill and whose limit covers the case's approved
// gestures with this one (supervisors, else admins), and each approver is
// shown only what they may approve.

// approverRoles are the roles that may approve goodwill, lowest first.
var approverRoles = []Role{RoleSupervisor, RoleAdmin}

// approverFor is the role a pending gesture waits for: the first approver
// role whose limit covers the case's approved total with the gesture, or
// "" when no role's does (only a raised limit or a decline ends it).
func approverFor(p Policy, approvedOnCase, amount int64) Role {
	for _, r := range approverRoles {
		if approvedOnCase+amount <= p.Goodwill.Limits[string(r)] {
			return r
		}
	}
	return ""
}

// mayApprove reports whether u's limit covers approving amount on a case
// whose approved gestures already total approvedOnCase.
func mayApprove(u User, p Policy, approvedOnCase, amount int64) bool {
	return u.Can(PermGoodwillApprove) && approvedOnCase+amount <= p.Goodwill.Limits[string(u.Role)]
}

// Approvals is what waits for one approver.
type Approvals struct {
	// Mine are the pending gestures u may approve, oldest first.
	Mine []Goodwill `json:"goodwill"`
	// Above counts pending gestures above u's limit: they wait for someone
	// higher (an admin), or a raised limit.
	Above int `json:"above_your_limit"`
}

// GoodwillToApprove lists the pending gestures u may approve and counts the
// ones above u's limit. Someone without goodwill:approve is refused.
func (d *Desk) GoodwillToApprove(ctx context.Context, u User) (Approvals, error) {
	if err := require(u, PermGoodwillApprove); err != nil {
		return Approvals{}, err
	}
	p, err := d.Policy(ctx)
	if err != nil {
		return Approvals{}, err
	}
	pending, err := d.GoodwillOffers(ctx, GoodwillQuery{Status: "pending"})
	if err != nil {
		return Approvals{}, err
	}
	approved, err := d.approvedOnPendingCases(ctx)
	if err != nil {
		return Approvals{}, err
	}
	out := Approvals{Mine: []Goodwill{}}
	for _, g := range pending {
		g.WaitsFor = approverFor(p, approved[g.CaseID], g.AmountCents)
		if mayApprove(u, p, approved[g.CaseID], g.AmountCents) {
			out.Mine = append(out.Mine, g)
		} else {
			out.Above++
		}
	}
	sort.SliceStable(out.Mine, func(i, j int) bool { return out.Mine[i].ID < out.Mine[j].ID })
	return out, nil
}

// approvedOnPendingCases sums the approved gestures of every case with a
// gesture waiting.
func (d *Desk) approvedOnPendingCases(ctx context.Context) (map[int64]int64, error) {
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT case_id, SUM(amount_cents) FROM goodwill
		  WHERE status = 'approved' AND case_id IN (SELECT case_id FROM goodwill WHERE status = 'pending')
		  GROUP BY case_id`)
	if err != nil {
		return nil, fmt.Errorf("desk: approved goodwill: %w", err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var id, sum int64
		if err := rows.Scan(&id, &sum); err != nil {
			return nil, fmt.Errorf("desk: approved goodwill: %w", err)
		}
		out[id] = sum
	}
	return out, rows.Err()
}

// approvalNotice is the notification asking for a decision on a pending
// gesture, addressed to the role it waits for.
func approvalNotice(p Policy, g Goodwill, caseID int64, by, gesture, over string, approvedOnCase int64) notification {
	n := notification{Role: RoleSupervisor, CaseID: caseID, Kind: "goodwill_approval"}
	switch approverFor(p, approvedOnCase, g.AmountCents) {
	case RoleSupervisor:
		n.Message = fmt.Sprintf("Case #%d: %s asks to approve %s (it %s)", caseID, by, gesture, over)
	case RoleAdmin:
		n.Role = RoleAdmin
		n.Message = fmt.Sprintf("Case #%d: %s asks to approve %s (it %s); it is above a supervisor's limit of %s, so it needs an admin",
			caseID, by, gesture, over, money(p.Goodwill.Limits[string(RoleSupervisor)], g.Currency))
	default:
		n.Role = RoleAdmin
		n.Message = fmt.Sprintf("Case #%d: %s asks to approve %s (it %s); it is above every approver's limit: raise the admin limit in the policy, or decline it",
			caseID, by, gesture, over)
	}
	return n
}
