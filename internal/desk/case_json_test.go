package desk_test

import (
	"bytes"
	"context"
	"database/sql"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestCaseAppendJSONIsTheEncoders: CaseDetail.AppendJSON writes the bytes
// encoding/json's Encoder writes, for Case and CaseEncoded, on both
// engines (PostgreSQL gives stored readings back with spaces: they must
// come out compacted), with HTML, U+2028 and non-ASCII in the texts, a
// reply with its review and promise, and a stored reading with spaces
// and HTML characters of its own.
func TestCaseAppendJSONIsTheEncoders(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		agent := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", Subject: "Charged <twice> & more",
			Text: "You charged me twice for order 4471 & nobody answers. <b>Fix it</b> NOW!!! \u2028 Ça suffit 😡", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.Reply(ctx, agent, desk.ReplyInput{CaseID: res.CaseID, Text: "Dana, I'm sorry. I will refund the duplicate $59.90 within 3 business days."}); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CaseID: res.CaseID, Text: "When will I see the money? <script>x</script>", Channel: "email"}); err != nil {
			t.Fatal(err)
		}
		check := func(step string) {
			t.Helper()
			for _, read := range []func(context.Context, int64) (desk.CaseDetail, error){d.Case, d.CaseEncoded} {
				c, err := read(ctx, res.CaseID)
				if err != nil {
					t.Fatal(err)
				}
				want := encode(t, c)
				got, err := c.AppendJSON([]byte("x"))
				if err != nil {
					t.Fatalf("%s: %v", step, err)
				}
				got = append(got[1:], '\n')
				if !bytes.Equal(got, want) {
					t.Fatalf("%s: AppendJSON\n%s\nthe encoder\n%s", step, got, want)
				}
			}
		}
		check("as written")
		if c, _ := d.CaseEncoded(ctx, res.CaseID); !bytes.Contains(encode(t, c), []byte(`"review":{`)) {
			t.Fatal("the reply has no review: the test does not cover one")
		}
		// A stored reading with spaces between its members and HTML
		// characters in a string (as another writer might have stored it).
		err = db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`UPDATE messages SET reading = $1 WHERE id = (SELECT MAX(id) FROM messages WHERE case_id = $2)`,
				`{"language": "en", "supported": true, "anger": 12, "level": "calm", "angry": false, "emotions": {"anger": 0.5},
				"labels": [], "sentiment": "neutral", "sentiment_score": 0, "complaint": false, "reasons": [{"kind": "word", "text": "<b> & `+"\u2028"+`", "start": 0, "end": 3, "weight": 1.5}],
				"concerns": [], "signals": [], "category": "", "sentences": []}`, res.CaseID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		check("spaced reading")
		c, err := d.CaseEncoded(ctx, res.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		if b, _ := c.AppendJSON(nil); !bytes.Contains(b, []byte(`"text":"\u003cb\u003e \u0026 \u2028"`)) {
			t.Fatalf("the stored reading was not escaped: %s", b)
		}
		var empty desk.CaseDetail
		want := encode(t, empty)
		if got, err := empty.AppendJSON(nil); err != nil || !bytes.Equal(append(got, '\n'), want) {
			t.Fatalf("empty case: %s (%v), want %s", got, err, want)
		}
	})
}
