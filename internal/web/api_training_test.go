package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/demo"
	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

const goodParcelReply = "Hi Dana, I'm so sorry your parcel is late; I can see how frustrating that is after paying for express. " +
	"I've refunded the express fee today and I've asked the courier to trace it; I'll email you the tracking by 5pm tomorrow."

// TestTrainingContract plays a scenario through the API as a trainee, on
// every engine: the contract of issue 13.
func TestTrainingContract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		trainee, d := newServer(t, db, desk.RoleTrainee)
		status, body := trainee.do("GET", "/api/v1/training/scenarios", nil)
		scs, _ := body["scenarios"].([]any)
		if status != 200 || len(scs) < 20 {
			t.Fatalf("scenarios: %d, %d of them", status, len(scs))
		}
		first := scs[0].(map[string]any)
		for _, k := range []string{"id", "title", "industry", "difficulty"} {
			if s, _ := first[k].(string); s == "" {
				t.Errorf("scenario without %s: %v", k, first)
			}
		}

		status, body = trainee.do("POST", "/api/v1/training/sessions", map[string]any{"scenario_id": "retail-late-parcel", "seed": 3})
		if status != http.StatusCreated || body["done"] != false || body["customer_message"] == "" || body["anger"].(float64) < 50 || body["state"] == "" {
			t.Fatalf("start: %d %v", status, body)
		}
		id := fmt.Sprint(body["id"])

		status, body = trainee.do("POST", "/api/v1/training/sessions/"+id+"/replies", map[string]any{"text": goodParcelReply})
		if status != 200 || body["done"] != true || body["outcome"] != "resolved" || body["review"] == nil || body["customer_message"] == "" {
			t.Fatalf("reply: %d %v", status, body)
		}
		status, body = trainee.do("POST", "/api/v1/training/sessions/"+id+"/replies", map[string]any{"text": "And another thing."})
		if status != http.StatusConflict {
			t.Errorf("reply after the end: %d %v", status, body)
		}

		status, body = trainee.do("GET", "/api/v1/training/sessions/"+id, nil)
		transcript, _ := body["transcript"].([]any)
		if status != 200 || len(transcript) != 1 || body["steps"] == nil || body["pitfalls"] == nil || body["score"].(float64) < 60 {
			t.Fatalf("session: %d %v", status, body)
		}

		// Another trainee does not see it; a supervisor does, but cannot play it.
		other := addUserClient(t, d, trainee.base, desk.RoleAgent)
		if status, _ := other.do("GET", "/api/v1/training/sessions/"+id, nil); status != http.StatusNotFound {
			t.Errorf("an agent read a trainee's session: %d", status)
		}
		sup := addUserClient(t, d, trainee.base, desk.RoleSupervisor)
		if status, _ := sup.do("GET", "/api/v1/training/sessions/"+id, nil); status != 200 {
			t.Errorf("a supervisor could not read a trainee's session: %d", status)
		}
		status, body = trainee.do("GET", "/api/v1/training/sessions", nil)
		if list, _ := body["sessions"].([]any); status != 200 || len(list) != 1 || list[0].(map[string]any)["outcome"] != "resolved" {
			t.Errorf("list: %d %v", status, body)
		}

		// Bad input.
		if status, _ := trainee.do("POST", "/api/v1/training/sessions", map[string]any{"scenario_id": "nope"}); status != http.StatusUnprocessableEntity {
			t.Errorf("unknown scenario: %d", status)
		}
		if status, _ := trainee.do("POST", "/api/v1/training/sessions/"+id+"/replies", map[string]any{"text": "  "}); status != http.StatusUnprocessableEntity {
			t.Errorf("empty reply: %d", status)
		}
		if status, _ := trainee.do("GET", "/api/v1/training/sessions/99999", nil); status != http.StatusNotFound {
			t.Errorf("missing session: %d", status)
		}
	})
}

// TestTrainingExamHidesTheCoach: in an exam the replies come back without
// the review until the session ends.
func TestTrainingExamHidesTheCoach(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	trainee, _ := newServer(t, db, desk.RoleTrainee)
	_, body := trainee.do("POST", "/api/v1/training/sessions", map[string]any{"scenario_id": "retail-late-parcel", "seed": 1, "exam": true})
	id := fmt.Sprint(body["id"])
	_, body = trainee.do("POST", "/api/v1/training/sessions/"+id+"/replies", map[string]any{"text": "We are looking into it."})
	if body["done"] == false && body["review"] != nil {
		t.Errorf("an exam reply came with the coach's review: %v", body["review"])
	}
}

