package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// getTagged GETs path with If-None-Match etag (when given) and returns the
// status, the answer's ETag and its body.
func getTagged(t *testing.T, base, token, path, etag string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), body
}

// TestGetCaseETag: the case's ETag changes with every write that changes
// the answer (a reply, a customer message, a promise closed, writes made
// by another instance on the same database while this one keeps the
// encoded answer), If-None-Match answers 304 only while nothing has
// changed, and a revoked token gets no answer, 304 or not.
func TestGetCaseETag(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := testDesk(db)
		srv := httptest.NewServer(web.New(d, web.Config{}, nil))
		t.Cleanup(srv.Close)
		agent, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		token, err := d.CreateToken(ctx, desk.SystemActor, agent.Email, "")
		if err != nil {
			t.Fatal(err)
		}
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CustomerName: "Dana Reyes",
			Subject: "Charged twice", Text: "You charged me twice for order 4471 and nobody answers. Fix it NOW!!!", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/cases/%d", res.CaseID)

		// current GETs the case, checks that its tag gives 304 and that
		// tags of earlier answers do not, and returns the tag.
		var seen []string
		current := func(step string) string {
			t.Helper()
			status, etag, body := getTagged(t, srv.URL, token, path, "")
			if status != http.StatusOK || etag == "" || !json.Valid(body) {
				t.Fatalf("%s: GET = %d, ETag %q", step, status, etag)
			}
			for _, old := range seen {
				if old == etag {
					t.Fatalf("%s: the ETag did not change (%s)", step, etag)
				}
				if status, _, _ := getTagged(t, srv.URL, token, path, old); status != http.StatusOK {
					t.Fatalf("%s: If-None-Match with an earlier ETag = %d, want 200", step, status)
				}
			}
			if status, etag2, body := getTagged(t, srv.URL, token, path, etag); status != http.StatusNotModified || len(body) != 0 || etag2 != etag {
				t.Fatalf("%s: If-None-Match with the current ETag = %d (ETag %q, %d bytes), want 304 with no body", step, status, etag2, len(body))
			}
			if status, _, _ := getTagged(t, srv.URL, token, path, `"other", W/`+etag); status != http.StatusNotModified {
				t.Fatalf("%s: If-None-Match listing the weak current ETag = %d, want 304", step, status)
			}
			seen = append(seen, etag)
			return etag
		}

		first := current("new case")
		if status, etag, _ := getTagged(t, srv.URL, token, path, ""); etag != first || status != http.StatusOK {
			t.Fatalf("unchanged case: ETag %q then %q", first, etag)
		}
		reply, err := d.Reply(ctx, agent, desk.ReplyInput{CaseID: res.CaseID, Text: "Dana, I'm sorry. I will refund the duplicate $59.90 within 3 business days."})
		if err != nil {
			t.Fatal(err)
		}
		current("after a reply")
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CaseID: res.CaseID,
			Text: "Thanks, but when exactly will I see the money?", Channel: "email"}); err != nil {
			t.Fatal(err)
		}
		current("after an ingest")
		if len(reply.Promises) == 0 {
			t.Fatal("the reply made no promise")
		}
		if _, err := d.ClosePromise(ctx, agent, reply.Promises[0].ID, "kept", "RF-20931"); err != nil {
			t.Fatal(err)
		}
		current("after a promise closed")
		// Another instance: its own desk on the same database. This
		// server keeps the case's encoded answer; the case's version tells
		// it the answer is no longer current.
		other := testDesk(db)
		if _, err := other.Escalate(ctx, desk.UserActor(agent), res.CaseID, "manual", "asks for a manager"); err != nil {
			t.Fatal(err)
		}
		current("after an escalation on another instance")
		if _, err := other.SetCategory(ctx, desk.UserActor(agent), res.CaseID, "billing"); err != nil {
			t.Fatal(err)
		}
		current("after a category set on another instance")
		if _, err := other.OfferGoodwill(ctx, agent, desk.GoodwillInput{CaseID: res.CaseID, Kind: "refund", AmountCents: 500, Reason: "twice charged"}); err != nil {
			t.Fatal(err)
		}
		last := current("after goodwill offered on another instance")
		if status, _, _ := getTagged(t, srv.URL, token, "/api/v1/cases/987654", first); status != http.StatusNotFound {
			t.Fatalf("unknown case with If-None-Match = %d, want 404", status)
		}
		if err := other.RevokeToken(ctx, desk.SystemActor, token); err != nil {
			t.Fatal(err)
		}
		for _, etag := range []string{"", last} {
			if status, _, body := getTagged(t, srv.URL, token, path, etag); status != http.StatusUnauthorized {
				t.Fatalf("revoked token, If-None-Match %q: GET = %d %s, want 401", etag, status, body)
			}
		}
	})
}
