package desk

import (
	"context"
	"errors"
	"fmt"
)

// BulkAction is one change made to many cases at once from the inbox.
type BulkAction struct {
	Action   string `json:"action"`   // assign, category, resolve
	UserID   int64  `json:"user_id"`  // assign: to whom (0: nobody)
	Category string `json:"category"` // category: the category
}

// BulkResult is what happened to one case of a bulk action.
type BulkResult struct {
	CaseID int64  `json:"case_id"`
	OK     bool   `json:"ok"`
	Error  string `json:"error,omitempty"` // in plain words, when not OK
}

// MaxBulkCases is the most cases one bulk action takes (an inbox page).
const MaxBulkCases = 100

// bulkPermission is what each bulk action needs, checked here for the
// person acting, not only at the route.
var bulkPermission = map[string]Permission{
	"assign":   PermCasesAssign,
	"category": PermCasesReply,
	"resolve":  PermCasesResolve,
}

// Bulk applies one action to each case in turn, each in its own
// transaction as the single-case operation does, and says per case what
// happened: one closed case does not stop the others, and what succeeded
// stays done. The whole is refused up front when the input is wrong or
// the person may not do the action at all.
func (d *Desk) Bulk(ctx context.Context, u User, ids []int64, a BulkAction) ([]BulkResult, error) {
	perm, known := bulkPermission[a.Action]
	v := validator{}
	v.check(known, "action", "must be assign, category or resolve")
	v.check(len(ids) > 0, "case_ids", "pick at least one case")
	v.check(len(ids) <= MaxBulkCases, "case_ids", fmt.Sprintf("at most %d cases at once", MaxBulkCases))
	if a.Action == "category" {
		v.check(a.Category != "", "category", "is required")
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	if err := require(u, perm); err != nil {
		return nil, err
	}
	if a.Action == "assign" && a.UserID != 0 {
		// One check for all, so a wrong person is one clear error rather
		// than the same refusal on every row.
		to, err := d.User(ctx, a.UserID)
		if err != nil || to.Disabled || !to.Can(PermCasesReply) {
			return nil, &ValidationError{Fields: map[string]string{"user_id": "no active user who may work cases has this id"}}
		}
	}
	actor := UserActor(u)
	seen := map[int64]bool{}
	out := make([]BulkResult, 0, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		var err error
		switch a.Action {
		case "assign":
			_, err = d.Assign(ctx, actor, id, a.UserID)
		case "category":
			_, err = d.SetCategory(ctx, actor, id, a.Category)
		case "resolve":
			_, err = d.Resolve(ctx, actor, id)
		}
		r := BulkResult{CaseID: id, OK: err == nil}
		if err != nil {
			msg, ok := bulkWords(err)
			if !ok {
				return out, err // the database failed: stop, and say what was done
			}
			r.Error = msg
		}
		out = append(out, r)
	}
	return out, nil
}

// bulkWords says why one case of a bulk action was refused; ok is false
// for errors that are not about the case (the database is down).
func bulkWords(err error) (string, bool) {
	var (
		verr *ValidationError
		cerr *ConflictError
		nerr *NotFoundError
	)
	switch {
	case errors.As(err, &nerr):
		return "there is no such case", true
	case errors.As(err, &cerr):
		return cerr.Message, true
	case errors.As(err, &verr):
		return verr.Error(), true
	}
	return "", false
}
