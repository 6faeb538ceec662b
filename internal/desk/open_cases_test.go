package desk_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

// TestOpenCaseCountsFollowEveryChange: each user's count of open cases,
// kept by triggers for assignment (migration 00024), equals a count of
// their cases after every kind of change — through the desk, and straight
// in SQL to the cases table — and least-loaded assignment reads it: the
// agent who resolved cases gets the next one.
func TestOpenCaseCountsFollowEveryChange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d := newDesk(t, db)
		ana := mustUser(t, d, "ana@calmdesk.test", desk.RoleAgent)
		ben := mustUser(t, d, "ben@calmdesk.test", desk.RoleAgent)
		boss := mustUser(t, d, "boss@calmdesk.test", desk.RoleSupervisor)
		check := func(step string) {
			t.Helper()
			rows, err := db.Read().QueryContext(ctx, `SELECT u.id, u.open_cases,
				(SELECT count(*) FROM cases c WHERE c.assignee_id = u.id AND c.status IN ('new', 'open', 'pending', 'escalated'))
				FROM users u ORDER BY u.id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var id, kept, counted int
				if err := rows.Scan(&id, &kept, &counted); err != nil {
					t.Fatal(err)
				}
				if kept != counted {
					t.Errorf("%s: user %d has open_cases %d, but %d open cases", step, id, kept, counted)
				}
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
		}
		exec := func(query string, args ...any) {
			t.Helper()
			if _, err := db.Writer().ExecContext(ctx, query, args...); err != nil {
				t.Fatal(err)
			}
		}
		var ids []int64
		for i := range 4 {
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("c%d@example.com", i), Subject: "Order", Text: "Where is my order? It is a week late."})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.CaseID)
		}
		check("four cases ingested")
		steps := []struct {
			name string
			do   func() error
		}{
			{"reassigned to ben", func() error { _, err := d.Assign(ctx, desk.UserActor(boss), ids[0], ben.ID); return err }},
			{"unassigned", func() error { _, err := d.Assign(ctx, desk.UserActor(boss), ids[1], 0); return err }},
			{"assigned to the supervisor", func() error { _, err := d.Assign(ctx, desk.UserActor(boss), ids[1], boss.ID); return err }},
			{"on hold", func() error { _, err := d.SetStatus(ctx, ana, ids[2], desk.StatusOnHold); return err }},
			{"open again", func() error { _, err := d.SetStatus(ctx, ana, ids[2], desk.StatusOpen); return err }},
			{"escalated", func() error {
				_, err := d.Escalate(ctx, desk.UserActor(ana), ids[3], "manual", "asks for a manager")
				return err
			}},
			{"resolved", func() error { _, err := d.Resolve(ctx, desk.UserActor(ana), ids[2]); return err }},
			{"reopened by the customer", func() error {
				_, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "c2@example.com", CaseID: ids[2], Text: "It still has not come."})
				return err
			}},
			{"status in SQL", func() error {
				_, err := db.Writer().ExecContext(ctx, `UPDATE cases SET status = 'closed' WHERE id = $1`, ids[3])
				return err
			}},
			{"assignee and status in SQL at once", func() error {
				_, err := db.Writer().ExecContext(ctx, `UPDATE cases SET assignee_id = $2, status = 'open' WHERE id = $1`, ids[3], ana.ID)
				return err
			}},
			{"a column that does not count", func() error {
				_, err := db.Writer().ExecContext(ctx, `UPDATE cases SET status = status, assignee_id = assignee_id, subject = 'x'`)
				return err
			}},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			check(s.name)
		}
		// Ana's cases are resolved: the next case is hers, the least loaded.
		for _, id := range ids {
			exec(`UPDATE cases SET status = 'resolved' WHERE assignee_id = $1 AND id = $2`, ana.ID, id)
		}
		check("ana's cases resolved")
		res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: "next@example.com", Subject: "Hello", Text: "A question about my bill."})
		if err != nil {
			t.Fatal(err)
		}
		if c := mustDetail(t, d, res.CaseID); c.AssigneeID == nil || *c.AssigneeID != ana.ID {
			t.Errorf("the next case went to %v, want ana (%d), who has no open case", c.AssigneeID, ana.ID)
		}
		// A case inserted and deleted in SQL (one with no messages, which
		// a case with a history cannot be).
		exec(`INSERT INTO cases (customer_id, subject, channel, status, assignee_id, created_at, updated_at)
			SELECT customer_id, 'made in SQL', channel, 'open', $2, created_at, updated_at FROM cases WHERE id = $1`, res.CaseID, ben.ID)
		check("a case inserted")
		exec(`DELETE FROM cases WHERE subject = 'made in SQL'`)
		check("a case deleted")
	})
}
