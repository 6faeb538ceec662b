package textkit

import (
	"regexp"
	"sync"
)

// LazyRegexp returns a function that compiles expr on its first call
// (panicking, as regexp.MustCompile does, if it is invalid) and returns
// the same Regexp ever after. Package-level expressions compiled at init
// cost every command the binary runs — `calmdesk version` included —
// milliseconds for expressions only the mail path or training use.
func LazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
