package desk

import (
	"fmt"
	"strings"
)

// CaseParts selects the parts of a case's answer beyond the case itself
// (GET /api/v1/cases/{id}?include=…). A client that shows a case's header
// or its thread without the readings need not read, nor be sent, the rest:
// the readings are most of an answer's bytes. AllCaseParts is the whole
// answer, the API's default.
type CaseParts uint8

const (
	PartMessages CaseParts = 1 << iota
	PartReadings           // each message's reading; brings PartMessages with it
	PartConcerns
	PartEscalations
	PartCommitments
	PartSurveys
	PartGoodwill

	AllCaseParts = PartMessages | PartReadings | PartConcerns | PartEscalations | PartCommitments | PartSurveys | PartGoodwill
)

// casePartNames are the parts by their names in the API, in the order an
// answer holds them.
var casePartNames = []struct {
	name string
	part CaseParts
}{
	{"messages", PartMessages},
	{"readings", PartReadings},
	{"concerns", PartConcerns},
	{"escalations", PartEscalations},
	{"commitments", PartCommitments},
	{"surveys", PartSurveys},
	{"goodwill", PartGoodwill},
}

// ParseCaseParts reads include, a comma-separated list of part names. An
// unknown name is a ValidationError of field "include"; an empty list is
// the case alone; "readings" is the messages with their readings.
func ParseCaseParts(include string) (CaseParts, error) {
	var parts CaseParts
	for name := range strings.SplitSeq(include, ",") {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		p, ok := casePartNamed(name)
		if !ok {
			return 0, &ValidationError{Fields: map[string]string{"include": fmt.Sprintf(
				"unknown part %.40q: a comma-separated list of %s", name, casePartList())}}
		}
		parts |= p
	}
	if parts&PartReadings != 0 {
		parts |= PartMessages
	}
	return parts, nil
}

func casePartNamed(name string) (CaseParts, bool) {
	for _, p := range casePartNames {
		if p.name == name {
			return p.part, true
		}
	}
	return 0, false
}

func casePartList() string {
	names := make([]string, len(casePartNames))
	for i, p := range casePartNames {
		names[i] = p.name
	}
	return strings.Join(names, ", ")
}
