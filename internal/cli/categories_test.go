package cli_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestLearnCategoriesFromImportedHistory imports a desk's filed history
// and learns the category model from it on the command line.
func TestLearnCategoriesFromImportedHistory(t *testing.T) {
	_, dbURL := storetest.OpenURL(t, store.SQLite)
	if _, _, err := run(t, "--database-url", dbURL, "user", "add", "--email", "admin@shop.example", "--name", "Admin", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "--database-url", dbURL, "categories", "learn")
	if err != nil || !strings.Contains(out, "no model: 0 cases filed") {
		t.Fatalf("learn on an empty desk: %v\n%s", err, out)
	}

	path := filepath.Join(t.TempDir(), "history.csv")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write([]string{"ticket_id", "external_id", "direction", "customer_email", "text", "received_at", "category", "status"})
	texts := map[string]string{
		"billing":  "You charged my card twice for invoice %d, please refund one payment.",
		"delivery": "The parcel for order %d never arrived and the tracking is stuck.",
		"account":  "I cannot log in to account %d, the password reset link never comes.",
	}
	n := 0
	for _, cat := range []string{"billing", "delivery", "account"} {
		for i := range 8 {
			n++
			w.Write([]string{fmt.Sprintf("T-%d", n), fmt.Sprintf("x-%d", n), "inbound", fmt.Sprintf("c%d@example.com", n),
				fmt.Sprintf(texts[cat], 7000+n), fmt.Sprintf("2024-03-%02dT09:00:00Z", 1+i), cat, "solved"})
		}
	}
	w.Flush()
	f.Close()
	if out, _, err := run(t, "--database-url", dbURL, "import", path); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out, _, err = run(t, "--database-url", dbURL, "categories", "learn")
	if err != nil || !strings.Contains(out, "from 24 filed cases: account, billing, delivery") {
		t.Fatalf("learn: %v\n%s", err, out)
	}
	out, _, err = run(t, "--database-url", dbURL, "categories", "learn")
	if err != nil || !strings.Contains(out, "no case was filed under a category since the last model") {
		t.Errorf("learn again: %v\n%s", err, out)
	}
}
