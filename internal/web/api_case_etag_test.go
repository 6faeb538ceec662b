package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
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

// chargedTwice serves a desk on db with an agent, their API token and
// one case: Dana's message about a double charge.
func chargedTwice(t *testing.T, db *store.DB) (d *desk.Desk, srv *httptest.Server, agent desk.User, token string, res desk.IngestResult) {
	t.Helper()
	ctx := context.Background()
	d = testDesk(db)
	srv = httptest.NewServer(web.New(d, web.Config{}, nil))
	t.Cleanup(srv.Close)
	agent, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "sam@calmdesk.test", Name: "Sam", Role: desk.RoleAgent, Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	if token, err = d.CreateToken(ctx, desk.SystemActor, agent.Email, ""); err != nil {
		t.Fatal(err)
	}
	res, err = d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CustomerName: "Dana Reyes",
		Subject: "Charged twice", Text: "You charged me twice for order 4471 and nobody answers. Fix it NOW!!!", Channel: "email"})
	if err != nil {
		t.Fatal(err)
	}
	return d, srv, agent, token, res
}

// TestGetCaseETag: the case's ETag changes with every write that changes
// the answer (a reply, a customer message, a promise closed, writes made
// by another instance on the same database while this one keeps the
// encoded answer), If-None-Match answers 304 only while nothing has
// changed, and a revoked token gets no answer, 304 or not.
func TestGetCaseETag(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, srv, agent, token, res := chargedTwice(t, db)
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

// TestGetCaseInclude: ?include= answers the case with the parts named
// and no others, each selection under its own ETag (304 for it alone);
// no include is the whole case the API contract names; a part that does
// not exist is a 422 naming the field.
func TestGetCaseInclude(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, srv, agent, token, res := chargedTwice(t, db)
		if _, err := d.Reply(ctx, agent, desk.ReplyInput{CaseID: res.CaseID, Text: "Dana, I'm sorry. I will refund the duplicate $59.90 within 3 business days."}); err != nil {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/api/v1/cases/%d", res.CaseID)
		parts := []string{"messages", "concerns", "escalations", "commitments", "surveys", "goodwill"}
		tags := map[string]string{}
		for _, tc := range []struct {
			query    string
			want     []string // the parts in the answer
			readings bool
		}{
			{"", parts, true},
			{"?include=messages,readings,concerns,escalations,commitments,surveys,goodwill", parts, true},
			{"?include=", nil, false},
			{"?include=messages", []string{"messages"}, false},
			{"?include=messages,readings", []string{"messages"}, true},
			{"?include=readings", []string{"messages"}, true},
			{"?include=commitments%2Cescalations", []string{"escalations", "commitments"}, false},
		} {
			status, etag, body := getTagged(t, srv.URL, token, path+tc.query, "")
			var answer map[string]json.RawMessage
			if status != http.StatusOK || json.Unmarshal(body, &answer) != nil {
				t.Fatalf("GET %s = %d %s", tc.query, status, body)
			}
			if answer["id"] == nil || answer["status"] == nil || answer["customer"] == nil {
				t.Errorf("GET %s: the case's own fields are missing: %s", tc.query, body)
			}
			for _, p := range parts {
				if _, ok := answer[p]; ok != slices.Contains(tc.want, p) {
					t.Errorf("GET %s: part %q present %v, want %v", tc.query, p, ok, !ok)
				}
			}
			if msgs, ok := answer["messages"]; ok {
				var list []map[string]json.RawMessage
				if err := json.Unmarshal(msgs, &list); err != nil || len(list) != 2 {
					t.Fatalf("GET %s: messages %s", tc.query, msgs)
				}
				if _, has := list[0]["reading"]; has != tc.readings {
					t.Errorf("GET %s: the customer's message has a reading %v, want %v", tc.query, has, tc.readings)
				}
			}
			if status, _, _ := getTagged(t, srv.URL, token, path+tc.query, etag); status != http.StatusNotModified {
				t.Errorf("GET %s with its own ETag = %d, want 304", tc.query, status)
			}
			tags[tc.query] = etag
		}
		if tags[""] != tags["?include=messages,readings,concerns,escalations,commitments,surveys,goodwill"] {
			t.Error("every part named is not the same answer as no include")
		}
		if tags[""] == tags["?include=messages"] || tags["?include="] == tags["?include=messages"] {
			t.Error("different selections share an ETag")
		}
		if status, _, _ := getTagged(t, srv.URL, token, path+"?include=messages", tags[""]); status != http.StatusOK {
			t.Errorf("include=messages with the whole answer's ETag = %d, want 200", status)
		}
		for _, bad := range []string{"?include=promises", "?include=MESSAGES", "?include=messages,%27%3B%20DROP%20TABLE%20cases", "?include=messages,,x"} {
			status, _, body := getTagged(t, srv.URL, token, path+bad, "")
			var e struct {
				Error struct {
					Code   string            `json:"code"`
					Fields map[string]string `json:"fields"`
				} `json:"error"`
			}
			if status != http.StatusUnprocessableEntity || json.Unmarshal(body, &e) != nil || e.Error.Fields["include"] == "" {
				t.Errorf("GET %s = %d %s, want 422 naming include", bad, status, body)
			}
		}
	})
}
