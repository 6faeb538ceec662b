package cli

import (
	"os"
	"regexp"
	"strings"
	"testing"

	ucli "github.com/urfave/cli/v3"
)

// TestReadmeListsEveryServeFlag: the README's tables name every flag serve
// reads (its own and the global ones), each with its environment variable,
// so a flag added without a line in the README fails here.
func TestReadmeListsEveryServeFlag(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	flags := append(append([]ucli.Flag{}, globalFlags()...), serveCommand().Flags...)
	if len(flags) < 20 {
		t.Fatalf("only %d flags found; the test lost track of serve's flags", len(flags))
	}
	for _, f := range flags {
		name := f.Names()[0]
		if !strings.Contains(readme, "`--"+name+"`") {
			t.Errorf("README does not list `--%s`", name)
		}
		var envs []string
		if s, ok := f.(interface{ GetEnvVars() []string }); ok {
			envs = s.GetEnvVars()
		}
		if len(envs) == 0 {
			t.Errorf("--%s has no CALMDESK_* variable (the README promises every flag has one)", name)
		}
		for _, env := range envs {
			if !regexp.MustCompile(`\b` + env + `\b`).MatchString(readme) {
				t.Errorf("README does not name %s, the variable of --%s", env, name)
			}
		}
	}
}
