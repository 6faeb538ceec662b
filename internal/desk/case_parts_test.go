package desk_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

func TestParseCaseParts(t *testing.T) {
	for _, tc := range []struct {
		include string
		want    desk.CaseParts
		bad     bool
	}{
		{"", 0, false},
		{"messages", desk.PartMessages, false},
		{"messages,readings", desk.PartMessages | desk.PartReadings, false},
		{" commitments , escalations ,", desk.PartCommitments | desk.PartEscalations, false},
		{"messages,readings,concerns,escalations,commitments,surveys,goodwill", desk.AllCaseParts, false},
		{"concerns,concerns", desk.PartConcerns, false},
		{"readings", desk.PartMessages | desk.PartReadings, false},
		{"Messages", 0, true},
		{"messages,promises", 0, true},
		{"'; DROP TABLE cases; --", 0, true},
	} {
		got, err := desk.ParseCaseParts(tc.include)
		var verr *desk.ValidationError
		if tc.bad {
			if !errors.As(err, &verr) || verr.Fields["include"] == "" {
				t.Errorf("ParseCaseParts(%q) error = %v, want a ValidationError of include", tc.include, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseCaseParts(%q) = %b, %v; want %b", tc.include, got, err, tc.want)
		}
	}
}

// TestCaseAnswerParts: an answer with some parts holds the case's own
// members and exactly those parts, each as the whole answer has it
// (readings left out of the messages when not asked for); every
// selection is kept apart and follows a write like the whole answer.
func TestCaseAnswerParts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		agent := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Reply(ctx, agent, desk.ReplyInput{CaseID: res.CaseID,
			Text: "Dana, I'm sorry. I will refund the duplicate charge within 3 business days."}); err != nil {
			t.Fatal(err)
		}
		members := func(parts desk.CaseParts) map[string]json.RawMessage {
			t.Helper()
			a, err := d.CaseAnswer(ctx, agent, res.CaseID, parts)
			if err != nil {
				t.Fatal(err)
			}
			if a.ETag != desk.ETag(a.Body) {
				t.Errorf("parts %b: ETag %s is not the answer's", parts, a.ETag)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(a.Body, &m); err != nil {
				t.Fatalf("parts %b: %v in %s", parts, err, a.Body)
			}
			return m
		}
		whole := members(desk.AllCaseParts)
		partNames := []string{"messages", "concerns", "escalations", "commitments", "surveys", "goodwill"}
		caseOnly := members(0)
		for _, name := range partNames {
			if _, ok := whole[name]; !ok {
				t.Fatalf("the whole answer has no %q: %v", name, slices.Collect(maps.Keys(whole)))
			}
			if _, ok := caseOnly[name]; ok {
				t.Errorf("the case alone has %q", name)
			}
		}
		if len(caseOnly) != len(whole)-len(partNames) {
			t.Errorf("the case alone has %d members, the whole answer %d with %d parts", len(caseOnly), len(whole), len(partNames))
		}
		for _, tc := range []struct {
			parts    desk.CaseParts
			included []string
		}{
			{desk.PartMessages | desk.PartReadings, []string{"messages"}},
			{desk.PartCommitments | desk.PartEscalations, []string{"escalations", "commitments"}},
			{desk.PartConcerns | desk.PartSurveys | desk.PartGoodwill, []string{"concerns", "surveys", "goodwill"}},
		} {
			got := members(tc.parts)
			for name, v := range whole {
				_, isPart := got[name]
				wantPart := !slices.Contains(partNames, name) || slices.Contains(tc.included, name)
				if isPart != wantPart {
					t.Errorf("parts %v: %q present %v, want %v", tc.included, name, isPart, wantPart)
				} else if isPart && !bytes.Equal(got[name], v) {
					t.Errorf("parts %v: %q is\n%s\nthe whole answer's\n%s", tc.included, name, got[name], v)
				}
			}
		}

		// Messages without their readings: the same messages, no "reading".
		bare := members(desk.PartMessages)
		var withReadings, without []map[string]json.RawMessage
		if err := json.Unmarshal(whole["messages"], &withReadings); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(bare["messages"], &without); err != nil {
			t.Fatal(err)
		}
		if len(without) != 2 || len(withReadings) != 2 {
			t.Fatalf("%d and %d messages, want 2", len(without), len(withReadings))
		}
		if _, ok := withReadings[0]["reading"]; !ok {
			t.Fatal("the customer's message has no reading in the whole answer")
		}
		for i, m := range without {
			if _, ok := m["reading"]; ok {
				t.Errorf("message %d has a reading though readings were not asked for", i)
			}
			delete(withReadings[i], "reading")
			if !maps.EqualFunc(m, withReadings[i], func(a, b json.RawMessage) bool { return bytes.Equal(a, b) }) {
				t.Errorf("message %d without its reading differs from the whole answer's", i)
			}
		}

		// A write moves every selection on.
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: dana.CustomerEmail, CaseID: res.CaseID,
			Text: "When will I see the money?", Channel: "email"}); err != nil {
			t.Fatal(err)
		}
		var after []json.RawMessage
		if err := json.Unmarshal(members(desk.PartMessages)["messages"], &after); err != nil || len(after) != 3 {
			t.Errorf("after a new message: %d messages (%v), want 3", len(after), err)
		}
	})
}
