package mailintake_test

import "github.com/calmdesk/calmdesk/internal/analyze"

// TEMPORARY until analyze.Default lands.
var testAnalyzer = stub{}

type stub struct{}

func (stub) Read(text string) (analyze.Reading, error) {
	return analyze.Reading{Language: "en", Supported: true, Anger: 50}, nil
}
