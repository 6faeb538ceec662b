package web_test

import (
	"fmt"
	"net/http"
	"testing"

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
