package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/calmdesk/calmdesk/internal/insights"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/textkit"
	"github.com/calmdesk/calmdesk/internal/web"
)

// TestOpenAPIProperties is a schemathesis of our own: from the published
// /api/v1/openapi.json it builds, for every operation, valid requests and
// invalid and boundary ones (missing required fields, wrong types, huge
// strings, negative and overflowing numbers, unknown enum values, bad ids,
// bodies that are not JSON, too large or of the wrong media type), sends
// them as an admin (and a few without a token and as a trainee), and checks
// every answer: never a 5xx, its status documented for the operation, its
// JSON body valid under the documented schema. Wrong methods get 405 with
// Allow in the error envelope. The inputs come from a fixed seed, so a
// failure repeats; the whole run stays well under 30 s on both engines.
func TestOpenAPIProperties(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		start := time.Now()
		p := newPropertyRun(t, db)
		p.run()
		t.Logf("%d requests over %d operations in %v; %d left out for the time budget", p.sent, p.ops, time.Since(start).Round(time.Millisecond), p.skipped)
	})
}

// propertyRun is one run of the property test against one server.
type propertyRun struct {
	t       *testing.T
	base    string
	doc     *apiDoc
	tokens  map[desk.Role]string
	ids     map[string]int64  // real ids for path parameters and id fields
	names   map[string]string // real string ids for path parameters (a training scenario's)
	rnd     *rand.Rand
	sent    int
	skipped int // left out for the time budget
	ops     int
	// What went wrong, each distinct problem once, with how often.
	problems map[string]int
	// undocumented[op] are statuses an operation answered that the
	// document does not list for it.
	undocumented map[string]map[int]string
	succeeded    map[string]bool
}

