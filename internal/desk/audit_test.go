package desk_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
)

// TestAuditActionsListEveryAction: webhooks are checked against
// desk.AuditActions, so an action written without being listed could
// never be subscribed to. Every audit call's action (and every action
// handed on to setPassword) must be listed; for "goodwill."+status, some
// listed action must start with "goodwill.".
func TestAuditActionsListEveryAction(t *testing.T) {
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	known := desk.AuditActions()
	calls := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var arg ast.Expr
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				if fn.Name == "audit" && len(call.Args) == 7 {
					arg = call.Args[5]
				}
			case *ast.SelectorExpr:
				if fn.Sel.Name == "setPassword" && len(call.Args) == 5 {
					arg = call.Args[4]
				}
			}
			if arg == nil {
				return true
			}
			calls++
			where := fset.Position(call.Pos())
			switch a := arg.(type) {
			case *ast.BasicLit:
				action, _ := strconv.Unquote(a.Value)
				if !slices.Contains(known, action) {
					t.Errorf("%s: action %q is not in desk.AuditActions", where, action)
				}
			case *ast.BinaryExpr:
				lit, ok := a.X.(*ast.BasicLit)
				if !ok {
					t.Errorf("%s: cannot check an action that does not start with a literal", where)
					break
				}
				prefix, _ := strconv.Unquote(lit.Value)
				if !slices.ContainsFunc(known, func(k string) bool { return strings.HasPrefix(k, prefix) }) {
					t.Errorf("%s: no action in desk.AuditActions starts with %s", where, lit.Value)
				}
			case *ast.Ident:
				// A parameter (setPassword's action): its callers are checked.
			default:
				t.Errorf("%s: cannot check an action written as %T", where, arg)
			}
			return true
		})
	}
	if calls < 20 {
		t.Fatalf("found %d audit calls; the test no longer recognises them", calls)
	}
}
