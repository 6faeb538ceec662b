package mail

import (
	"context"
	"errors"
)

// Deliverer takes a received message into calmdesk. Deliver is called
// concurrently, once per SMTP session at most. It is implemented by
// the desk: Deliver returns nil only once the message is durably stored
// (committed), because the SMTP receiver answers 250 and the IMAP poller
// marks the mail seen on that nil alone. Deliver must be idempotent on
// msg.MessageID: a mail server retrying after a lost 250, or the poller
// resuming after a crash, hands the same message over again.
type Deliverer interface {
	// Deliver stores one message. raw is the message as received, msg its
	// parsed form, rcpts the envelope recipients (SMTP RCPT TO, or the
	// polled mailbox's address), lower-cased. An error wrapping
	// ErrRejected refuses the message for good; any other error is
	// temporary and the sender will try again later. A message that can
	// never be stored (it fails validation) must be refused with
	// ErrRejected: otherwise the SMTP sender retries it for days and the
	// IMAP poller, which keeps UID order, retries it before anything else.
	Deliver(ctx context.Context, raw []byte, msg *Inbound, rcpts []string) error
}

// ErrRejected, wrapped by a Deliverer's error, refuses a message
// permanently (SMTP 550) instead of asking the sender to retry.
var ErrRejected = errors.New("mail: message rejected")
