package desk_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

func TestBulkActionsSayWhatHappenedToEachCase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, _ := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		lee := mustUser(t, d, "lee@calmdesk.test", desk.RoleAgent)
		jo := mustUser(t, d, "jo@calmdesk.test", desk.RoleTrainee)
		var ids []int64
		for i := range 3 {
			res, err := d.Ingest(ctx, desk.InboundMessage{CustomerEmail: fmt.Sprintf("c%d@example.com", i), Text: "Where is my parcel?", Channel: "email"})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, res.CaseID)
		}
		if err := db.Tx(ctx, func(tx *sql.Tx) error { // closed, as the sweep leaves an old resolved case
			_, err := tx.ExecContext(ctx, `UPDATE cases SET status = 'closed' WHERE id = $1`, ids[2])
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var (
			invalid   *desk.ValidationError
			forbidden *desk.ForbiddenError
		)
		refusals := []struct {
			name string
			u    desk.User
			ids  []int64
			a    desk.BulkAction
			want any
		}{
			{"no cases", sam, nil, desk.BulkAction{Action: "resolve"}, &invalid},
			{"unknown action", sam, ids, desk.BulkAction{Action: "delete"}, &invalid},
			{"category without one", sam, ids, desk.BulkAction{Action: "category"}, &invalid},
			{"assign to a trainee", sam, ids, desk.BulkAction{Action: "assign", UserID: jo.ID}, &invalid},
			{"a trainee resolving", jo, ids, desk.BulkAction{Action: "resolve"}, &forbidden},
		}
		for _, r := range refusals {
			_, err := d.Bulk(ctx, r.u, r.ids, r.a)
			ok := false
			switch want := r.want.(type) {
			case **desk.ValidationError:
				ok = errors.As(err, want)
			case **desk.ForbiddenError:
				ok = errors.As(err, want)
			}
			if !ok {
				t.Errorf("%s: err = %v", r.name, err)
			}
		}
		res, err := d.Bulk(ctx, sam, append(ids, ids[0], 99999), desk.BulkAction{Action: "assign", UserID: lee.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 4 || !res[0].OK || !res[1].OK || res[3].OK || res[3].Error != "there is no such case" {
			t.Errorf("assign results = %+v", res)
		}
		res, err = d.Bulk(ctx, sam, ids, desk.BulkAction{Action: "resolve"})
		if err != nil {
			t.Fatal(err)
		}
		if !res[0].OK || !res[1].OK || res[2].OK || res[2].Error == "" {
			t.Errorf("resolve results = %+v (the third case is closed)", res)
		}
		c, _ := d.Case(ctx, ids[0])
		if c.Status != desk.StatusResolved || c.AssigneeID == nil || *c.AssigneeID != lee.ID {
			t.Errorf("case after bulk = %s, assignee %v", c.Status, c.AssigneeID)
		}
	})
}

func TestInboxViewsArePersonal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, _ := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		lee := mustUser(t, d, "lee@calmdesk.test", desk.RoleAgent)
		v, err := d.SaveInboxView(ctx, sam, " Billing fires ", "?category=billing&view=breaching")
		if err != nil || v.Name != "Billing fires" || v.Query != "category=billing&view=breaching" {
			t.Fatalf("save = %+v, %v", v, err)
		}
		if _, err := d.SaveInboxView(ctx, sam, "Billing fires", "category=billing"); err != nil {
			t.Fatalf("saving again under the same name replaces: %v", err)
		}
		var invalid *desk.ValidationError
		if _, err := d.SaveInboxView(ctx, sam, "  ", "x=1"); !errors.As(err, &invalid) {
			t.Errorf("a view without a name: %v", err)
		}
		mine, _ := d.InboxViews(ctx, sam)
		theirs, _ := d.InboxViews(ctx, lee)
		if len(mine) != 1 || mine[0].Query != "category=billing" || len(theirs) != 0 {
			t.Errorf("sam's views %+v, lee's %+v", mine, theirs)
		}
		if err := d.DeleteInboxView(ctx, lee, mine[0].ID); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("lee deleting sam's view: %v", err)
		}
		if err := d.DeleteInboxView(ctx, sam, mine[0].ID); err != nil {
			t.Fatal(err)
		}
		if mine, _ := d.InboxViews(ctx, sam); len(mine) != 0 {
			t.Errorf("after delete: %+v", mine)
		}
	})
}

func TestTypingShowsToOthersUntilItLapsesOrIsSent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		d, clock := newDeskWithClock(t, db)
		sam := mustUser(t, d, "sam@calmdesk.test", desk.RoleAgent)
		ana := mustUser(t, d, "ana@calmdesk.test", desk.RoleSupervisor)
		res, err := d.Ingest(ctx, dana)
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Typing(ctx, sam, res.CaseID); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.TypingOn(ctx, ana, res.CaseID); len(got) != 1 || got[0] != "sam" {
			t.Errorf("ana sees %v replying, want sam", got)
		}
		if got, _ := d.TypingOn(ctx, sam, res.CaseID); len(got) != 0 {
			t.Errorf("sam sees himself: %v", got)
		}
		clock.Set(clock.Now().Add(9 * time.Second))
		if got, _ := d.TypingOn(ctx, ana, res.CaseID); len(got) != 0 {
			t.Errorf("after sam stopped typing ana still sees %v", got)
		}
		if err := d.Typing(ctx, sam, res.CaseID); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Reply(ctx, sam, desk.ReplyInput{CaseID: res.CaseID, Text: "I'm sorry, Dana. I have refunded the duplicate charge today."}); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.TypingOn(ctx, ana, res.CaseID); len(got) != 0 {
			t.Errorf("after sam sent ana still sees %v", got)
		}
		if err := d.Typing(ctx, sam, 99999); !errors.Is(err, desk.ErrNotFound) {
			t.Errorf("typing on no case: %v", err)
		}
	})
}
