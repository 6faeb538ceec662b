package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// Refused forms come back with the error next to the field and the typed
// input kept: adding a person in the settings, a saved reply.
func TestFormsKeepInputAndSayWhatIsWrong(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		api, _ := newServer(t, db, desk.RoleAdmin)
		b := signedInBrowser(t, api.base, "admin@calmdesk.test")
		for _, tc := range []struct {
			name, path string
			form       url.Values
			want       []string // in the page that comes back
		}{
			{"a person with a bad email", "/settings/users", url.Values{"name": {"Jo Park"}, "email": {"jo-at-example"}, "role": {"supervisor"}, "skills": {"billing"}},
				[]string{`id="u-email-err"`, `aria-invalid="true" aria-describedby="u-email-err"`, `value="Jo Park"`, `value="jo-at-example"`, `value="billing"`, `<option value="supervisor" selected>`}},
			{"a person with an unknown role", "/settings/users", url.Values{"name": {"Jo Park"}, "email": {"jo@example.com"}, "role": {"boss"}},
				[]string{`id="u-role-err"`, `value="jo@example.com"`}},
			{"a saved reply with a mistyped placeholder", "/saved-replies", url.Values{"title": {"Late parcel"}, "body": {"Hi {{frist_name}}"}},
				[]string{`id="new-body-err"`, "frist_name", `value="Late parcel"`, "Hi {{frist_name}}</textarea>"}},
		} {
			status, page := fetch(t, b, "POST", api.base+tc.path, tc.form)
			if status != 422 {
				t.Errorf("%s: status %d, want 422", tc.name, status)
			}
			for _, w := range tc.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s: the page lacks %s", tc.name, w)
				}
			}
			if strings.Contains(page, "json:") || strings.Contains(page, "Go struct") {
				t.Errorf("%s: the page shows a decoder's message", tc.name)
			}
		}
	})
}
