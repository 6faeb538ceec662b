package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestTraineePractisesInTheBrowser: a trainee lands on /training, starts a
// scenario, gets the live coach, replies and reads the scorecard.
func TestTraineePractisesInTheBrowser(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	api, d := newServer(t, db, desk.RoleTrainee)
	b := signedInBrowser(t, api.base, "trainee@calmdesk.test")

	resp, err := b.Get(api.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/training" {
		t.Fatalf("a trainee's home = %d → %q, want /training", resp.StatusCode, resp.Header.Get("Location"))
	}
	status, page := fetch(t, b, "GET", api.base+"/training", nil)
	if status != 200 || !strings.Contains(page, "Express parcel never arrived") || strings.Contains(page, `href="/"`) && strings.Contains(page, ">Inbox<") {
		t.Fatalf("/training = %d, want the scenario list and no inbox link", status)
	}

	resp, err = b.PostForm(api.base+"/training/sessions", url.Values{"scenario_id": {"retail-late-parcel"}, "seed": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	where := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(where, "/training/sessions/") {
		t.Fatalf("start = %d → %q", resp.StatusCode, where)
	}
	status, page = fetch(t, b, "GET", api.base+where, nil)
	if status != 200 || !strings.Contains(page, "I paid extra for express delivery") || !strings.Contains(page, `id="coach"`) {
		t.Fatalf("practice page = %d", status)
	}
	status, frag := fetch(t, b, "POST", api.base+where+"/coach", url.Values{"text": {"Calm down, it's not our fault."}})
	if status != 200 || !strings.Contains(frag, "Minimizing") {
		t.Errorf("live coach = %d %q", status, frag)
	}
	if status, _ = fetch(t, b, "POST", api.base+where+"/reply", url.Values{"text": {goodParcelReply}}); status != http.StatusSeeOther {
		t.Fatalf("reply = %d", status)
	}
	if status, page = fetch(t, b, "GET", api.base+where, nil); status != 200 {
		t.Fatalf("scorecard page = %d", status)
	}
	for _, want := range []string{`id="scorecard"`, "Resolved", `<svg class="chart"`, "Steps of the method"} {
		if !strings.Contains(page, want) {
			t.Errorf("scorecard page lacks %q", want)
		}
	}
	if strings.Contains(page, `id="reply-form"`) {
		t.Error("a finished session still offers the composer")
	}

	// A supervisor sees the trainee's attempt among the team's.
	addUserClient(t, d, api.base, desk.RoleSupervisor)
	sup := signedInBrowser(t, api.base, "supervisor@calmdesk.test")
	if status, page = fetch(t, sup, "GET", api.base+"/training", nil); status != 200 || !strings.Contains(page, "Your team's attempts") || !strings.Contains(page, where) {
		t.Errorf("the supervisor's /training = %d, want the trainee's attempt listed", status)
	}
	if status, page = fetch(t, sup, "GET", api.base+where, nil); status != 200 || strings.Contains(page, `id="reply-form"`) {
		t.Errorf("the supervisor reading the attempt = %d", status)
	}
}
