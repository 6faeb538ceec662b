package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Goodwill is a gesture offered to a customer: a credit, refund, discount,
// waived fee or free shipping. Gestures within the offering user's role limit
// are approved at once; larger ones wait for a supervisor.
type Goodwill struct {
	ID           int64      `json:"id"`
	CaseID       int64      `json:"case_id"`
	Kind         string     `json:"kind"`
	AmountCents  int64      `json:"amount_cents"`
	Currency     string     `json:"currency"`
	Reason       string     `json:"reason,omitempty"`
	Status       string     `json:"status"` // pending, approved, declined
	RequestedBy  int64      `json:"requested_by"`
	DecidedBy    *int64     `json:"decided_by,omitempty"`
	DecidedAt    *time.Time `json:"decided_at,omitempty"`
	DecisionNote string     `json:"decision_note,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	// WaitsFor is the role a pending gesture waits for (supervisor or
	// admin; "" when above every approver's limit), where it is known: on
	// the answer to an offer and in GoodwillToApprove.
	WaitsFor Role `json:"waits_for,omitempty"`
}

// GoodwillInput is an offer of a gesture on a case.
type GoodwillInput struct {
	CaseID      int64
	Kind        string
	AmountCents int64
	Reason      string
}

// OfferGoodwill records a gesture. It is approved at once only when it
// keeps within both limits: the offering user's role limit for the case's
// total (its pending and approved gestures with this one), and the
// policy's limit per customer over a period. Otherwise it is pending, the
// supervisors are asked, and the case escalates when the policy says so.
// The totals are checked in the write transaction with the customer's row
// locked, so offers made at the same moment cannot each fit the limit alone.
func (d *Desk) OfferGoodwill(ctx context.Context, u User, in GoodwillInput) (Goodwill, error) {
	policy, err := d.Policy(ctx)
	if err != nil {
		return Goodwill{}, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	v := validator{}
	v.check(slices.Contains(policy.Goodwill.Kinds, in.Kind), "kind", "must be one of "+strings.Join(policy.Goodwill.Kinds, ", "))
	v.check(in.AmountCents > 0 && in.AmountCents <= 100_000_000, "amount_cents", "must be a positive amount in cents")
	v.check(utf8.ValidString(in.Reason) && len(in.Reason) <= 1000, "reason", "must be valid UTF-8 of at most 1000 bytes")
	if err := v.err(); err != nil {
		return Goodwill{}, err
	}
	now := d.clock()
	var g Goodwill
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		g = Goodwill{CaseID: in.CaseID, Kind: in.Kind, AmountCents: in.AmountCents, Currency: policy.Goodwill.Currency,
			Reason: in.Reason, Status: "approved", RequestedBy: u.ID, CreatedAt: now}
		status, err := caseStatus(ctx, tx, in.CaseID)
		if err != nil {
			return err
		}
		if status == StatusClosed {
			return conflictf("case %d is closed", in.CaseID)
		}
		totals, err := d.goodwillTotals(ctx, tx, in.CaseID, now.AddDate(0, 0, -policy.Goodwill.CustomerPeriodDays))
		if err != nil {
			return err
		}
		over := ""
		roleLimit, customerLimit := policy.Goodwill.Limits[string(u.Role)], policy.Goodwill.CustomerLimit
		switch {
		case totals.onCase+g.AmountCents > roleLimit:
			over = fmt.Sprintf("would bring the gestures on this case to %s, above %s's limit of %s",
				money(totals.onCase+g.AmountCents, g.Currency), u.Name, money(roleLimit, g.Currency))
		case customerLimit > 0 && totals.toCustomer+g.AmountCents > customerLimit:
			over = fmt.Sprintf("would bring this customer's gestures in %d days to %s, above the limit of %s",
				policy.Goodwill.CustomerPeriodDays, money(totals.toCustomer+g.AmountCents, g.Currency), money(customerLimit, g.Currency))
		}
		if over != "" {
			g.Status = "pending"
		} else {
			g.DecidedBy, g.DecidedAt = &u.ID, &now
		}
		if err := tx.QueryRowContext(ctx,
			`INSERT INTO goodwill (case_id, kind, amount_cents, currency, reason, status, requested_by, decided_by, decided_at, created_at)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			g.CaseID, g.Kind, g.AmountCents, g.Currency, g.Reason, g.Status, u.ID, nullIDPtr(g.DecidedBy), nullTimePtr(g.DecidedAt), now).Scan(&g.ID); err != nil {
			return err
		}
		if err := audit(ctx, tx, now, UserActor(u), in.CaseID, "goodwill.offered", map[string]any{
			"goodwill_id": g.ID, "kind": g.Kind, "amount_cents": g.AmountCents, "status": g.Status}); err != nil {
			return err
		}
		if over == "" {
			return nil
		}
		gesture := fmt.Sprintf("a %s of %s", strings.ReplaceAll(g.Kind, "_", " "), money(g.AmountCents, g.Currency))
		// Asked of the role that may approve it: an offer above a
		// supervisor's limit goes to the admins.
		g.WaitsFor = approverFor(policy, totals.approvedOnCase, g.AmountCents)
		if err := notify(ctx, tx, now, approvalNotice(policy, g, in.CaseID, u.Name, gesture, over, totals.approvedOnCase)); err != nil {
			return err
		}
		if policy.Escalation.GoodwillAboveLimit && status != StatusEscalated {
			return escalateTx(ctx, tx, in.CaseID, UserActor(u), "goodwill_above_limit", gesture+" "+over, now)
		}
		return nil
	})
	if err != nil {
		return Goodwill{}, wrapOp(err, "offer goodwill on case %d", in.CaseID)
	}
	return g, nil
}