func newPropertyRun(t *testing.T, db *store.DB) *propertyRun {
	t.Helper()
	d := testDesk(db)
	ts := httptest.NewServer(web.New(d, web.Config{MaxBodyBytes: 512 << 10, Insights: insights.New(db, insights.Options{})}, slog.New(slog.DiscardHandler)))
	t.Cleanup(ts.Close)
	p := &propertyRun{t: t, base: ts.URL, tokens: map[desk.Role]string{}, ids: map[string]int64{}, names: map[string]string{},
		rnd: rand.New(rand.NewPCG(14, 2026)), problems: map[string]int{},
		undocumented: map[string]map[int]string{}, succeeded: map[string]bool{}}
	for _, role := range []desk.Role{desk.RoleAdmin, desk.RoleAgent, desk.RoleTrainee} {
		p.tokens[role] = addUserClient(t, d, ts.URL, role).token
	}

	resp, err := http.Get(ts.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if p.doc, err = parseAPIDoc(raw); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	p.seed(d)
	return p
}

// seed gives the desk something for valid requests to find: cases, a
// customer, a promise, a goodwill offer waiting for approval.
func (p *propertyRun) seed(d *desk.Desk) {
	t := p.t
	ctx := context.Background()
	var caseID int64
	for i, text := range []string{
		"This is the third time I write. You charged me twice for order 4471. Fix it NOW!!!",
		"Where is my parcel? Order 1207 was due Monday.",
		"The blender from order 880 arrived broken.",
		"Could you tell me when my order 512 ships?", // its status is set (the escalate probe escalates the first)
	} {
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("customer%d@example.com", i), CustomerName: "Dana Reyes",
			Subject: "Order trouble", Text: text, Channel: "email", ExternalID: fmt.Sprintf("<seed-%d@example.com>", i)})
		if err != nil {
			t.Fatal(err)
		}
		if caseID == 0 {
			caseID = res.CaseID
		}
	}
	api := apiClient{t: t, base: p.base, token: p.tokens[desk.RoleAgent]}
	post := func(path string, body any, want int) map[string]any {
		status, out := api.do("POST", path, body)
		if status != want {
			t.Fatalf("seed: POST %s: %d %v", path, status, out)
		}
		return out
	}
	promise := map[string]any{"text": "I'm sorry. I have refunded $49.99 and you will see it within 3 business days."}
	first := post(fmt.Sprintf("/api/v1/cases/%d/replies", caseID), promise, http.StatusCreated)
	second := post(fmt.Sprintf("/api/v1/cases/%d/replies", caseID+1), promise, http.StatusCreated)
	commitmentID := func(reply map[string]any) int64 {
		list, _ := reply["commitments"].([]any)
		if len(list) == 0 {
			t.Fatalf("seed reply made no commitment: %v", reply)
		}
		return int64(list[0].(map[string]any)["id"].(float64))
	}
	offer := map[string]any{"kind": "refund", "amount_cents": 9000, "reason": "late"}
	gw1 := post(fmt.Sprintf("/api/v1/cases/%d/goodwill", caseID), offer, http.StatusCreated)
	gw2 := post(fmt.Sprintf("/api/v1/cases/%d/goodwill", caseID+1), offer, http.StatusCreated)
	if gw1["status"] != "pending" || gw2["status"] != "pending" {
		t.Fatalf("seed goodwill is not waiting for approval: %v %v", gw1, gw2)
	}
	post(fmt.Sprintf("/api/v1/cases/%d/escalate", caseID+2), map[string]any{"reason": "manager request"}, http.StatusOK)
	status, got := api.do("GET", fmt.Sprintf("/api/v1/cases/%d", caseID), nil)
	if status != http.StatusOK {
		t.Fatalf("seed case: %d %v", status, got)
	}
	status, me := api.do("GET", "/api/v1/me", nil)
	if status != http.StatusOK {
		t.Fatalf("me: %d %v", status, me)
	}
	p.ids["case_id"] = caseID
	p.ids["user_id"] = int64(me["user"].(map[string]any)["id"].(float64))
	p.ids["/api/v1/cases/{id}"] = caseID
	p.ids["/api/v1/cases/{id}/resolve"] = caseID + 1
	p.ids["/api/v1/cases/{id}/deescalate"] = caseID + 2
	p.ids["/api/v1/cases/{id}/status"] = caseID + 3
	p.ids["/api/v1/commitments/{id}"] = commitmentID(first)
	p.ids["/api/v1/commitments/{id}/cancel"] = commitmentID(second)
	p.ids["/api/v1/goodwill/{id}"] = int64(gw1["id"].(float64))
	p.ids["/api/v1/goodwill/{id}/decline"] = int64(gw2["id"].(float64))
	p.ids["/api/v1/customers/{id}"] = int64(got["customer"].(map[string]any)["id"].(float64))
	p.ids["/api/v1/attachments/{id}"] = 1
	msgs, _ := got["messages"].([]any)
	if len(msgs) == 0 {
		t.Fatalf("seed case has no messages: %v", got)
	}
	p.ids["/api/v1/messages/{id}/corrections"] = int64(msgs[0].(map[string]any)["id"].(float64)) // the customer's first message
	p.ids["/api/v1/training/scenarios/from-case/{case_id}"] = caseID + 1                         // resolved by the resolve probe, which runs first

	admin := apiClient{t: t, base: p.base, token: p.tokens[desk.RoleAdmin]}
	status, session := admin.do("POST", "/api/v1/training/sessions", map[string]any{"scenario_id": "retail-late-parcel", "seed": 1})
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("seed training session: %d %v", status, session)
	}
	p.ids["/api/v1/training/sessions/{id}"] = int64(session["id"].(float64))

	// A scenario drafted from a resolved case, for the probes that edit,
	// publish and retire one.
	res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "customer9@example.com", CustomerName: "Robin Hale",
		Subject: "Broken kettle", Text: "The kettle I bought last week stopped working. I want a replacement.", Channel: "email", ExternalID: "<seed-9@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	if status, out := admin.do("POST", fmt.Sprintf("/api/v1/cases/%d/resolve", res.CaseID), map[string]any{}); status != http.StatusOK {
		t.Fatalf("seed: resolve: %d %v", status, out)
	}
	status, drafted := admin.do("POST", fmt.Sprintf("/api/v1/training/scenarios/from-case/%d", res.CaseID), nil)
	if status != http.StatusCreated {
		t.Fatalf("seed: scenario from case: %d %v", status, drafted)
	}
	p.names["/api/v1/training/scenarios/{id}"] = drafted["id"].(string)
	p.names["/api/v1/training/pass-marks/{set}"] = "delivery"

	// Saved replies: shared ones of the agent's, which the admin (who sends
	// the valid requests) may change and delete; one for each.
	for _, method := range []string{"PUT", "DELETE"} {
		sr := post("/api/v1/saved-replies", map[string]any{"title": "Seed " + method, "body": "Hi {{first_name}}, I'm sorry about order {{order_number}}.", "shared": true}, http.StatusCreated)
		p.ids[method+" /api/v1/saved-replies/{id}"] = int64(sr["id"].(float64))
	}

	// An inbox view of the admin's own (the one who sends valid requests).
	if status, v := admin.do("POST", "/api/v1/inbox-views", map[string]any{"name": "Seed", "query": "view=mine"}); status != http.StatusCreated {
		t.Fatalf("seed: inbox view: %d %v", status, v)
	} else {
		p.ids["DELETE /api/v1/inbox-views/{id}"] = int64(v["id"].(float64))
	}

	// People: one to edit, one to deactivate, one deactivated to bring
	// back; none of them is a user whose token the run sends.
	for _, who := range []string{"edit", "deactivate", "reactivate"} {
		u, _, err := d.AddUser(ctx, desk.SystemActor, desk.NewUser{Email: who + "@people.test", Name: who, Role: desk.RoleAgent})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/users/{id}/" + who
		if who == "edit" {
			path = "/api/v1/users/{id}"
		}
		p.ids[path] = u.ID
		if who == "reactivate" {
			if status, out := admin.do("POST", fmt.Sprintf("/api/v1/users/%d/deactivate", u.ID), nil); status != http.StatusOK {
				t.Fatalf("seed: deactivate: %d %v", status, out)
			}
		}
	}
}

