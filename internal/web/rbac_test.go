package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/insights"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
	"github.com/calmdesk/calmdesk/internal/web"
)

// publicByDesign are the routes open without signing in, each on purpose.
// A new public route fails the matrix until it is added here.
var publicByDesign = []string{
	"GET /api/v1/openapi.json", "/api/", "GET /healthz", "GET /readyz", "GET /metrics", "GET /static/",
	"GET /login", "POST /login", "POST /logout",
	"GET /survey/{token}", "POST /survey/{token}",
	"GET /contact", "POST /contact", "GET /contact/embed", "POST /contact/embed",
	"GET /favicon.ico", "/", // the icon, and the styled 404 for what no route takes
}

// handlerDecides are routes open to every signed-in user whose handler
// refuses some roles itself (with a friendlier page than the bare 403).
var handlerDecides = map[string][]desk.Role{}

// TestRBACMatrix calls every API route and every page as every role, with
// a token, with a browser session and with neither, and checks each answer
// against the route table's permission. Path ids name nothing, so allowed
// calls end in 404 or 422 and change nothing; what matters is that they get
// past the permission check, and refused ones do not.
func TestRBACMatrix(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	d := testDesk(db)
	srv := web.New(d, web.Config{Insights: insights.New(db, insights.Options{})}, nil)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	api, pages, public := web.RouteDecisions(srv)

	slices.Sort(public)
	want := slices.Clone(publicByDesign)
	slices.Sort(want)
	if !slices.Equal(public, want) {
		t.Errorf("public routes = %v\nwant (publicByDesign) %v", public, want)
	}

	roles := []desk.Role{desk.RoleTrainee, desk.RoleAgent, desk.RoleSupervisor, desk.RoleAdmin}
	tokens := map[desk.Role]string{}
	sessions := map[desk.Role]*http.Client{}
	for _, role := range roles {
		tokens[role] = addUserClient(t, d, ts.URL, role).token
		sessions[role] = signedInBrowser(t, ts.URL, string(role)+"@calmdesk.test")
	}
	anonymous := browser(t)

	call := func(c *http.Client, pattern, token string, api bool) int {
		t.Helper()
		method, path, _ := strings.Cut(pattern, " ")
		path = strings.NewReplacer("{id}", "9999", "{token}", "no-such-token", "{$}", "").Replace(path)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var body *strings.Reader
		ctype := "application/x-www-form-urlencoded"
		if api {
			body, ctype = strings.NewReader("{}"), "application/json"
		} else {
			body = strings.NewReader("")
		}
		req, err := http.NewRequestWithContext(ctx, method, ts.URL+path, body)
		if err != nil {
			t.Fatal(err)
		}
		if method != "GET" {
			req.Header.Set("Content-Type", ctype)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req) // returns at the headers: an event stream is not read
		if err != nil {
			t.Fatalf("%s: %v", pattern, err)
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login") {
			return http.StatusUnauthorized // the pages' way of saying "sign in"
		}
		return resp.StatusCode
	}
	allowed := func(role desk.Role, pattern string, perm desk.Permission) bool {
		return (perm == "" || role.Can(perm)) && !slices.Contains(handlerDecides[pattern], role)
	}
	check := func(pattern, who string, got int, allow bool) {
		t.Helper()
		switch {
		case allow && (got == http.StatusUnauthorized || got == http.StatusForbidden || got >= 500):
			t.Errorf("%s as %s = %d, want it allowed (not 401/403/5xx)", pattern, who, got)
		case !allow && got != http.StatusForbidden && got != http.StatusUnauthorized:
			t.Errorf("%s as %s = %d, want it refused", pattern, who, got)
		}
	}

	for pattern, perm := range api {
		if got := call(anonymous, pattern, "", true); got != http.StatusUnauthorized {
			t.Errorf("%s with no credentials = %d, want 401", pattern, got)
		}
		for _, role := range roles {
			check(pattern, string(role)+" (token)", call(anonymous, pattern, tokens[role], true), allowed(role, pattern, perm))
			check(pattern, string(role)+" (session)", call(sessions[role], pattern, "", true), allowed(role, pattern, perm))
		}
	}
	for pattern, perm := range pages {
		if got := call(anonymous, pattern, "", false); got != http.StatusUnauthorized {
			t.Errorf("page %s with no session = %d, want the sign-in page", pattern, got)
		}
		for _, role := range roles {
			// A token is for the API: pages ask a token holder to sign in.
			if got := call(anonymous, pattern, tokens[role], false); got != http.StatusUnauthorized {
				t.Errorf("page %s with %s's token = %d, want the sign-in page", pattern, role, got)
			}
			got := call(sessions[role], pattern, "", false)
			check(pattern, string(role)+" (session)", got, allowed(role, pattern, perm))
			if !allowed(role, pattern, perm) && got != http.StatusForbidden {
				t.Errorf("page %s as %s = %d, want 403", pattern, role, got)
			}
		}
	}
}
