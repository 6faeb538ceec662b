package web_test

import (
	"net/http"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestCoachReviewRefusesFarOffSentAt: a reply reviewed as sent in year 9999
// dated its promise in year 10000, which JSON cannot write, and the answer
// was a 200 with an empty body (found by TestOpenAPIProperties). A sent_at
// outside 2000 to a year from now is refused with 422.
func TestCoachReviewRefusesFarOffSentAt(t *testing.T) {
	api, _ := newServer(t, storetest.Open(t, store.SQLite), desk.RoleAgent)
	reply := "I'm sorry. I have refunded $49.99; you will see it within 3 business days."
	for _, sentAt := range []string{"9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z"} {
		status, body := api.do("POST", "/api/v1/coach/review", map[string]any{"reply": reply, "customer_text": "Where is my refund?", "sent_at": sentAt})
		if status != http.StatusUnprocessableEntity {
			t.Errorf("sent_at %s: %d %v, want 422", sentAt, status, body)
		}
	}
	status, body := api.do("POST", "/api/v1/coach/review", map[string]any{"reply": reply, "customer_text": "Where is my refund?", "sent_at": "2026-12-04T10:00:00Z"})
	if status != http.StatusOK || body["commitments"] == nil {
		t.Errorf("sent_at in range: %d %v", status, body)
	}
}