// goodwillTotal is what was offered (pending or approved) on a case, and
// to its customer since a time, in minor units.
type goodwillTotal struct {
	onCase, approvedOnCase, toCustomer int64
}

// goodwillTotals locks the case's customer for the rest of the transaction
// (store.ForUpdate) and sums the gestures that count against the limits.
func (d *Desk) goodwillTotals(ctx context.Context, tx *sql.Tx, caseID int64, since time.Time) (goodwillTotal, error) {
	var t goodwillTotal
	var customerID int64
	err := tx.QueryRowContext(ctx,
		`SELECT id FROM customers WHERE id = (SELECT customer_id FROM cases WHERE id = $1)`+d.db.ForUpdate(), caseID).Scan(&customerID)
	if errors.Is(err, sql.ErrNoRows) {
		return t, ErrNotFound
	}
	if err != nil {
		return t, err
	}
	err = tx.QueryRowContext(ctx,
		`SELECT COALESCE(SUM(amount_cents), 0), COALESCE(SUM(CASE WHEN status = 'approved' THEN amount_cents ELSE 0 END), 0)
		   FROM goodwill WHERE case_id = $1 AND status IN ('pending', 'approved')`, caseID).Scan(&t.onCase, &t.approvedOnCase)
	if err != nil {
		return t, err
	}
	err = tx.QueryRowContext(ctx,
		`SELECT COALESCE(SUM(g.amount_cents), 0) FROM goodwill g JOIN cases c ON c.id = g.case_id
		  WHERE c.customer_id = $1 AND g.status IN ('pending', 'approved') AND g.created_at >= $2`, customerID, since).Scan(&t.toCustomer)
	return t, err
}

