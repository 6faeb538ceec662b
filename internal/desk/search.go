package desk

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/store"
)

// searchMatchCap is how many matching cases a search collects from the
// text index before it calls its term common. Up to the cap the list reads
// just those cases; past it the list walks its usual order and keeps the
// rows whose text holds the term, which finds a page within about
// limit × cases / matches rows (13,000 at 1,000,000 cases and the cap)
// when matches spread evenly. A rare term no longer walks every case.
const searchMatchCap = 2000

// caseFromByID is caseFrom for a list of known case ids. SQLite would
// rather walk an index in the list's order (a person's cases, a status)
// and test each row against the ids, which reads every row of that index
// when the ids are few; NOT INDEXED leaves it the rowid lookups of the
// ids and a sort of at most searchMatchCap rows.
const caseFromByID = ` FROM cases c NOT INDEXED JOIN customers cu ON cu.id = c.customer_id`

// searchFilter returns the list's WHERE term for a search: a case number
// ("42" or "#42"), or a substring of the subject or of the customer's
// email or name, case-folded. arg binds a value and returns its
// placeholder. byID says the term names the cases by id (see
// caseFromByID).
func (d *Desk) searchFilter(ctx context.Context, term string, arg func(any) string) (cond string, byID bool, err error) {
	if id, err := strconv.ParseInt(strings.TrimPrefix(term, "#"), 10, 64); err == nil {
		return "c.id = " + arg(id), true, nil
	}
	term = strings.ToLower(term)
	like := func() string {
		p := arg("%" + likeEscaper.Replace(term) + "%")
		return fmt.Sprintf(`(LOWER(c.subject) LIKE %[1]s ESCAPE '\' OR LOWER(cu.email) LIKE %[1]s ESCAPE '\' OR LOWER(cu.name) LIKE %[1]s ESCAPE '\')`, p)
	}
	// Trigrams need three characters; a shorter term matches too much
	// to be worth an index anyway.
	if utf8.RuneCountInString(term) < 3 {
		return like(), false, nil
	}
	ids, err := d.searchMatches(ctx, term, d.searchCap+1)
	if err != nil {
		return "", false, err
	}
	if len(ids) > d.searchCap {
		return like(), false, nil
	}
	if len(ids) == 0 {
		return "1 = 0", false, nil
	}
	// The ids come from the database as integers: written inline they
	// cost one parse, where thousands of placeholders would cost more.
	var b strings.Builder
	b.WriteString("c.id IN (")
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(')')
	return b.String(), true, nil
}

// searchMatches returns up to limit ids of the cases whose subject, or
// whose customer's email or name, holds term (lower case, at least three
// characters), from the engine's trigram index: FTS5 on SQLite, pg_trgm on
// PostgreSQL (see migration 00023).
func (d *Desk) searchMatches(ctx context.Context, term string, limit int) ([]int64, error) {
	var ids []int64
	var err error
	if d.db.Engine == store.SQLite {
		// A quoted FTS5 string is its trigrams in a row: a substring, case
		// folded. (An AND of the trigrams, rechecked by LIKE, read each
		// candidate's row and measured 3–4× slower at 1,000,000 cases.)
		ids, err = d.queryIDs(ctx, `SELECT rowid FROM cases_fts WHERE cases_fts MATCH $1
			UNION ALL SELECT c.id FROM customers_fts f JOIN cases c ON c.customer_id = f.rowid WHERE customers_fts MATCH $1
			LIMIT $2`, `"`+strings.ReplaceAll(term, `"`, `""`)+`"`, limit)
	} else {
		ids, err = d.queryIDs(ctx, `SELECT id FROM cases WHERE LOWER(subject) LIKE $1 ESCAPE '\'
			UNION ALL SELECT c.id FROM customers cu JOIN cases c ON c.customer_id = cu.id
			 WHERE LOWER(cu.email) LIKE $1 ESCAPE '\' OR LOWER(cu.name) LIKE $1 ESCAPE '\'
			LIMIT $2`, "%"+likeEscaper.Replace(term)+"%", limit)
	}
	if err != nil {
		return nil, fmt.Errorf("desk: search cases: %w", err)
	}
	// UNION ALL, not UNION: a UNION gathers every match to drop the
	// duplicates before LIMIT can stop it (246 against 48 ms for a common
	// word at 100,000 cases on PostgreSQL). A case found twice is dropped
	// here; it counted twice against the limit, which only makes a term a
	// little sooner common.
	slices.Sort(ids)
	return slices.Compact(ids), nil
}
