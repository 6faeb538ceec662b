package cli_test

import (
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestCorrectionsOnTheCommandLine: with nothing corrected, the status
// says so and learning says why it learned nothing.
func TestCorrectionsOnTheCommandLine(t *testing.T) {
	_, dbURL := storetest.OpenURL(t, store.SQLite)
	out, _, err := run(t, "--database-url", dbURL, "corrections", "status")
	if err != nil || !strings.Contains(out, "nothing learned yet") {
		t.Fatalf("status: %v\n%s", err, out)
	}
	out, _, err = run(t, "--database-url", dbURL, "corrections", "learn")
	if err != nil || !strings.Contains(out, "nothing learned: 0 corrections of readings") {
		t.Fatalf("learn: %v\n%s", err, out)
	}
	out, _, err = run(t, "--database-url", dbURL, "corrections", "status", "--json")
	if err != nil || !strings.Contains(out, `"min_people": 2`) {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
}