// DecideGoodwill approves or declines a pending gesture. The decider needs
// the goodwill:approve permission, and to approve, a limit that covers the
// case's approved gestures with this one. Approving may take a customer
// past the per-customer limit: that is what the approval is for.
func (d *Desk) DecideGoodwill(ctx context.Context, u User, id int64, approve bool, note string) (Goodwill, error) {
	if !u.Can(PermGoodwillApprove) {
		return Goodwill{}, conflictf("%s may not approve goodwill", u.Role)
	}
	policy, err := d.Policy(ctx)
	if err != nil {
		return Goodwill{}, err
	}
	now := d.clock()
	status := "declined"
	if approve {
		status = "approved"
	}
	var g Goodwill
	err = d.db.Tx(ctx, func(tx *sql.Tx) error {
		first, err := goodwillByID(ctx, tx, id)
		if err != nil {
			return err
		}
		totals, err := d.goodwillTotals(ctx, tx, first.CaseID, now)
		if err != nil {
			return err
		}
		if g, err = goodwillByID(ctx, tx, id); err != nil { // as it is now that the customer is locked
			return err
		}
		if g.Status != "pending" {
			return conflictf("goodwill %d is already %s", id, g.Status)
		}
		limit := policy.Goodwill.Limits[string(u.Role)]
		if approve && totals.approvedOnCase+g.AmountCents > limit {
			return conflictf("approving %s would bring the approved gestures on case %d to %s, above your limit of %s",
				money(g.AmountCents, g.Currency), g.CaseID, money(totals.approvedOnCase+g.AmountCents, g.Currency), money(limit, g.Currency))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE goodwill SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 WHERE id = $1 AND status = 'pending'`,
			id, status, u.ID, now, textkit.Clip(note, 1000)); err != nil {
			return err
		}
		g.Status, g.DecidedBy, g.DecidedAt, g.DecisionNote = status, &u.ID, &now, textkit.Clip(note, 1000)
		if err := notify(ctx, tx, now, notification{UserID: g.RequestedBy, CaseID: g.CaseID, Kind: "goodwill_" + status,
			Message: fmt.Sprintf("Case #%d: your %s of %s was %s by %s", g.CaseID, strings.ReplaceAll(g.Kind, "_", " "), money(g.AmountCents, g.Currency), status, u.Name)}); err != nil {
			return err
		}
		return audit(ctx, tx, now, UserActor(u), g.CaseID, "goodwill."+status, map[string]any{"goodwill_id": id})
	})
	if err != nil {
		return Goodwill{}, wrapOp(err, "decide goodwill %d", id)
	}
	return g, nil
}

func goodwillByID(ctx context.Context, tx *sql.Tx, id int64) (Goodwill, error) {
	list, err := listGoodwill(ctx, tx, GoodwillQuery{ID: id})
	if err != nil {
		return Goodwill{}, err
	}
	if len(list) == 0 {
		return Goodwill{}, notFound("goodwill offer")
	}
	return list[0], nil
}

// GoodwillQuery filters gestures.
type GoodwillQuery struct {
	ID     int64
	CaseID int64
	Status string
}

// GoodwillOffers lists gestures, newest first.
func (d *Desk) GoodwillOffers(ctx context.Context, q GoodwillQuery) ([]Goodwill, error) {
	if q.Status != "" && !slices.Contains([]string{"pending", "approved", "declined"}, q.Status) {
		return nil, &ValidationError{Fields: map[string]string{"status": "must be pending, approved or declined"}}
	}
	return listGoodwill(ctx, d.db.Read(), q)
}

func listGoodwill(ctx context.Context, db querier, q GoodwillQuery) ([]Goodwill, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, cond+" $"+strconv.Itoa(len(args)))
	}
	if q.ID != 0 {
		add("id =", q.ID)
	}
	if q.CaseID != 0 {
		add("case_id =", q.CaseID)
	}
	if q.Status != "" {
		add("status =", q.Status)
	}
	query := `SELECT id, case_id, kind, amount_cents, currency, reason, status, requested_by, decided_by, decided_at, decision_note, created_at FROM goodwill`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := db.QueryContext(ctx, query+" ORDER BY id DESC LIMIT 500", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Goodwill{}
	for rows.Next() {
		var g Goodwill
		var decidedBy sql.NullInt64
		var decidedAt sql.NullTime
		if err := rows.Scan(&g.ID, &g.CaseID, &g.Kind, &g.AmountCents, &g.Currency, &g.Reason, &g.Status, &g.RequestedBy,
			&decidedBy, &decidedAt, &g.DecisionNote, &g.CreatedAt); err != nil {
			return nil, err
		}
		if decidedBy.Valid {
			g.DecidedBy = &decidedBy.Int64
		}
		g.DecidedAt = timePtr(decidedAt)
		out = append(out, g)
	}
	return out, rows.Err()
}

// GoodwillBudget is what was given in a period, by kind.
type GoodwillBudget struct {
	From           time.Time        `json:"from"`
	To             time.Time        `json:"to"`
	Currency       string           `json:"currency"`
	ApprovedByKind map[string]int64 `json:"approved_by_kind"`
	ApprovedTotal  int64            `json:"approved_total"`
	PendingTotal   int64            `json:"pending_total"`
	Gestures       int              `json:"gestures"`
}

// GoodwillSpent reports the goodwill budget spent between from and to.
func (d *Desk) GoodwillSpent(ctx context.Context, from, to time.Time) (GoodwillBudget, error) {
	if !to.After(from) {
		return GoodwillBudget{}, &ValidationError{Fields: map[string]string{"to": "must be after from"}}
	}
	policy, err := d.Policy(ctx)
	if err != nil {
		return GoodwillBudget{}, err
	}
	b := GoodwillBudget{From: from.UTC(), To: to.UTC(), Currency: policy.Goodwill.Currency, ApprovedByKind: map[string]int64{}}
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT kind, status, sum(amount_cents), count(*) FROM goodwill WHERE created_at >= $1 AND created_at < $2 AND status <> 'declined' GROUP BY kind, status`,
		from.UTC(), to.UTC())
	if err != nil {
		return b, fmt.Errorf("desk: goodwill budget: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, status string
		var sum int64
		var n int
		if err := rows.Scan(&kind, &status, &sum, &n); err != nil {
			return b, fmt.Errorf("desk: goodwill budget: %w", err)
		}
		b.Gestures += n
		if status == "approved" {
			b.ApprovedByKind[kind] += sum
			b.ApprovedTotal += sum
		} else {
			b.PendingTotal += sum
		}
	}
	return b, rows.Err()
}

func money(cents int64, currency string) string {
	return fmt.Sprintf("%d.%02d %s", cents/100, cents%100, currency)
}

func nullIDPtr(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

func nullTimePtr(p *time.Time) sql.NullTime {
	if p == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: *p, Valid: true}
}
