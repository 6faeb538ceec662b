package web_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// goodTranscript is the bank's good transcript of a scenario.
func goodTranscript(t *testing.T, scenario string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "training", "testdata", "good.json"))
	if err != nil {
		t.Fatal(err)
	}
	var bank map[string][]string
	if err := json.Unmarshal(raw, &bank); err != nil {
		t.Fatal(err)
	}
	return bank[scenario]
}

// play plays a transcript through the API and returns the finished session.
func play(t *testing.T, c apiClient, scenario string, exam bool, replies []string) map[string]any {
	t.Helper()
	status, body := c.do("POST", "/api/v1/training/sessions", map[string]any{"scenario_id": scenario, "seed": 1, "exam": exam})
	if status != http.StatusCreated {
		t.Fatalf("start %s: %d %v", scenario, status, body)
	}
	id := fmt.Sprint(body["id"])
	for _, r := range replies {
		if status, body := c.do("POST", "/api/v1/training/sessions/"+id+"/replies", map[string]any{"text": r}); status != 200 {
			t.Fatalf("reply: %d %v", status, body)
		}
	}
	_, body = c.do("GET", "/api/v1/training/sessions/"+id, nil)
	return body
}

// TestTrainingAssignmentsAndCertification: a supervisor assigns a scenario
// that must be taken as an exam; a practice attempt does not count, an exam
// pass does and certifies the trainee in the scenario's set; the pass mark
// an admin sets decides. On every engine.
func TestTrainingAssignmentsAndCertification(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sup, d := newServer(t, db, desk.RoleSupervisor)
		trainee := addUserClient(t, d, sup.base, desk.RoleTrainee)
		admin := addUserClient(t, d, sup.base, desk.RoleAdmin)
		_, me := trainee.do("GET", "/api/v1/me", nil)
		traineeID := me["user"].(map[string]any)["id"].(float64)
		const scenario = "banking-fraud-refund" // the only scenario of the "fraud" set
		good := goodTranscript(t, scenario)

		// Practice before any assignment: passed, not certified. The
		// scorecard has a time for each reply.
		s := play(t, trainee, scenario, false, good)
		card := s["scorecard"].(map[string]any)
		if s["outcome"] != "resolved" || len(card["reply_seconds"].([]any)) != len(good) {
			t.Fatalf("practice: %v", s)
		}
		progress := func() map[string]any {
			status, p := trainee.do("GET", "/api/v1/training/progress", nil)
			if status != 200 {
				t.Fatalf("progress: %d %v", status, p)
			}
			return p
		}
		fraudSet := func(p map[string]any) map[string]any {
			for _, s := range p["sets"].([]any) {
				if m := s.(map[string]any); m["set"] == "fraud" {
					return m
				}
			}
			t.Fatalf("no fraud set in %v", p)
			return nil
		}
		p := progress()
		if fs := fraudSet(p); len(fs["passed"].([]any)) != 1 || len(fs["exam_passed"].([]any)) != 0 || fs["certified"] != false || len(p["history"].([]any)) != 1 {
			t.Errorf("after practice: %v", p)
		}

		// Assigned as an exam, due tomorrow.
		status, a := sup.do("POST", "/api/v1/training/assignments", map[string]any{"user_id": traineeID, "scenario_id": scenario, "exam": true, "due_at": d.Now().AddDate(0, 0, 1).Format("2006-01-02")})
		if status != http.StatusCreated || a["status"] != "open" || a["exam"] != true || a["set"] != "fraud" {
			t.Fatalf("assign: %d %v", status, a)
		}
		mine := func() map[string]any {
			_, body := trainee.do("GET", "/api/v1/training/assignments", nil)
			list := body["assignments"].([]any)
			if len(list) != 1 {
				t.Fatalf("assignments: %v", body)
			}
			return list[0].(map[string]any)
		}
		play(t, trainee, scenario, false, good)
		if got := mine(); got["status"] != "open" || got["attempts"].(float64) != 0 {
			t.Errorf("a practice attempt counted toward an exam assignment: %v", got)
		}
		exam := play(t, trainee, scenario, true, good)
		if got := mine(); got["status"] != "passed" || got["passed_session_id"] != exam["id"] {
			t.Errorf("the exam pass did not count: %v", got)
		}
		p = progress()
		if !slices.Contains(p["certified"].([]any), any("fraud")) || fraudSet(p)["certified"] != true {
			t.Errorf("not certified in fraud: %v", p)
		}
		_, all := sup.do("GET", "/api/v1/training/assignments?all=true", nil)
		if list := all["assignments"].([]any); len(list) != 1 || list[0].(map[string]any)["status"] != "passed" {
			t.Errorf("the supervisor's view: %v", all)
		}
		if status, _ := sup.do("GET", fmt.Sprintf("/api/v1/training/progress?user_id=%v", traineeID), nil); status != 200 {
			t.Errorf("the supervisor could not read the trainee's progress: %d", status)
		}

		// A pass mark above the score undoes the pass and the certificate.
		score := exam["score"].(float64)
		if score >= 100 {
			t.Fatalf("the exam scored %v; the test needs a score under 100", score)
		}
		if status, body := admin.do("PUT", "/api/v1/training/pass-marks/fraud", map[string]any{"pass_mark": 100}); status != 200 {
			t.Fatalf("pass mark: %d %v", status, body)
		}
		if got := mine(); got["status"] != "failed" || got["pass_mark"].(float64) != 100 {
			t.Errorf("under a pass mark of 100: %v", got)
		}
		if p := progress(); len(p["certified"].([]any)) != 0 {
			t.Errorf("still certified under a pass mark of 100: %v", p["certified"])
		}
		_, marks := trainee.do("GET", "/api/v1/training/pass-marks", nil)
		if marks["pass_marks"].(map[string]any)["fraud"].(float64) != 100 || marks["pass_marks"].(map[string]any)["delivery"].(float64) != desk.DefaultPassMark {
			t.Errorf("pass marks: %v", marks)
		}

		// Refused.
		for _, tc := range []struct {
			c      apiClient
			method string
			path   string
			body   map[string]any
			want   int
		}{
			{trainee, "POST", "/api/v1/training/assignments", map[string]any{"user_id": traineeID, "scenario_id": scenario}, http.StatusForbidden},
			{sup, "POST", "/api/v1/training/assignments", map[string]any{"user_id": 99999, "scenario_id": scenario}, http.StatusUnprocessableEntity},
			{sup, "POST", "/api/v1/training/assignments", map[string]any{"user_id": traineeID, "scenario_id": "nope"}, http.StatusUnprocessableEntity},
			{sup, "POST", "/api/v1/training/assignments", map[string]any{"user_id": traineeID, "scenario_id": scenario, "due_at": "2001-01-01"}, http.StatusUnprocessableEntity},
			{sup, "POST", "/api/v1/training/assignments", map[string]any{"user_id": traineeID, "scenario_id": scenario, "due_at": "soon"}, http.StatusUnprocessableEntity},
			{trainee, "GET", "/api/v1/training/assignments?all=true", nil, http.StatusForbidden},
			{trainee, "GET", "/api/v1/training/progress?user_id=1", nil, http.StatusNotFound},
			{sup, "PUT", "/api/v1/training/pass-marks/fraud", map[string]any{"pass_mark": 50}, http.StatusForbidden},
			{admin, "PUT", "/api/v1/training/pass-marks/fraud", map[string]any{"pass_mark": 0}, http.StatusUnprocessableEntity},
			{admin, "PUT", "/api/v1/training/pass-marks/no-such-set", map[string]any{"pass_mark": 50}, http.StatusNotFound},
		} {
			if status, body := tc.c.do(tc.method, tc.path, tc.body); status != tc.want {
				t.Errorf("%s %s %v: %d %v, want %d", tc.method, tc.path, tc.body, status, body, tc.want)
			}
		}
	})
}