// TestScenarioFromDemoCase: a scenario made from a demo case holds none of
// the case's names, email addresses or order numbers, nor the staff's names.
func TestScenarioFromDemoCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sup, d := newServer(t, db, desk.RoleSupervisor)
		if _, err := demo.Load(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		users, err := d.Users(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		list, err := d.Cases(context.Background(), desk.CaseQuery{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Cases) < 5 {
			t.Fatalf("%d demo cases", len(list.Cases))
		}
		orderNo := regexp.MustCompile(`\b\d{4,}\b`)
		for _, c := range list.Cases {
			detail, err := d.Case(context.Background(), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			path := fmt.Sprintf("/api/v1/training/scenarios/from-case/%d", c.ID)
			if c.Status != desk.StatusResolved && c.Status != desk.StatusClosed {
				// Only a resolved case makes a scenario.
				if status, body := sup.do("POST", path, nil); status != http.StatusConflict {
					t.Fatalf("case %d (%s): %d %v", c.ID, c.Status, status, body)
				}
				if status, body := sup.do("POST", fmt.Sprintf("/api/v1/cases/%d/resolve", c.ID), map[string]any{}); status != 200 {
					t.Fatalf("resolve %d: %d %v", c.ID, status, body)
				}
			}
			status, body := sup.do("POST", path, nil)
			if status != http.StatusCreated || body["draft"] != true || body["status"] != "draft" {
				t.Fatalf("case %d: %d %v", c.ID, status, body)
			}
			// Asked again, the same draft comes back.
			if status, again := sup.do("POST", path, nil); status != 200 || again["id"] != body["id"] {
				t.Errorf("case %d again: %d %v", c.ID, status, again)
			}
			raw, _ := json.Marshal(body["scenario"])
			text := string(raw)
			leaks := []string{c.Customer.Email, strings.Split(c.Customer.Email, "@")[0]}
			leaks = append(leaks, strings.Fields(c.Customer.Name)...)
			for _, u := range users {
				leaks = append(leaks, strings.Fields(u.Name)...)
			}
			for _, m := range detail.Messages {
				leaks = append(leaks, orderNo.FindAllString(m.CleanText, -1)...)
			}
			for _, leak := range leaks {
				if leak != "" && strings.Contains(text, leak) {
					t.Errorf("case %d: the scenario holds %q: %s", c.ID, leak, text)
				}
			}
		}
		// An agent may not; a trainee may not.
		agent := addUserClient(t, d, sup.base, desk.RoleAgent)
		if status, _ := agent.do("POST", fmt.Sprintf("/api/v1/training/scenarios/from-case/%d", list.Cases[0].ID), nil); status != http.StatusForbidden {
			t.Errorf("an agent made a scenario: %d", status)
		}
		if status, _ := sup.do("POST", "/api/v1/training/scenarios/from-case/99999", nil); status != http.StatusNotFound {
			t.Errorf("missing case: %d", status)
		}
	})
}

// TestScenarioReviewAndPublish: a draft made from a resolved case is kept,
// reviewed, edited and published by a supervisor; trainees see it only once
// published; an admin hides a built-in. On every engine.
func TestScenarioReviewAndPublish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sup, d := newServer(t, db, desk.RoleSupervisor)
		ctx := context.Background()
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "mira.holt@example.org", CustomerName: "Mira Holt",
			Subject: "Double charge", Text: "You charged me twice for order 55817. I want my money back today. Mira", Channel: "email", ExternalID: "<pub-1@example.org>"})
		if err != nil {
			t.Fatal(err)
		}
		if status, body := sup.do("POST", fmt.Sprintf("/api/v1/cases/%d/resolve", res.CaseID), map[string]any{}); status != 200 {
			t.Fatalf("resolve: %d %v", status, body)
		}
		status, body := sup.do("POST", fmt.Sprintf("/api/v1/training/scenarios/from-case/%d", res.CaseID), nil)
		if status != http.StatusCreated || body["status"] != "draft" || body["version"] != "1" {
			t.Fatalf("draft: %d %v", status, body)
		}
		id := body["id"].(string)
		sc := body["scenario"].(map[string]any)

		trainee := addUserClient(t, d, sup.base, desk.RoleTrainee)
		listed := func(c apiClient, id string) bool {
			_, body := c.do("GET", "/api/v1/training/scenarios", nil)
			for _, s := range body["scenarios"].([]any) {
				if s.(map[string]any)["id"] == id {
					return true
				}
			}
			return false
		}
		if listed(trainee, id) {
			t.Error("a trainee sees a draft in the list")
		}
		if status, _ := trainee.do("GET", "/api/v1/training/scenarios/"+id, nil); status != http.StatusNotFound {
			t.Errorf("a trainee read a draft: %d", status)
		}
		if status, _ := trainee.do("POST", "/api/v1/training/sessions", map[string]any{"scenario_id": id}); status != http.StatusUnprocessableEntity {
			t.Errorf("a trainee started a draft: %d", status)
		}
		if status, _ := trainee.do("PUT", "/api/v1/training/scenarios/"+id+"/status", map[string]any{"status": "published"}); status != http.StatusForbidden {
			t.Errorf("a trainee published: %d", status)
		}

		// The supervisor's edit may not put the customer's data back.
		sc["opening"] = "Mira here: you charged me twice and I want it back."
		if status, body := sup.do("PUT", "/api/v1/training/scenarios/"+id, map[string]any{"scenario": sc, "version": 1}); status != http.StatusUnprocessableEntity || !strings.Contains(fmt.Sprint(body), "Mira") {
			t.Errorf("an edit with the customer's name: %d %v", status, body)
		}
		sc["opening"] = "You charged me twice and I want my money back today."
		sc["calm_at"] = 99
		if status, _ := sup.do("PUT", "/api/v1/training/scenarios/"+id, map[string]any{"scenario": sc, "version": 1}); status != http.StatusUnprocessableEntity {
			t.Errorf("an edit with calm_at over the anger: %d", status)
		}
		sc["calm_at"] = 30
		sc["concerns"] = []any{map[string]any{"id": "refund", "ask": "When do I get my money back?", "cues": []any{"refund*"}}}
		status, body = sup.do("PUT", "/api/v1/training/scenarios/"+id, map[string]any{"scenario": sc, "version": 1})
		if status != 200 || body["version"] != "2" || body["status"] != "draft" {
			t.Fatalf("edit: %d %v", status, body)
		}
		if status, _ := sup.do("PUT", "/api/v1/training/scenarios/"+id, map[string]any{"scenario": sc, "version": 1}); status != http.StatusConflict {
			t.Errorf("an edit of an old version: %d", status)
		}
		status, body = sup.do("PUT", "/api/v1/training/scenarios/"+id+"/status", map[string]any{"status": "published"})
		if status != 200 || body["status"] != "published" {
			t.Fatalf("publish: %d %v", status, body)
		}
		if !listed(trainee, id) {
			t.Error("a published scenario is not in the trainee's list")
		}
		status, body = trainee.do("GET", "/api/v1/training/scenarios/"+id, nil)
		if status != 200 || body["scenario"] != nil || body["summary"].(map[string]any)["version"] != "2" {
			t.Errorf("a trainee reads a published scenario: %d %v", status, body)
		}
		status, body = trainee.do("POST", "/api/v1/training/sessions", map[string]any{"scenario_id": id, "seed": 2})
		if status != http.StatusCreated || strings.Contains(fmt.Sprint(body), "55817") {
			t.Fatalf("a trainee starts the published scenario: %d %v", status, body)
		}

		// Retired, it leaves the list; the attempt stays readable.
		if status, _ := sup.do("PUT", "/api/v1/training/scenarios/"+id+"/status", map[string]any{"status": "retired"}); status != 200 {
			t.Errorf("retire: %d", status)
		}
		if listed(trainee, id) {
			t.Error("a retired scenario is still listed")
		}
		if status, _ := trainee.do("GET", fmt.Sprintf("/api/v1/training/sessions/%v", body["id"]), nil); status != 200 {
			t.Errorf("the attempt on a retired scenario: %d", status)
		}

		// Built-ins: not edited here; hidden by an admin only.
		if status, _ := sup.do("PUT", "/api/v1/training/scenarios/retail-late-parcel", map[string]any{"scenario": sc}); status != http.StatusConflict {
			t.Errorf("an edit of a built-in: %d", status)
		}
		if status, _ := sup.do("PUT", "/api/v1/training/scenarios/retail-late-parcel/status", map[string]any{"status": "retired"}); status != http.StatusForbidden {
			t.Errorf("a supervisor hid a built-in: %d", status)
		}
		admin := addUserClient(t, d, sup.base, desk.RoleAdmin)
		if status, _ := admin.do("PUT", "/api/v1/training/scenarios/retail-late-parcel/status", map[string]any{"status": "retired"}); status != 200 {
			t.Errorf("an admin could not hide a built-in: %d", status)
		}
		if listed(trainee, "retail-late-parcel") {
			t.Error("a hidden built-in is still listed")
		}
		_, body = admin.do("GET", "/api/v1/training/scenarios?status=all", nil)
		statuses := map[string]string{}
		for _, s := range body["scenarios"].([]any) {
			m := s.(map[string]any)
			statuses[m["id"].(string)] = m["status"].(string)
		}
		if statuses["retail-late-parcel"] != "retired" || statuses[id] != "retired" || len(statuses) < 25 {
			t.Errorf("the managed list: %v", statuses)
		}
		if status, _ := trainee.do("GET", "/api/v1/training/scenarios?status=all", nil); status != http.StatusForbidden {
			t.Errorf("a trainee listed every scenario: %d", status)
		}
		if status, _ := admin.do("PUT", "/api/v1/training/scenarios/retail-late-parcel/status", map[string]any{"status": "published"}); status != 200 || !listed(trainee, "retail-late-parcel") {
			t.Errorf("an admin could not show a built-in again: %d", status)
		}
	})
}
