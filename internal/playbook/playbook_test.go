package playbook

import (
	"errors"
	"testing"
)

func TestDefaultIsValid(t *testing.T) {
	pb := Default()
	if pb.Version == "" {
		t.Fatal("no version")
	}
	for _, id := range StepIDs {
		if pb.Step(id) == nil {
			t.Errorf("step %s missing", id)
		}
	}
	for _, id := range RuleIDs {
		r := pb.Rule(id)
		if r == nil {
			t.Errorf("rule %s missing", id)
			continue
		}
		if r.Suggestion == "" {
			t.Errorf("rule %s has no suggestion", id)
		}
	}
	for _, slot := range []string{"greeting", "empathy", "acknowledge", "apology", "ownership", "action", "follow_up", "thanks", "signoff"} {
		if len(pb.Phrases[slot]) == 0 {
			t.Errorf("phrase bank has no %s", slot)
		}
	}
}

func TestSeverityScale(t *testing.T) {
	r := Default().Rule(RuleMissingApology)
	tests := []struct {
		level string
		want  Severity
	}{{"calm", None}, {"annoyed", Warning}, {"angry", Error}, {"furious", Error}, {"", Warning}}
	for _, tt := range tests {
		if got := r.Severity.At(tt.level); got != tt.want {
			t.Errorf("missing_apology at %q = %q, want %q", tt.level, got, tt.want)
		}
	}
	if Info.Raise() != Warning || Error.Raise() != Error || None.Raise() != None {
		t.Errorf("Raise is wrong")
	}
}

func TestCategoryFallsBack(t *testing.T) {
	pb := Default()
	tests := map[string]string{"billing": "billing", "Shipping": "delivery", "nonsense": "other", "": "other"}
	for in, want := range tests {
		if got := pb.Category(in); got == nil || got.ID != want {
			t.Errorf("Category(%q) = %v, want %s", in, got, want)
		}
	}
	for _, c := range pb.Categories {
		if len(c.Options) == 0 {
			t.Errorf("category %s has no options", c.ID)
		}
	}
}

func TestParseRejects(t *testing.T) {
	tests := map[string]string{
		"not json":      `{`,
		"no version":    `{"steps": []}`,
		"missing steps": `{"version": "x"}`,
	}
	for name, in := range tests {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		} else if name != "not json" && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v does not wrap ErrInvalid", name, err)
		}
	}
	if _, err := Parse(DefaultJSON()); err != nil {
		t.Errorf("Parse(DefaultJSON()) = %v", err)
	}
}

func TestCue(t *testing.T) {
	p, r := Cue("calm down => I can see why")
	if p != "calm down" || r != "I can see why" {
		t.Errorf("Cue = %q, %q", p, r)
	}
	if p, r := Cue("soon"); p != "soon" || r != "" {
		t.Errorf("Cue without rewrite = %q, %q", p, r)
	}
}

func TestCheckRewrite(t *testing.T) {
	tests := []struct {
		rewrite string
		ok      bool
	}{
		{"I can see why this has upset you.", true},
		{"I'm sorry {problem}. || I'm sorry for the trouble this has caused you.", true},
		{"by {due}", true},
		{"To recap: …", false},
		{"To recap: ...", false},
		{"by <day and date>", false},
		{"(leave it out)", false},
		{"I'm sorry for [issue].", false},
		{"Hi {customer}", false},
		{"Hi {name", false},
		{"a || ", false},
	}
	for _, tt := range tests {
		if err := CheckRewrite(tt.rewrite); (err == nil) != tt.ok {
			t.Errorf("CheckRewrite(%q) = %v, want ok=%v", tt.rewrite, err, tt.ok)
		}
	}
	pb, err := Parse(DefaultJSON())
	if err != nil {
		t.Fatal(err)
	}
	pb.Rule(RuleArguing).Cues = append(pb.Rule(RuleArguing).Cues, "as i said => To recap: …")
	if err := pb.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("a playbook whose rewrite is a placeholder validates: %v", err)
	}
}
