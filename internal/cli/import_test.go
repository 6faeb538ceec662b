package cli_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestImportTwice runs `calmdesk import` twice on each fixture format: the
// summary says what the first run brought in and that the second added
// nothing, and a file with broken records fails. What an import does to
// the desk is tested in internal/importer.
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
	if _, _, err := run(t, "--database-url", dbURL, "import", "--as", "nobody@shop.example", fixture("history.csv")); err == nil || !strings.Contains(err.Error(), "--as nobody@shop.example") {
		t.Errorf("import as an unknown user: %v", err)
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
