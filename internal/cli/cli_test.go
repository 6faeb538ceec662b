package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/cli"
)

func run(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), append([]string{"calmdesk"}, args...), strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestNewcomerPath runs what the README tells a newcomer: serve --demo on the
// embedded default, a user and a token from the command line, the API.
func TestNewcomerPath(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "calmdesk.db")
	if out, _, err := run(t, "--database-url", db, "migrate"); err != nil || !strings.Contains(out, "up to date") {
		t.Fatalf("migrate: %q %v", out, err)
	}
	out, _, err := run(t, "--database-url", db, "user", "add", "--email", "sam@acme.test", "--name", "Sam", "--role", "agent")
	if err != nil || !strings.Contains(out, "password: ") {
		t.Fatalf("user add: %q %v", out, err)
	}
	if _, _, err := run(t, "--database-url", db, "user", "add", "--email", "x@acme.test", "--name", "X", "--role", "king"); err == nil {
		t.Error("user add with an unknown role succeeded")
	}
	token, _, err := run(t, "--database-url", db, "token", "create", "--user", "sam@acme.test")
	token = strings.TrimSpace(token)
	if err != nil || !strings.HasPrefix(token, "cd_") || strings.ContainsAny(token, " \n") {
		t.Fatalf("token create printed %q (%v), want the token alone", token, err)
	}
	list, _, err := run(t, "--database-url", db, "user", "list")
	if err != nil || !strings.Contains(list, "sam@acme.test") {
		t.Fatalf("user list: %q %v", list, err)
	}

	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	var errOut bytes.Buffer
	go func() {
		done <- cli.Run(ctx, []string{"calmdesk", "--database-url", db, "--log-level", "warn", "serve", "--addr", addr, "--demo"}, strings.NewReader(""), &bytes.Buffer{}, &errOut)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not become ready: %v\n%s", err, errOut.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	req, _ := http.NewRequest("GET", "http://"+addr+"/api/v1/cases", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Cases []struct {
			Subject  string `json:"subject"`
			Priority int    `json:"priority"`
			Status   string `json:"status"`
		} `json:"cases"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if len(page.Cases) < 5 {
		t.Fatalf("demo desk lists %d cases, want the demo stories", len(page.Cases))
	}
	if page.Cases[0].Status != "escalated" && page.Cases[0].Priority < 70 {
		t.Errorf("hottest demo case = %+v", page.Cases[0])
	}
	if !strings.Contains(errOut.String(), "demo agent") {
		t.Errorf("serve --demo did not print the demo logins:\n%s", errOut.String())
	}
	// The sign-in page shows the same demo sign-ins, and they work.
	var samPassword string
	for _, line := range strings.Split(errOut.String(), "\n") {
		if f := strings.Fields(line); len(f) == 5 && f[2] == "sam@demo.calmdesk" {
			samPassword = f[4]
		}
	}
	loginResp, err := http.Get("http://" + addr + "/login")
	if err != nil {
		t.Fatal(err)
	}
	loginPage, _ := io.ReadAll(loginResp.Body)
	loginResp.Body.Close()
	if samPassword == "" || !strings.Contains(string(loginPage), "sam@demo.calmdesk") || !strings.Contains(string(loginPage), samPassword) {
		t.Errorf("the demo sign-in page does not show Sam's printed password %q", samPassword)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v after shutdown", err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop within 20 s")
	}
	backup := filepath.Join(t.TempDir(), "copy.db")
	if out, _, err := run(t, "--database-url", db, "backup", "--out", backup); err != nil || !strings.Contains(out, "backed up") {
		t.Errorf("backup: %q %v", out, err)
	}
	if list, _, err := run(t, "--database-url", "sqlite:"+backup, "cases", "list"); err != nil || !strings.Contains(list, "dana.reyes@example.com") {
		t.Errorf("the backup does not hold the demo cases: %q %v", list, err)
	}
	// Loading the demo again adds nothing.
	_, again, err := run(t, "--database-url", db, "demo")
	if err != nil || !strings.Contains(again, "0 new messages") {
		t.Errorf("second demo load: %q %v", again, err)
	}
	if samPassword != "" && !strings.Contains(again, samPassword) {
		t.Errorf("a second start does not print the demo sign-ins again: %q", again)
	}
}

func TestWorkflowCommands(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "calmdesk.db")
	if _, _, err := run(t, "--database-url", db, "demo"); err != nil {
		t.Fatal(err)
	}
	list, _, err := run(t, "--database-url", db, "cases", "list", "--status", "escalated")
	if err != nil || !strings.Contains(list, "mo.haddad@example.com") {
		t.Fatalf("cases list: %q %v", list, err)
	}
	var id string
	for _, line := range strings.Split(list, "\n") {
		if strings.Contains(line, "mo.haddad") {
			id = strings.Fields(line)[0]
		}
	}
	show, _, err := run(t, "--database-url", db, "cases", "show", id)
	if err != nil || !strings.Contains(show, "Escalated") || !strings.Contains(show, "Why:") {
		t.Fatalf("cases show: %q %v", show, err)
	}
	promises, _, err := run(t, "--database-url", db, "promises", "list")
	if err != nil || !strings.Contains(promises, "open") {
		t.Fatalf("promises list: %q %v", promises, err)
	}
	if _, _, err := run(t, "--database-url", db, "promises", "kept", "1", "--as", "nobody@example.com"); err == nil {
		t.Error("an unknown user kept a promise")
	}
	if out, _, err := run(t, "--database-url", db, "promises", "kept", "1", "--as", "sam@demo.calmdesk", "--note", "RF-1"); err != nil || !strings.Contains(out, "kept") {
		t.Errorf("promises kept: %q %v", out, err)
	}
	if out, _, err := run(t, "--database-url", db, "goodwill", "list"); err != nil || !strings.Contains(out, "STATUS") {
		t.Errorf("goodwill list: %q %v", out, err)
	}
	if out, _, err := run(t, "--database-url", db, "sweep"); err != nil || !strings.Contains(out, "reminded") {
		t.Errorf("sweep: %q %v", out, err)
	}
}

// TestDBMaxConnsReachesTheStore: --db-max-conns and CALMDESK_DB_MAX_CONNS
// set the pool's size; a size out of range is refused before anything runs.
func TestDBMaxConnsReachesTheStore(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "pool.db")
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), []string{"calmdesk", "--database-url", dbURL, "--db-max-conns", "-1", "migrate"}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "pool size -1") {
		t.Fatalf("--db-max-conns -1: %v", err)
	}
	t.Setenv("CALMDESK_DB_MAX_CONNS", "20000")
	err = cli.Run(context.Background(), []string{"calmdesk", "--database-url", dbURL, "migrate"}, nil, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "pool size 20000") {
		t.Fatalf("CALMDESK_DB_MAX_CONNS=20000: %v", err)
	}
	t.Setenv("CALMDESK_DB_MAX_CONNS", "6")
	if err := cli.Run(context.Background(), []string{"calmdesk", "--database-url", dbURL, "migrate"}, nil, &out, &errOut); err != nil {
		t.Fatalf("CALMDESK_DB_MAX_CONNS=6: %v", err)
	}
}
