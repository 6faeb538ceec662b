package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// hostileAnger is the anger at which a case counts towards an agent's
// exposure: angry or furious.
const hostileAnger = 65

type candidate struct {
	id           int64
	open         int
	lastAssigned time.Time
	exposed      bool // handled ExposureLimit hostile cases in a row, within the window
}

// chooseAssignee picks the agent a new case goes to by the policy (0: no
// one): least loaded (or the longest without a new case, for round robin)
// among agents whose skills cover the category. An agent who just absorbed
// several hostile customers in a row is passed over for the next hostile
// case and preferred for the next calm one, so no one takes all the anger.
// The case is opened with its assignee (openCase): assigning it with an
// update after the insert recomputed the case's insight rollup a second
// time, a fifth of an ingest.
func chooseAssignee(ctx context.Context, tx *sql.Tx, category string, anger int, p AssignmentPolicy, now time.Time) (int64, error) {
	if p.Mode == "off" {
		return 0, nil
	}
	rows, err := tx.QueryContext(ctx,
		`SELECT u.id, u.skills, u.open_cases, -- kept by triggers (migration 00024)
		        (SELECT max(c.assigned_at) FROM cases c WHERE c.assignee_id = u.id)
		   FROM users u WHERE u.role = 'agent' AND u.disabled_at IS NULL ORDER BY u.id`)
	if err != nil {
		return 0, err
	}
	var all []candidate
	for rows.Next() {
		var c candidate
		var skills string
		var last nullTime
		if err := rows.Scan(&c.id, &skills, &c.open, &last); err != nil {
			rows.Close()
			return 0, err
		}
		c.lastAssigned = last.Time
		if s := decodeStrings(skills); category == "" || len(s) == 0 || slices.Contains(s, category) {
			all = append(all, c)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(all) == 0 {
		return 0, err
	}
	if p.ExposureLimit > 0 {
		for i := range all {
			if all[i].exposed, err = exposed(ctx, tx, all[i].id, p, now); err != nil {
				return 0, err
			}
		}
	}
	hostile := anger >= hostileAnger
	best := -1
	for i, c := range all {
		if best < 0 || better(c, all[best], hostile, p.Mode) {
			best = i
		}
	}
	// When every qualified agent is exposed, the best of them still takes it.
	return all[best].id, nil
}

// better reports whether a should get the case before b.
func better(a, b candidate, hostile bool, mode string) bool {
	if a.exposed != b.exposed {
		// Hostile case: prefer the unexposed. Calm case: prefer the exposed, a breather.
		return a.exposed != hostile
	}
	if mode == "least_loaded" && a.open != b.open {
		return a.open < b.open
	}
	return a.lastAssigned.Before(b.lastAssigned)
}

// exposed reports whether the agent's last ExposureLimit cases, all assigned
// within the window, were all hostile.
func exposed(ctx context.Context, tx *sql.Tx, userID int64, p AssignmentPolicy, now time.Time) (bool, error) {
	rows, err := tx.QueryContext(ctx,
		`SELECT anger_peak FROM cases WHERE assignee_id = $1 AND assigned_at >= $2 ORDER BY assigned_at DESC LIMIT $3`,
		userID, now.Add(-p.ExposureWindow.Duration), p.ExposureLimit)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var anger int
		if err := rows.Scan(&anger); err != nil {
			return false, err
		}
		if anger < hostileAnger {
			return false, nil
		}
		n++
	}
	return n >= p.ExposureLimit, rows.Err()
}

// Assign gives a case to a user (0 unassigns it).
func (d *Desk) Assign(ctx context.Context, actor Actor, caseID, userID int64) (Case, error) {
	now := d.clock()
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := caseStatus(ctx, tx, caseID); err != nil {
			return err
		}
		if userID != 0 {
			var role Role
			var disabled sql.NullTime
			err := tx.QueryRowContext(ctx, `SELECT role, disabled_at FROM users WHERE id = $1`, userID).Scan(&role, &disabled)
			if errors.Is(err, sql.ErrNoRows) || disabled.Valid || (err == nil && !role.Can(PermCasesReply)) {
				return &ValidationError{Fields: map[string]string{"user_id": "no active user who may work cases has this id"}}
			}
			if err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET assignee_id = $2, assigned_at = $3, updated_at = $3 WHERE id = $1`,
			caseID, nullID(userID), now); err != nil {
			return err
		}
		return audit(ctx, tx, now, actor, caseID, "case.assigned", map[string]any{"user_id": userID})
	})
	if err != nil {
		return Case{}, wrapOp(err, "assign case %d", caseID)
	}
	return d.caseByID(ctx, caseID)
}

// Exposure is how much hostility an agent absorbed in a period.
type Exposure struct {
	UserID  int64  `json:"user_id"`
	Name    string `json:"name"`
	Cases   int    `json:"cases"`   // cases assigned in the period
	Hostile int    `json:"hostile"` // of which angry or furious at their peak
}

// AgentExposure lists, for each active agent, the cases assigned since a
// time and how many of them were hostile, the most exposed first: who has
// had the most angry customers today.
func (d *Desk) AgentExposure(ctx context.Context, since time.Time) ([]Exposure, error) {
	rows, err := d.db.Read().QueryContext(ctx,
		`SELECT u.id, u.name, count(c.id), COALESCE(sum(CASE WHEN c.anger_peak >= $2 THEN 1 ELSE 0 END), 0)
		   FROM users u LEFT JOIN cases c ON c.assignee_id = u.id AND c.assigned_at >= $1
		  WHERE u.role = 'agent' AND u.disabled_at IS NULL
		  GROUP BY u.id, u.name ORDER BY 4 DESC, 3 DESC, u.id`, since.UTC(), hostileAnger)
	if err != nil {
		return nil, fmt.Errorf("desk: agent exposure: %w", err)
	}
	defer rows.Close()
	out := []Exposure{}
	for rows.Next() {
		var e Exposure
		if err := rows.Scan(&e.UserID, &e.Name, &e.Cases, &e.Hostile); err != nil {
			return nil, fmt.Errorf("desk: agent exposure: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
