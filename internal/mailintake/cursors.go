package mailintake

import (
	"context"

	"github.com/calmdesk/calmdesk/internal/desk"
	"github.com/calmdesk/calmdesk/internal/mail"
)

// Cursors keeps each IMAP poller's position in the desk's settings, so a
// restarted (or another) instance resumes where the last one stopped.
type Cursors struct {
	Desk *desk.Desk
}

// LoadCursor implements mail.CursorStore.
func (c Cursors) LoadCursor(ctx context.Context, key string) (mail.Cursor, error) {
	var cur mail.Cursor
	_, err := c.Desk.LoadSetting(ctx, "imap_cursor:"+key, &cur)
	return cur, err
}

// SaveCursor implements mail.CursorStore.
func (c Cursors) SaveCursor(ctx context.Context, key string, cur mail.Cursor) error {
	return c.Desk.SaveSetting(ctx, "imap_cursor:"+key, cur)
}
