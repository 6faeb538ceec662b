package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/analyze"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestResetPassword prints a new password that signs in, and refuses an
// unknown email.
func TestResetPassword(t *testing.T) {
	_, dbURL := storetest.OpenURL(t, store.SQLite)
	if _, _, err := run(t, "--database-url", dbURL, "user", "add", "--email", "sam@shop.example", "--name", "Sam", "--role", "agent"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, "--database-url", dbURL, "user", "reset-password", "--email", "sam@shop.example")
	password := strings.TrimSpace(out)
	if err != nil || len(password) < 10 || strings.ContainsAny(password, " \n") {
		t.Fatalf("reset-password printed %q, %v", out, err)
	}
	db, err := store.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	d := desk.New(db, desk.Options{Analyzer: analyze.Default()})
	if _, err := d.Authenticate(context.Background(), "sam@shop.example", password); err != nil {
		t.Errorf("the printed password does not sign in: %v", err)
	}
	if _, _, err := run(t, "--database-url", dbURL, "user", "reset-password", "--email", "nobody@shop.example"); err == nil {
		t.Error("reset-password for an unknown email succeeded")
	}
}

func TestServeRefusesABadTrustedProxy(t *testing.T) {
	_, dbURL := storetest.OpenURL(t, store.SQLite)
	_, _, err := run(t, "--database-url", dbURL, "serve", "--addr", "127.0.0.1:0", "--trusted-proxy", "10.0.0.0/8,proxy.example")
	if err == nil || !strings.Contains(err.Error(), `--trusted-proxy "proxy.example"`) {
		t.Errorf("serve with a bad --trusted-proxy: %v", err)
	}
}
