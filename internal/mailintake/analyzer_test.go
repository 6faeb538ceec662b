package mailintake_test

import "github.com/calmdesk/calmdesk/internal/analyze"

// testAnalyzer is the real analysis engine.
var testAnalyzer = analyze.Default()
