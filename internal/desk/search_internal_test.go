package desk

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestSearchIndexInStep holds the text index (migration 00023) to the
// rows it indexes as they change, and the two ways a search reads: the
// index's matches, or past searchCap the walk for a common term.
func TestSearchIndexInStep(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
		d := New(db, Options{Analyzer: analyze.Default(), Now: func() time.Time { return now }})
		ingest := func(email, name, subject string) int64 {
			res, err := d.Ingest(ctx, InboundMessage{CustomerEmail: email, CustomerName: name, Subject: subject, Text: "Where is my order?"})
			if err != nil {
				t.Fatal(err)
			}
			return res.CaseID
		}
		kettle := ingest("kim@example.com", "", "Kettle leaks")
		ingest("kim@example.com", "Kim Lee", "Kettle lid") // the stored name was empty: now it is set
		other := ingest("ana@example.org", "Ana Ruiz", "Toaster")
		exec := func(q string, args ...any) {
			err := db.Tx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, q, args...); return err })
			if err != nil {
				t.Fatal(err)
			}
		}
		exec(`UPDATE cases SET subject = 'Blender hums' WHERE id = $1`, kettle)
		exec(`UPDATE customers SET email = 'ana.ruiz@example.net' WHERE email = 'ana@example.org'`)
		for _, tc := range []struct {
			search string
			cap    int
			want   int
		}{
			{"kim lee", searchMatchCap, 2},
			{"kettle", searchMatchCap, 1},
			{"blender", searchMatchCap, 1},
			{"leaks", searchMatchCap, 0},
			{"example.org", searchMatchCap, 0},
			{"ruiz@example.net", searchMatchCap, 1},
			{"example", searchMatchCap, 3},
			{"example", 2, 3}, // common: the walk
			{"kim", 1, 2},
			{"nobody", 0, 0},
		} {
			d.searchCap = tc.cap
			page, err := d.Cases(ctx, CaseQuery{Search: tc.search})
			if err != nil || len(page.Cases) != tc.want {
				t.Errorf("search %q (cap %d): %d cases (%v), want %d", tc.search, tc.cap, len(page.Cases), err, tc.want)
			}
		}
		d.searchCap = searchMatchCap
		if page, err := d.Cases(ctx, CaseQuery{Search: "ana.ruiz"}); err != nil || len(page.Cases) != 1 || page.Cases[0].ID != other {
			t.Errorf("search by the new email: %+v (%v), want case %d", page.Cases, err, other)
		}
		if db.Engine == store.SQLite {
			// FTS5 compares its index with the content tables.
			exec(`INSERT INTO cases_fts (cases_fts, rank) VALUES ('integrity-check', 1)`)
			exec(`INSERT INTO customers_fts (customers_fts, rank) VALUES ('integrity-check', 1)`)
		}
	})
}
