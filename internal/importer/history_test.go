package importer_test

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/importer"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// importFile imports one fixture onto a desk of its own on db, running on
// the import's clock, as `calmdesk import` does.
func importFile(t *testing.T, db *store.DB, format, name string, opt importer.Options) importer.Stats {
	t.Helper()
	ctx := context.Background()
	src := openExport(t, format, filepath.Join("testdata", name), opt)
	clock := &importer.Clock{}
	d := desk.New(db, desk.Options{Analyzer: analyze.Default(), Now: clock.Now})
	admin, err := d.UserByEmail(ctx, "admin@shop.example")
	if err != nil {
		t.Fatal(err)
	}
	h := importer.NewHistory(d, clock, admin, discard())
	if err := h.Run(ctx, src); err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return h.Stats()
}

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }

func addUsers(t *testing.T, d *desk.Desk) {
	t.Helper()
	for _, u := range []desk.NewUser{
		{Email: "admin@shop.example", Name: "Admin", Role: desk.RoleAdmin},
		{Email: "sam@shop.example", Name: "Sam Okafor", Role: desk.RoleAgent},
	} {
		if _, _, err := d.AddUser(context.Background(), desk.SystemActor, u); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHistoryTwice imports each fixture format twice into one database: the
// second run adds nothing, and the cases carry their history's dates,
// replies, categories and outcomes.
func TestHistoryTwice(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := desk.New(db, desk.Options{Analyzer: analyze.Default()})
		addUsers(t, d)
		imports := []struct {
			format, file string
			opt          importer.Options
			cases        int // new cases on the first run
			failed       int
		}{
			{"csv", "history.csv", importer.Options{}, 3, 0},
			{"csv", "zendesk_tickets.csv", importer.Options{}, 3, 0},
			{"jsonl", "history.jsonl", importer.Options{}, 3, 2},
			{"mbox", "support.mbox", importer.Options{SupportAddresses: []string{"@shop.example"}}, 2, 0},
		}
		for _, imp := range imports {
			first := importFile(t, db, imp.format, imp.file, imp.opt)
			if first.Cases != imp.cases || first.Failed != imp.failed {
				t.Errorf("%s: first import %+v, want %d new cases, %d failed", imp.file, first, imp.cases, imp.failed)
			}
			again := importFile(t, db, imp.format, imp.file, imp.opt)
			if again.Cases != 0 || again.Messages != 0 || again.Replies != 0 || again.Failed != imp.failed {
				t.Errorf("%s: second import %+v, want nothing new", imp.file, again)
			}
		}

		count := func(query string) int {
			var n int
			if err := db.Read().QueryRowContext(ctx, query).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count(`SELECT count(*) FROM cases`); n != 11 {
			t.Errorf("%d cases, want 11", n)
		}
		if n := count(`SELECT count(*) FROM messages WHERE direction = 'outbound'`); n != 3 {
			t.Errorf("%d replies, want 3", n)
		}
		if n := count(`SELECT count(*) FROM commitments WHERE status <> 'cancelled'`); n != 0 {
			t.Errorf("%d imported promises still tracked", n)
		}
		if n := count(`SELECT count(*) FROM surveys WHERE status <> 'cancelled'`); n != 0 {
			t.Errorf("%d surveys planned for imported history", n)
		}
		if n := count(`SELECT count(*) FROM cases WHERE status NOT IN ('resolved', 'closed') AND resolution_due_at < '2026-01-01'`); n != 0 {
			t.Errorf("%d open imported cases already past their SLA", n)
		}
		if n := count(`SELECT count(*) FROM messages WHERE channel <> 'import'`); n != 0 {
			t.Errorf("%d imported messages on another channel than import", n)
		}

		var caseID int64
		if err := db.Read().QueryRowContext(ctx, `SELECT case_id FROM messages WHERE external_id = 'zd-1001-1'`).Scan(&caseID); err != nil {
			t.Fatal(err)
		}
		c, err := d.Case(ctx, caseID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != desk.StatusResolved || c.Category != "billing" || len(c.Messages) != 3 || c.Channel != "import" {
			t.Fatalf("case = %+v with %d messages", c.Case, len(c.Messages))
		}
		if want := time.Date(2024, 3, 5, 8, 40, 0, 0, time.UTC); c.ResolvedAt == nil || !c.ResolvedAt.Equal(want) {
			t.Errorf("resolved at %v, want the last record's time %v", c.ResolvedAt, want)
		}
		reply := c.Messages[1]
		if reply.Direction != desk.Outbound || reply.AuthorUserID == nil || !reply.CreatedAt.Equal(time.Date(2024, 3, 4, 10, 2, 0, 0, time.UTC)) {
			t.Errorf("reply = %+v", reply)
		}
		sam, err := d.UserByEmail(ctx, "sam@shop.example")
		if err != nil || *reply.AuthorUserID != sam.ID {
			t.Errorf("reply author %v, want Sam (%d) %v", *reply.AuthorUserID, sam.ID, err)
		}
	})
}

// TestHistoryLeavesLiveCasesAlone imports a mailbox whose first message the
// desk already received live by email: the export adds what the desk
// missed, and neither replies nor outcomes to the live case.
func TestHistoryLeavesLiveCasesAlone(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	ctx := context.Background()
	d := desk.New(db, desk.Options{Analyzer: analyze.Default()})
	addUsers(t, d)
	live, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", Channel: "email",
		ExternalID: "CAFdana.1@mail.example.com", Text: "This is the third time I write. You charged me twice for order 4471."})
	if err != nil {
		t.Fatal(err)
	}
	stats := importFile(t, db, "mbox", "support.mbox", importer.Options{SupportAddresses: []string{"@shop.example"}})
	if stats.Cases != 1 || stats.Replies != 0 {
		t.Fatalf("import: %+v", stats)
	}
	c, err := d.Case(ctx, live.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 2 || c.OutboundCount != 0 || c.Channel != "email" {
		t.Errorf("live case after the import: %+v, %d messages", c.Case, len(c.Messages))
	}
}

// TestInspect counts an export's records, cases, replies and broken
// records without a desk.
func TestInspect(t *testing.T) {
	src := openExport(t, "jsonl", filepath.Join("testdata", "history.jsonl"), importer.Options{})
	got, err := importer.Inspect(src, discard())
	want := importer.Contents{Records: 4, Cases: 3, Replies: 1, Resolved: 2, Skipped: 0, Failed: 2}
	if err != nil || got != want {
		t.Errorf("Inspect = %+v, %v; want %+v", got, err, want)
	}
}

func TestFormatOf(t *testing.T) {
	for path, want := range map[string]string{"a.jsonl": "jsonl", "b.NDJSON": "jsonl", "c.mbox": "mbox", "d.mbx": "mbox", "e.csv": "csv", "export": "csv"} {
		if got := importer.FormatOf(path); got != want {
			t.Errorf("FormatOf(%q) = %q, want %q", path, got, want)
		}
	}
}
