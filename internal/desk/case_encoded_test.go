package desk_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestCaseEncodedAnswersAsCase: CaseEncoded, which passes readings on as
// stored, encodes to the same JSON as Case, which decodes them — with
// HTML and non-ASCII text, concerns after the last reply, and a reading
// the desk adjusted (stored with how, which the answer does not show).
func TestCaseEncodedAnswersAsCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		agent := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", Subject: "Charged <twice>",
			Text: "You charged me twice for order 4471 & nobody answers. <b>Fix it</b> NOW!!! Ça suffit 😡", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Reply(ctx, agent, desk.ReplyInput{CaseID: res.CaseID, Text: "Dana, I'm sorry. I will refund the duplicate $59.90 within 3 business days."}); err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{"When will I see the money? Can you also send the invoice?", "And why was I charged twice in the first place?"} {
			if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CaseID: res.CaseID, Text: text, Channel: "email"}); err != nil {
				t.Fatal(err)
			}
		}
		same := func(step string) []byte {
			t.Helper()
			typed, err := d.Case(ctx, res.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			encoded, err := d.CaseEncoded(ctx, res.CaseID)
			if err != nil {
				t.Fatal(err)
			}
			if len(typed.Concerns) == 0 {
				t.Fatalf("%s: no concerns", step)
			}
			a, b := encode(t, typed), encode(t, encoded)
			var va, vb any
			if err := json.Unmarshal(a, &va); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &vb); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(va, vb) {
				t.Fatalf("%s: CaseEncoded answers\n%s\nCase answers\n%s", step, b, a)
			}
			return b
		}
		if b := same("as ingested"); bytes.Contains(b, []byte(`\u003cb\u003e`)) == false {
			t.Fatalf("HTML in the answer is not escaped: %s", b)
		}
		// The first message's reading as the desk stores one it adjusted.
		err = db.Tx(ctx, func(tx *sql.Tx) error {
			var reading string
			if err := tx.QueryRow(`SELECT reading FROM messages WHERE case_id = $1 ORDER BY id LIMIT 1`, res.CaseID).Scan(&reading); err != nil {
				return err
			}
			reading = strings.TrimSuffix(strings.TrimSpace(reading), "}") + `,"adjusted":{"anger_read":91}}`
			_, err := tx.Exec(`UPDATE messages SET reading = $1 WHERE id = (SELECT MIN(id) FROM messages WHERE case_id = $2)`, reading, res.CaseID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if b := same("adjusted"); bytes.Contains(b, []byte(`"adjusted"`)) {
			t.Fatalf("the answer shows how the reading was adjusted: %s", b)
		}
	})
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