// probe is one request the run sends.
type probe struct {
	why         string // what it tries, for failure messages
	method      string
	path        string // with the id filled in
	query       url.Values
	body        []byte
	contentType string
	role        desk.Role // "" sends no token
}

// budget bounds the requests of one engine's run. An idle machine sends
// them all in a few seconds (20 s under the race detector); on a machine
// shared with much other work the run stops at the budget and says how
// many it left out, rather than hold the test suite up.
const budget = 20 * time.Second

func (p *propertyRun) run() {
	paths := make([]string, 0, len(p.doc.Paths))
	for path := range p.doc.Paths {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	type operation struct {
		name   string
		op     *apiOperation
		probes []probe
	}
	var ops []operation
	for _, path := range paths {
		methods := make([]string, 0, len(p.doc.Paths[path]))
		for m := range p.doc.Paths[path] {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := p.doc.Paths[path][m]
			ops = append(ops, operation{strings.ToUpper(m) + " " + path, op, p.probes(strings.ToUpper(m), path, op)})
		}
		p.wrongMethod(path)
	}
	p.ops = len(ops)
	// Round the operations, one probe of each at a time, so that a run cut
	// short by the budget still tried every operation, valid requests first.
	deadline := time.Now().Add(budget)
	for i := 0; ; i++ {
		more := false
		for _, o := range ops {
			if i >= len(o.probes) {
				continue
			}
			more = true
			if time.Now().After(deadline) {
				p.skipped++
				continue
			}
			p.send(o.name, o.op, o.probes[i])
		}
		if !more {
			break
		}
	}
	p.report()
}

// report fails the test with every distinct problem found.
func (p *propertyRun) report() {
	t := p.t
	var ops []string
	for op := range p.undocumented {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	for _, op := range ops {
		var codes []int
		for c := range p.undocumented[op] {
			codes = append(codes, c)
		}
		slices.Sort(codes)
		for _, c := range codes {
			t.Errorf("%s answered %d, which openapi.json does not document for it (e.g. %s)", op, c, p.undocumented[op][c])
		}
	}
	var problems []string
	for pr, n := range p.problems {
		problems = append(problems, fmt.Sprintf("%s (%d×)", pr, n))
	}
	sort.Strings(problems)
	for i, pr := range problems {
		if i == 40 {
			t.Errorf("… and %d more problems", len(problems)-40)
			break
		}
		t.Error(pr)
	}
	for path, ops := range p.doc.Paths {
		for m := range ops {
			name := strings.ToUpper(m) + " " + path
			if !p.succeeded[name] && name != "GET /api/v1/attachments/{id}" && p.skipped == 0 { // the seed has no attachment
				t.Errorf("%s never succeeded: the generator's valid requests are not valid", name)
			}
		}
	}
}

// send sends one probe and checks the answer against the operation.
func (p *propertyRun) send(opName string, op *apiOperation, pr probe) {
	p.sent++
	u := p.base + pr.path
	if len(pr.query) > 0 {
		u += "?" + pr.query.Encode()
	}
	var body io.Reader
	if pr.body != nil {
		body = bytes.NewReader(pr.body)
	}
	req, err := http.NewRequest(pr.method, u, body)
	if err != nil {
		p.t.Fatal(err)
	}
	if pr.contentType != "" {
		req.Header.Set("Content-Type", pr.contentType)
	}
	if pr.role != "" {
		req.Header.Set("Authorization", "Bearer "+p.tokens[pr.role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		p.problems[fmt.Sprintf("%s, %s: no answer: %v", opName, pr.why, err)]++
		return
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	status := resp.StatusCode
	if status >= 500 {
		p.problems[fmt.Sprintf("%s, %s: %d %s", opName, pr.why, status, clip(raw))]++
		return
	}
	if status < 300 {
		p.succeeded[opName] = true
	}
	documented, ok := op.Responses[strconv.Itoa(status)]
	if !ok {
		documented, ok = op.Responses[strconv.Itoa(status/100)+"XX"]
	}
	if !ok {
		documented, ok = op.Responses["default"]
	}
	if !ok {
		if p.undocumented[opName] == nil {
			p.undocumented[opName] = map[int]string{}
		}
		if _, seen := p.undocumented[opName][status]; !seen {
			p.undocumented[opName][status] = pr.why + ": " + clip(raw)
		}
		return
	}
	mt, isJSON := documented.Content["application/json"]
	if !isJSON {
		return // the attachment's bytes: any type
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		p.problems[fmt.Sprintf("%s, %s: %d with Content-Type %q, documented application/json", opName, pr.why, status, ct)]++
		return
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		p.problems[fmt.Sprintf("%s, %s: %d body is not JSON: %v", opName, pr.why, status, err)]++
		return
	}
	for _, e := range validate(mt.Schema, v, "") {
		// Keyed by what is wrong, not by the probe: one schema mismatch is
		// one problem however many requests show it.
		p.problems[fmt.Sprintf("%s %d: body does not match the documented schema: %s", opName, status, e)]++
	}
}

// wrongMethod sends every method the path lacks: 405 with Allow, in the
// envelope.
func (p *propertyRun) wrongMethod(path string) {
	ops := p.doc.Paths[path]
	var allowed []string
	for m := range ops {
		allowed = append(allowed, strings.ToUpper(m))
	}
	filled := strings.ReplaceAll(path, "{id}", "1")
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		if slices.Contains(allowed, m) {
			continue
		}
		p.sent++
		req, _ := http.NewRequest(m, p.base+filled, nil)
		req.Header.Set("Authorization", "Bearer "+p.tokens[desk.RoleAdmin])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			p.t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var env struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		allow := resp.Header.Get("Allow")
		if resp.StatusCode != http.StatusMethodNotAllowed || json.Unmarshal(raw, &env) != nil || env.Error.Message == "" {
			p.problems[fmt.Sprintf("%s %s: %d %s, want 405 in the envelope", m, path, resp.StatusCode, clip(raw))]++
			continue
		}
		for _, a := range allowed {
			if !strings.Contains(allow, a) {
				p.problems[fmt.Sprintf("%s %s: Allow %q lacks %s", m, path, allow, a)]++
			}
		}
	}
}

func clip(b []byte) string { return textkit.Shorten(string(bytes.TrimSpace(b)), 200) }
