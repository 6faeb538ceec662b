package desk_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Issue 14, defect 4: a PUT of {"goodwil": …} or null answered 200 and put
// every setting back to its default. The policy is read strictly, and
// names in it are checked against the names the desk knows.
func TestDecodePolicyRefusesUnknownFieldsNullsAndNames(t *testing.T) {
	for _, tc := range []struct{ body, field string }{
		{`null`, "policy"},
		{`[]`, "policy"},
		{`{"goodwill": {} `, "policy"},
		{`{"goodwil": {"limits": {"agent": 100}}}`, "goodwil"},
		{`{"goodwill": null}`, "goodwill"},
		{`{"goodwill": {"limitz": {}}}`, "goodwill.limitz"},
		{`{"goodwill": {"limits": {"agent": 1.5}}}`, "goodwill.limits.agent"},
		{`{"goodwill": {"limits": {"agent": null}}}`, "goodwill.limits.agent"},
		{`{"follow_up": {"max_anger": "50"}}`, "follow_up.max_anger"},
		{`{"sla": {"warn_before": 30}}`, "sla.warn_before"},
		{`{"sla": {"targets": [{"min_priority": 0, "first_response": "1h", "resolution": "2h", "categroy": "billing"}]}}`, "sla.targets[0].categroy"},
		{`{"escalation": {"signals": ["legal_thret"]}}`, "escalation.signals"},
		{`{"webhooks": [{"url": "https://hooks.example.com/x", "evnts": []}]}`, "webhooks[0].evnts"},
		{`{"webhooks": [{"url": "https://hooks.example.com/x", "events": ["case.escalatd"]}]}`, "webhooks[0].events"},
		{`{"webhooks": [{"url": "hooks.example.com"}]}`, "webhooks[0].url"},
		{`{"goodwill": {"kinds": ["free shipping"]}}`, "goodwill.kinds"},
	} {
		_, err := desk.DecodePolicy([]byte(tc.body))
		var verr *desk.ValidationError
		if !errors.As(err, &verr) || verr.Fields[tc.field] == "" {
			t.Errorf("%s: err = %v, want a validation error on %s", tc.body, err, tc.field)
		}
	}
	p, err := desk.DecodePolicy([]byte(`{"goodwill": {"currency": "EUR"}, "escalation": {"signals": ["legal_threat"]},
		"webhooks": [{"url": "https://hooks.example.com/x", "events": ["case.escalated", "promise.broken"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	def := desk.DefaultPolicy()
	if p.Goodwill.Currency != "EUR" || p.Goodwill.Limits["agent"] != def.Goodwill.Limits["agent"] || len(p.Goodwill.Kinds) != len(def.Goodwill.Kinds) ||
		p.BusinessHours.Open != def.BusinessHours.Open || len(p.Webhooks) != 1 {
		t.Errorf("decoded %+v: want EUR and every field left out at its default", p)
	}
}

// Issue 14, defect 4: PATCH changes what it names and nothing else, in one
// transaction, so concurrent patches of different fields all land.
func TestPatchPolicyMergesOnlyWhatItNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		p := desk.DefaultPolicy()
		p.Goodwill.Currency = "EUR"
		p.Webhooks = []desk.Webhook{{URL: "https://hooks.example.com/calmdesk", Events: []string{"case.escalated"}}}
		if err := d.SetPolicy(ctx, desk.SystemActor, p); err != nil {
			t.Fatal(err)
		}
		got, err := d.PatchPolicy(ctx, desk.SystemActor, []byte(`{"goodwill": {"limits": {"agent": 2500}}}`))
		if err != nil {
			t.Fatal(err)
		}
		if got.Goodwill.Limits["agent"] != 2500 || got.Goodwill.Limits["supervisor"] != 5000 || got.Goodwill.Currency != "EUR" || len(got.Webhooks) != 1 {
			t.Errorf("after patching the agent limit: %+v", got)
		}
		if got, err = d.PatchPolicy(ctx, desk.SystemActor, []byte(`{"webhooks": null}`)); err != nil || len(got.Webhooks) != 0 {
			t.Errorf("null removes the webhooks: %+v, %v", got.Webhooks, err)
		}
		for _, bad := range []string{`null`, `{"goodwil": {}}`, `{"goodwill": {"currency": "EURO"}}`, `[{"op": "replace"}]`} {
			var verr *desk.ValidationError
			if _, err := d.PatchPolicy(ctx, desk.SystemActor, []byte(bad)); !errors.As(err, &verr) {
				t.Errorf("patch %s: err = %v, want a validation error", bad, err)
			}
		}
		if stored, _ := d.Policy(ctx); stored.Goodwill.Currency != "EUR" || stored.Goodwill.Limits["agent"] != 2500 {
			t.Errorf("a refused patch changed the policy: %+v", stored.Goodwill)
		}

		patches := []string{`{"business_hours": {"open": "08:00"}}`, `{"assignment": {"mode": "round_robin"}}`,
			`{"follow_up": {"max_anger": 40}}`, `{"escalation": {"anger_not_falling_after_replies": 3}}`}
		var wg sync.WaitGroup
		errs := make(chan error, len(patches))
		for _, patch := range patches {
			wg.Go(func() {
				if _, err := d.PatchPolicy(ctx, desk.SystemActor, []byte(patch)); err != nil {
					errs <- fmt.Errorf("%s: %w", patch, err)
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		final, err := d.Policy(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if final.BusinessHours.Open != "08:00" || final.Assignment.Mode != "round_robin" || final.FollowUp.MaxAnger != 40 ||
			final.Escalation.AngerNotFallingAfterReplies != 3 || final.Goodwill.Currency != "EUR" {
			t.Errorf("concurrent patches lost one: %s", strings.ReplaceAll(fmt.Sprintf("%+v", final), " ", "\n"))
		}
	})
}

// TestDocumentedExamplePolicyIsValid: the example in docs/workflow.md is
// read as PUT reads a policy, so the documentation cannot drift from it.
func TestDocumentedExamplePolicyIsValid(t *testing.T) {
	b, err := os.ReadFile("../../docs/workflow.md")
	if err != nil {
		t.Fatal(err)
	}
	_, example, ok := strings.Cut(string(b), "## Example policy\n\n```json\n")
	example, _, _ = strings.Cut(example, "```")
	if !ok || example == "" {
		t.Fatal("docs/workflow.md has no example policy")
	}
	if _, err := desk.DecodePolicy([]byte(example)); err != nil {
		t.Errorf("the documented example: %v", err)
	}
}
