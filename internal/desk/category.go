package desk

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// MaxCategoryBytes caps a category name.
const MaxCategoryBytes = 100

// SetCategory files a case under a category, overriding the one the
// analyser guessed: an agent knows better, and imported history carries the
// category its desk gave it. Setting the category a case already has is a
// no-op and records nothing.
func (d *Desk) SetCategory(ctx context.Context, actor Actor, caseID int64, category string) (Case, error) {
	category = strings.TrimSpace(category)
	v := validator{}
	v.check(category != "", "category", "is required")
	v.check(utf8.ValidString(category) && len(category) <= MaxCategoryBytes, "category", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxCategoryBytes))
	if err := v.err(); err != nil {
		return Case{}, err
	}
	now := d.clock()
	err := d.db.Tx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT category FROM cases WHERE id = $1`, caseID).Scan(&old)
		if err == sql.ErrNoRows {
			return notFound("case")
		}
		if err != nil || old == category {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET category = $2, updated_at = $3 WHERE id = $1`, caseID, category, now); err != nil {
			return err
		}
		return audit(ctx, tx, now, actor, caseID, "case.categorized", map[string]any{"from": old, "to": category})
	})
	if err != nil {
		return Case{}, wrapOp(err, "set category of case %d", caseID)
	}
	return d.caseByID(ctx, caseID)
}

// Categories returns the categories in use on cases and in the newest
// learned model, sorted: what an agent can file a case under without
// inventing a new one.
func (d *Desk) Categories(ctx context.Context) ([]string, error) {
	seen := map[string]bool{}
	rows, err := d.db.Read().QueryContext(ctx, `SELECT DISTINCT category FROM cases WHERE category <> ''`)
	if err != nil {
		return nil, fmt.Errorf("desk: categories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("desk: categories: %w", err)
		}
		seen[c] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("desk: categories: %w", err)
	}
	if m, err := d.CategoryModel(ctx); err != nil {
		return nil, err
	} else if m != nil {
		for _, c := range m.Categories {
			seen[c] = true
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}
