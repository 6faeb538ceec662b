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
			status, body := sup.do("POST", fmt.Sprintf("/api/v1/training/scenarios/from-case/%d", c.ID), nil)
			if status != 200 || body["draft"] != true {
				t.Fatalf("case %d: %d %v", c.ID, status, body)
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
