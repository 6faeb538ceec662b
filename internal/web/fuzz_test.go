package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// fuzzRoutes are the API writes whose bodies the fuzzer sends: every kind of
// JSON body the API decodes.
var fuzzRoutes = []string{
	"POST /api/v1/messages",
	"POST /api/v1/cases/1/replies",
	"POST /api/v1/cases/1/escalate",
	"POST /api/v1/cases/1/goodwill",
	"POST /api/v1/cases/1/assign",
	"POST /api/v1/cases/1/category",
	"POST /api/v1/coach/review",
	"POST /api/v1/coach/draft",
	"PUT /api/v1/settings/policy",
	"POST /api/v1/messages/1/corrections",
}

// FuzzAPIBodies sends arbitrary bodies to the API's JSON routes as an admin:
// whatever comes in, the answer is never a 5xx, and every error is in the
// API's envelope. scripts/test runs it for a bounded time.
func FuzzAPIBodies(f *testing.F) {
	db := storetest.Open(f, store.SQLite)
	d := testDesk(db)
	ts := httptest.NewServer(web.New(d, web.Config{}, nil))
	f.Cleanup(ts.Close)
	ctx := context.Background()
	if _, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: "admin@calmdesk.test", Name: "Admin", Role: desk.RoleAdmin, Password: "correct horse battery"}); err != nil {
		f.Fatal(err)
	}
	token, err := d.CreateToken(ctx, desk.SystemActor, "admin@calmdesk.test", "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana@example.com", CustomerName: "Dana", Text: "You charged me twice for order 4471.", Channel: "email"}); err != nil {
		f.Fatal(err)
	}
	seeds := []string{
		`{"customer":{"email":"a@example.com","name":"A"},"text":"Where is my parcel?","channel":"email"}`,
		`{"customer":{"email":"a@example.com"},"text":"x","received_at":"9999-12-31T23:59:59Z"}`,
		`{"text":"Sorry, I will refund it by Friday."}`,
		`{"reply":"Calm down.","case_id":1}`,
		`{"kind":"refund","amount_cents":1500,"currency":"USD","reason":"late"}`,
		`{"reason":"manager request"}`,
		`{"goodwill":{"limits":{"agent":1500}}}`,
		`{"kind":"missed_signal","signal":"legal_threat","note":"lawyer"}`,
		`null`, `[]`, `{"text":5}`, `{"text":"a\u0000b"}`, `{"customer":{"email":"\ud800"}}`, `{`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), []byte(s))
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		method, path, _ := bytes.Cut([]byte(fuzzRoutes[int(route)%len(fuzzRoutes)]), []byte(" "))
		req, err := http.NewRequest(string(method), ts.URL+string(path), bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s %q = %d %s", method, path, body, resp.StatusCode, raw)
		}
		if resp.StatusCode >= 400 {
			var env struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if err := json.Unmarshal(raw, &env); err != nil || env.Error.Code == "" || env.Error.Message == "" {
				t.Fatalf("%s %s %q = %d, not the error envelope: %s", method, path, body, resp.StatusCode, raw)
			}
		}
	})
}
