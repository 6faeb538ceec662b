package desk_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestCaseAnswerFollowsEveryWrite: after each kind of write to a row the
// case's answer is read from — through the desk, or straight in SQL to
// each table the answer reads (insert, update, delete) — the case's
// version has moved and CaseAnswer gives the answer as read afresh, not
// one it kept. The writes are made by a second desk on the same
// database, as another instance would make them.
func TestCaseAnswerFollowsEveryWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		reader := newDesk(t, db)
		writer := newDesk(t, db)
		agent := mustUser(t, writer, "sam@calmdesk.test", desk.RoleAgent)
		boss := mustUser(t, writer, "ana@calmdesk.test", desk.RoleSupervisor)
		res, err := writer.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", Subject: "Charged twice",
			Text: "You charged me twice for order 4471 and nobody answers. Fix it NOW!!!", Channel: "email"})
		if err != nil {
			t.Fatal(err)
		}
		id := res.CaseID
		exec := func(query string, args ...any) error {
			_, err := db.Writer().ExecContext(ctx, query, args...)
			return err
		}
		var promiseID, goodwillID, inboundID int64
		steps := []struct {
			name  string
			write func() error
		}{
			{"reply", func() error {
				r, err := writer.Reply(ctx, agent, desk.ReplyInput{CaseID: id, Text: "Dana, I'm sorry. I will refund the duplicate $59.90 within 3 business days."})
				if err == nil && len(r.Promises) > 0 {
					promiseID = r.Promises[0].ID
				}
				return err
			}},
			{"ingest", func() error {
				r, err := writer.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", CaseID: id, Text: "When will I see the money?", Channel: "email",
					Attachments: []desk.Attachment{{Filename: "statement.pdf", ContentType: "application/pdf", Size: 3, Data: []byte("pdf")}}})
				inboundID = r.MessageID
				return err
			}},
			{"the customer writes on another case", func() error {
				_, err := writer.Ingest(ctx, desk.InboundMessage{CustomerEmail: "dana.reyes@example.com", Subject: "Another order", Text: "Where is order 5512?", Channel: "email"})
				return err
			}},
			{"commitment kept", func() error {
				_, err := writer.ClosePromise(ctx, agent, promiseID, "kept", "RF-20931")
				return err
			}},
			{"escalate", func() error {
				_, err := writer.Escalate(ctx, desk.UserActor(agent), id, "manual", "asks for a manager")
				return err
			}},
			{"de-escalate", func() error {
				_, err := writer.Deescalate(ctx, desk.UserActor(agent), id, "calmer")
				return err
			}},
			{"assign", func() error {
				_, err := writer.Assign(ctx, desk.UserActor(agent), id, agent.ID)
				return err
			}},
			{"category", func() error {
				_, err := writer.SetCategory(ctx, desk.UserActor(agent), id, "billing")
				return err
			}},
			{"goodwill offered", func() error {
				g, err := writer.OfferGoodwill(ctx, agent, desk.GoodwillInput{CaseID: id, Kind: "refund", AmountCents: 500000, Reason: "twice charged"})
				goodwillID = g.ID
				return err
			}},
			{"goodwill decided", func() error {
				_, err := writer.DecideGoodwill(ctx, boss, goodwillID, false, "too much")
				return err
			}},
			{"resolve", func() error {
				_, err := writer.Resolve(ctx, desk.UserActor(agent), id)
				return err
			}},
			{"customer row", func() error {
				return exec(`UPDATE customers SET name = 'Dana R.' WHERE email = 'dana.reyes@example.com'`)
			}},
			{"message updated", func() error {
				return exec(`UPDATE messages SET clean_text = clean_text || '.' WHERE id = $1`, inboundID)
			}},
			{"attachment added", func() error {
				return exec(`INSERT INTO attachments (message_id, filename, content_type, size) VALUES ($1, 'b.txt', 'text/plain', 1)`, inboundID)
			}},
			{"attachment updated", func() error { return exec(`UPDATE attachments SET filename = 'c.txt' WHERE filename = 'b.txt'`) }},
			{"attachment deleted", func() error { return exec(`DELETE FROM attachments WHERE filename = 'c.txt'`) }},
			{"escalation updated", func() error { return exec(`UPDATE escalations SET reason = 'edited' WHERE case_id = $1`, id) }},
			{"escalation deleted", func() error { return exec(`DELETE FROM escalations WHERE case_id = $1`, id) }},
			{"commitment updated", func() error { return exec(`UPDATE commitments SET note = 'edited' WHERE case_id = $1`, id) }},
			{"commitment deleted", func() error { return exec(`DELETE FROM commitments WHERE case_id = $1`, id) }},
			{"goodwill updated", func() error { return exec(`UPDATE goodwill SET reason = 'edited' WHERE case_id = $1`, id) }},
			{"goodwill deleted", func() error { return exec(`DELETE FROM goodwill WHERE case_id = $1`, id) }},
			{"survey added", func() error {
				return exec(`INSERT INTO surveys (case_id, token_hash, status, due_at, created_at) VALUES ($1, $2, 'scheduled', $3, $3)`,
					id, []byte("survey-token-hash"), time.Now().UTC())
			}},
			{"survey updated", func() error { return exec(`UPDATE surveys SET status = 'cancelled' WHERE case_id = $1`, id) }},
			{"survey deleted", func() error { return exec(`DELETE FROM surveys WHERE case_id = $1`, id) }},
			{"case row", func() error { return exec(`UPDATE cases SET subject = 'Charged twice (edited)' WHERE id = $1`, id) }},
		}
		version := func() [2]int64 {
			var v [2]int64
			if err := db.Read().QueryRowContext(ctx, `SELECT c.version, cu.version FROM cases c JOIN customers cu ON cu.id = c.customer_id WHERE c.id = $1`, id).
				Scan(&v[0], &v[1]); err != nil {
				t.Fatal(err)
			}
			return v
		}
		prev, err := reader.CaseAnswer(ctx, agent, id, desk.AllCaseParts)
		if err != nil {
			t.Fatal(err)
		}
		for _, step := range steps {
			before := version()
			if err := step.write(); err != nil {
				t.Fatalf("%s: %v", step.name, err)
			}
			if version() == before {
				t.Errorf("%s: the case's version did not move (%v)", step.name, before)
			}
			got, err := reader.CaseAnswer(ctx, agent, id, desk.AllCaseParts)
			if err != nil {
				t.Fatal(err)
			}
			fresh, err := reader.CaseEncoded(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if want := encode(t, fresh); !bytes.Equal(got.Body, want) {
				t.Errorf("%s: CaseAnswer is not the case as read now:\n got %s\nwant %s", step.name, got.Body, want)
			}
			if got.ETag == prev.ETag || got.ETag != desk.ETag(got.Body) {
				t.Errorf("%s: ETag %s after %s, want the new answer's hash", step.name, got.ETag, prev.ETag)
			}
			prev = got
		}
	})
}

