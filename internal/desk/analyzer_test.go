package desk_test

import "github.com/calmdesk/calmdesk/internal/analyze"

// testAnalyzer is the real analysis engine: the desk's tests see the
// readings production sees.
var testAnalyzer = analyze.Default()
