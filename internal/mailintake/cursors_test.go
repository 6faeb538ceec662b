package mailintake_test

import (
	"context"
	"testing"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
	"github.com/calmdesk/calmdesk/internal/mailintake"
	"github.com/calmdesk/calmdesk/internal/store"
	"github.com/calmdesk/calmdesk/internal/store/storetest"
)

func TestCursorsSurviveARestart(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		c := mailintake.Cursors{Desk: desk.New(db, desk.Options{Analyzer: testAnalyzer})}
		if cur, err := c.LoadCursor(ctx, "support@imap.example:INBOX"); err != nil || cur != (mail.Cursor{}) {
			t.Fatalf("fresh cursor = %+v, %v", cur, err)
		}
		want := mail.Cursor{UIDValidity: 7, LastUID: 4471}
		if err := c.SaveCursor(ctx, "support@imap.example:INBOX", want); err != nil {
			t.Fatal(err)
		}
		again := mailintake.Cursors{Desk: desk.New(db, desk.Options{Analyzer: testAnalyzer})}
		if cur, err := again.LoadCursor(ctx, "support@imap.example:INBOX"); err != nil || cur != want {
			t.Fatalf("cursor after restart = %+v, %v", cur, err)
		}
	})
}
