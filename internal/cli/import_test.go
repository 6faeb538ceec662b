package cli_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestImportTwice imports each fixture format twice into one database: the
// second run adds nothing, and the cases carry their history's dates,
// replies, categories and outcomes.
func TestImportTwice(t *testing.T) {
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			_, dbURL := storetest.OpenURL(t, engine)
			importTwice(t, dbURL)
		})
	}
}

func importTwice(t *testing.T, dbURL string) {
	if _, _, err := run(t, "--database-url", dbURL, "user", "add", "--email", "admin@shop.example", "--name", "Admin", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := run(t, "--database-url", dbURL, "user", "add", "--email", "sam@shop.example", "--name", "Sam Okafor", "--role", "agent"); err != nil {
		t.Fatal(err)
	}
	fixture := func(name string) string { return filepath.Join("..", "importer", "testdata", name) }
	imports := []struct {
		args     []string
		cases    int // new cases on the first run
		failures bool
	}{
		{[]string{fixture("history.csv")}, 3, false},
		{[]string{"--format", "csv", fixture("zendesk_tickets.csv")}, 3, false},
		{[]string{fixture("history.jsonl")}, 3, true},
		{[]string{"--support-address", "@shop.example", fixture("support.mbox")}, 2, false},
	}
	for _, imp := range imports {
		for round := 1; round <= 2; round++ {
			out, _, err := run(t, append([]string{"--database-url", dbURL, "import"}, imp.args...)...)
			if (err != nil) != imp.failures {
				t.Fatalf("import %v (round %d): %v\n%s", imp.args, round, err, out)
			}
			want := imp.cases
			if round == 2 {
				want = 0
			}
			if !strings.Contains(out, ": "+strconv.Itoa(want)+" new cases") || (round == 2 && !strings.Contains(out, " 0 customer messages") || round == 2 && !strings.Contains(out, " 0 replies")) {
				t.Errorf("import %v round %d: %s", imp.args, round, out)
			}
		}
	}

	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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

	d := desk.New(db, desk.Options{Analyzer: analyze.Default()})
	var caseID int64
	if err := db.Read().QueryRowContext(ctx, `SELECT case_id FROM messages WHERE external_id = 'zd-1001-1'`).Scan(&caseID); err != nil {
		t.Fatal(err)
	}
	c, err := d.GetCase(ctx, caseID)
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
}

func TestImportCheck(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "calmdesk.db")
	out, _, err := run(t, "--database-url", "sqlite:"+dbPath, "import", "--check", filepath.Join("..", "importer", "testdata", "history.jsonl"))
	if err == nil || !strings.Contains(out, "4 records in 3 cases (1 agents' replies, 2 records marked resolved), 0 skipped, 2 cannot be imported") {
		t.Errorf("check: %v\n%s", err, out)
	}
	if _, err := os.Stat(dbPath); !os.IsNotExist(err) {
		t.Errorf("--check created the database: %v", err)
	}
}

// TestImportLeavesLiveCasesAlone imports a mailbox whose first message the
// desk already received live by email: the export adds what the desk
// missed, and neither replies nor outcomes to the live case.
func TestImportLeavesLiveCasesAlone(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "calmdesk.db")
	if _, _, err := run(t, "--database-url", dbURL, "user", "add", "--email", "admin@shop.example", "--name", "Admin", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := desk.New(db, desk.Options{Analyzer: analyze.Default()})
	live, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", Channel: "email",
		ExternalID: "CAFdana.1@mail.example.com", Text: "This is the third time I write. You charged me twice for order 4471."})
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "--database-url", dbURL, "import", "--support-address", "@shop.example", filepath.Join("..", "importer", "testdata", "support.mbox"))
	if err != nil || !strings.Contains(out, "1 new cases") || !strings.Contains(out, "0 replies") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	c, err := d.GetCase(ctx, live.CaseID)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Messages) != 2 || c.OutboundCount != 0 || c.Channel != "email" {
		t.Errorf("live case after the import: %+v, %d messages", c.Case, len(c.Messages))
	}
}