// TestCaseAnswerChecksTheUser: the desk, not only the route, checks that
// the user may read cases — from the user's row as it is now, so a role
// taken away or a user disabled is refused even while the case's answer
// is kept.
func TestCaseAnswerChecksTheUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		agent := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		trainee := mustUser(t, d, "tim@calmdesk.test", desk.RoleTrainee)
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.CaseAnswer(ctx, agent, res.CaseID, desk.AllCaseParts); err != nil {
			t.Fatal(err)
		}
		exec := func(query string, args ...any) {
			t.Helper()
			if _, err := db.Writer().ExecContext(ctx, query, args...); err != nil {
				t.Fatal(err)
			}
		}
		var forbidden *desk.ForbiddenError
		for _, tc := range []struct {
			name  string
			setup func()
			u     desk.User
			id    int64
			want  func(error) bool
		}{
			{"agent", func() {}, agent, res.CaseID, func(err error) bool { return err == nil }},
			{"unknown case", func() {}, agent, res.CaseID + 1000, func(err error) bool { return errors.Is(err, desk.ErrNotFound) }},
			{"trainee", func() {}, trainee, res.CaseID, func(err error) bool { return errors.As(err, &forbidden) }},
			{"a user who is not there", func() {}, desk.User{ID: 987654, Role: desk.RoleAdmin}, res.CaseID, func(err error) bool { return errors.As(err, &forbidden) }},
			// The caller's copy still says agent; the row no longer does.
			{"role taken away", func() { exec(`UPDATE users SET role = 'trainee' WHERE id = $1`, agent.ID) }, agent, res.CaseID,
				func(err error) bool { return errors.As(err, &forbidden) }},
			{"disabled", func() {
				exec(`UPDATE users SET role = 'agent', disabled_at = $2 WHERE id = $1`, agent.ID, time.Now().UTC())
			}, agent, res.CaseID, func(err error) bool { return errors.As(err, &forbidden) }},
		} {
			tc.setup()
			if _, err := d.CaseAnswer(ctx, tc.u, tc.id, desk.AllCaseParts); !tc.want(err) {
				t.Errorf("%s: CaseAnswer error = %v", tc.name, err)
			}
		}
	})
}
