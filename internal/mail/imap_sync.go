package mail

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// deliverNew selects the mailbox and delivers, in UID order, every message
// after the cursor, marking each (\Seen, or moving it) and advancing the
// cursor only after Deliver returned nil. It stops at the first failed
// delivery so that nothing is skipped.
//
// With a valid cursor every message past it is delivered, read or not (a
// person may have opened the mailbox); without one (first start, or the
// mailbox's UIDVALIDITY changed) only unseen messages are, so that years
// of old mail are not imported as new cases.
func (p *IMAPPoller) deliverNew(ctx context.Context, c *imapclient.Client) (int, error) {
	sel, err := c.Select(p.cfg.Mailbox, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("mail: imap select %s: %w", p.cfg.Mailbox, err)
	}
	cur, err := p.cursors.LoadCursor(ctx, p.key)
	if err != nil {
		return 0, fmt.Errorf("mail: imap load cursor: %w", err)
	}
	if cur.UIDValidity != sel.UIDValidity {
		if cur.UIDValidity != 0 {
			p.log.Warn("mail: imap UIDVALIDITY changed; delivering unseen mail again", "old", cur.UIDValidity, "new", sel.UIDValidity)
		}
		cur = Cursor{UIDValidity: sel.UIDValidity}
	}
	if sel.NumMessages == 0 {
		return 0, nil
	}
	criteria := &imap.SearchCriteria{}
	if cur.LastUID > 0 {
		var set imap.UIDSet
		set.AddRange(imap.UID(cur.LastUID+1), 0) // 0 is "*"
		criteria.UID = []imap.UIDSet{set}
	} else {
		criteria.NotFlag = []imap.Flag{imap.FlagSeen}
	}
	found, err := c.UIDSearch(criteria, nil).Wait()
	if err != nil {
		return 0, fmt.Errorf("mail: imap search: %w", err)
	}
	uids := found.AllUIDs()
	slices.Sort(uids)
	n := 0
	for _, uid := range uids {
		if uint32(uid) <= cur.LastUID {
			continue // "n:*" always matches the last message, even below n
		}
		if err := ctx.Err(); err != nil {
			return n, err
		}
		delivered, err := p.deliverOne(ctx, c, uid)
		if err != nil {
			return n, err
		}
		if err := p.markDone(c, uid); err != nil {
			return n, err
		}
		cur.LastUID = uint32(uid)
		if err := p.cursors.SaveCursor(ctx, p.key, cur); err != nil {
			return n, fmt.Errorf("mail: imap save cursor: %w", err)
		}
		if delivered {
			n++
		}
	}
	return n, nil
}

// deliverOne fetches one message without setting \Seen and delivers it.
// A message that cannot be parsed or is over the size limit is logged and
// reported as not delivered, so that it does not block the mailbox.
func (p *IMAPPoller) deliverOne(ctx context.Context, c *imapclient.Client, uid imap.UID) (bool, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{
		UID:         true,
		RFC822Size:  true,
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		return false, fmt.Errorf("mail: imap fetch %d: %w", uid, err)
	}
	if len(msgs) == 0 {
		return false, nil // expunged meanwhile
	}
	if size := msgs[0].RFC822Size; size > p.cfg.Limits.MaxMessageBytes {
		p.log.Error("mail: imap message over the size limit skipped", "uid", uid, "bytes", size)
		return false, nil
	}
	raw := msgs[0].FindBodySection(section)
	msg, err := ParseBytes(raw, p.cfg.Limits)
	if err != nil {
		p.log.Error("mail: imap message unreadable, skipped", "uid", uid, "err", err)
		return false, nil
	}
	rcpts := make([]string, len(p.cfg.Recipients))
	for i, r := range p.cfg.Recipients {
		rcpts[i] = strings.ToLower(r)
	}
	if err := p.sink.Deliver(ctx, raw, msg, rcpts); err != nil {
		if errors.Is(err, ErrRejected) {
			p.log.Info("mail: imap message rejected", "uid", uid, "message_id", msg.MessageID, "err", err)
			return false, nil
		}
		return false, fmt.Errorf("mail: imap deliver %d: %w", uid, err)
	}
	return true, nil
}

// markDone flags a processed message \Seen, or moves it to MoveTo.
func (p *IMAPPoller) markDone(c *imapclient.Client, uid imap.UID) error {
	set := imap.UIDSetNum(uid)
	seen := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagSeen}}
	if err := c.Store(set, seen, nil).Close(); err != nil {
		return fmt.Errorf("mail: imap mark %d seen: %w", uid, err)
	}
	if p.cfg.MoveTo == "" {
		return nil
	}
	if _, err := c.Move(set, p.cfg.MoveTo).Wait(); err != nil {
		return fmt.Errorf("mail: imap move %d to %s: %w", uid, p.cfg.MoveTo, err)
	}
	return nil
}
