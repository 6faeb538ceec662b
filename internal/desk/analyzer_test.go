package desk_test

import (
	"strings"

	"github.com/calmdesk/calmdesk/internal/analyze"
)

// TEMPORARY until analyze.Default lands.
var testAnalyzer = stub{}

type stub struct{}

func (stub) Read(text string) (analyze.Reading, error) {
	r := analyze.Reading{Language: "en", Supported: true, Anger: 10, Level: analyze.Calm}
	for _, w := range []string{"NOW", "manager", "third time", "Unacceptable", "disappointed"} {
		if strings.Contains(text, w) {
			r.Anger += 20
		}
	}
	if strings.Contains(text, "manager") {
		r.Signals = append(r.Signals, analyze.Signal{Kind: "manager_request"})
	}
	r.Concerns = []analyze.Concern{{Kind: "problem", Text: text}}
	return r, nil
}
