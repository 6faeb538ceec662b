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
		delivered, refused, err := p.deliverOne(ctx, c, uid)
		if err != nil {
			return n, err
		}
		if refused != nil {
			err = p.refuse(ctx, c, uid, refused)
		} else {
			err = p.markDone(c, uid)
		}
		if err != nil {
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
// A message that cannot be stored (over the size limit, unreadable,
// refused by the desk) is not delivered and comes back as a Refusal, so
// that it does not block the mailbox and does not look handled.
func (p *IMAPPoller) deliverOne(ctx context.Context, c *imapclient.Client, uid imap.UID) (bool, *Refusal, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	msgs, err := c.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{
		UID:         true,
		RFC822Size:  true,
		BodySection: []*imap.FetchItemBodySection{section},
	}).Collect()
	if err != nil {
		return false, nil, fmt.Errorf("mail: imap fetch %d: %w", uid, err)
	}
	if len(msgs) == 0 {
		return false, nil, nil // expunged meanwhile
	}
	refusal := &Refusal{Mailbox: p.key, UID: uint32(uid)}
	if size := msgs[0].RFC822Size; size > p.cfg.Limits.MaxMessageBytes {
		refusal.Reason = fmt.Sprintf("larger than %d bytes (%d)", p.cfg.Limits.MaxMessageBytes, size)
		p.cfg.Metrics.Refused("imap", "too_large")
		return false, refusal, nil
	}
	raw := msgs[0].FindBodySection(section)
	msg, err := ParseBytes(raw, p.cfg.Limits)
	if err != nil {
		refusal.Reason = strings.TrimPrefix(err.Error(), ErrMalformed.Error()+": ")
		if h, _, _ := readHeader(raw[:min(len(raw), 64<<10)], true); len(h) > 0 {
			refusal.Subject = decodeHeaderText(h.get("Subject"))
		}
		p.cfg.Metrics.Refused("imap", "unreadable")
		return false, refusal, nil
	}
	rcpts := make([]string, len(p.cfg.Recipients))
	for i, r := range p.cfg.Recipients {
		rcpts[i] = strings.ToLower(r)
	}
	if err := p.sink.Deliver(ctx, raw, msg, rcpts); err != nil {
		if errors.Is(err, ErrRejected) {
			refusal.MessageID, refusal.From, refusal.Subject = msg.MessageID, msg.From.Email, msg.Subject
			refusal.Reason = strings.TrimPrefix(strings.TrimPrefix(err.Error(), ErrRejected.Error()), ": ")
			p.cfg.Metrics.Refused("imap", "rejected")
			return false, refusal, nil
		}
		p.cfg.Metrics.Received("imap", "deferred")
		return false, nil, fmt.Errorf("mail: imap deliver %d: %w", uid, err)
	}
	if msg.Automatic != NotAutomatic {
		p.cfg.Metrics.Received("imap", "automatic")
	} else {
		p.cfg.Metrics.Received("imap", "stored")
	}
	return true, nil, nil
}

// refuse moves a refused message to RefusedMailbox (created when
// missing), or, when it cannot, leaves it unseen and flags it; then it
// logs and reports the refusal.
func (p *IMAPPoller) refuse(ctx context.Context, c *imapclient.Client, uid imap.UID, r *Refusal) error {
	set := imap.UIDSetNum(uid)
	moveErr := errors.New("moving refused mail is off")
	if p.cfg.RefusedMailbox != "-" {
		moveErr = c.Create(p.cfg.RefusedMailbox, nil).Wait()
		var imapErr *imap.Error
		if errors.As(moveErr, &imapErr) && imapErr.Code == imap.ResponseCodeAlreadyExists {
			moveErr = nil
		}
		if moveErr == nil {
			_, moveErr = c.Move(set, p.cfg.RefusedMailbox).Wait()
		}
	}
	if moveErr == nil {
		r.MovedTo = p.cfg.RefusedMailbox
	} else {
		flags := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagFlagged, "$CalmdeskRefused"}}
		if err := c.Store(set, flags, nil).Close(); err != nil {
			return fmt.Errorf("mail: imap flag refused %d: %w", uid, err)
		}
	}
	p.log.Warn("mail: imap message refused", "uid", uid, "message_id", r.MessageID, "from", r.From, "reason", r.Reason,
		"moved_to", r.MovedTo, "move_err", moveErr)
	if p.cfg.Refused != nil {
		p.cfg.Refused(ctx, *r)
	}
	return nil
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
