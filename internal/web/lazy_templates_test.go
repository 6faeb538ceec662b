package web

import (
	"html/template"
	"testing"
)

// TestStandaloneTemplatesParse: the standalone pages' templates are parsed
// on first use, not at start, so a broken one must fail here instead of on
// a customer's first visit.
func TestStandaloneTemplatesParse(t *testing.T) {
	for name, parse := range map[string]func() *template.Template{
		"contact form": formTemplate,
		"survey":       surveyTemplate,
		"email frame":  emailFrame,
	} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("%s: %v", name, r)
				}
			}()
			if parse() == nil {
				t.Errorf("%s: no template", name)
			}
		}()
	}
}
