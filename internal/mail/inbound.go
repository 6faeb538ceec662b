package mail

import "time"

// Inbound is one received email, parsed and made safe to store and show.
type Inbound struct {
	From        Address   // the sender (From, or Sender when From is unusable)
	ReplyTo     []Address // Reply-To, where replies should go when set
	To          []Address // To recipients
	Cc          []Address // Cc recipients
	DeliveredTo []string  // Delivered-To / X-Original-To addresses, lower-cased
	Subject     string    // decoded subject, control characters removed
	MessageID   string    // Message-ID without angle brackets; "" when missing
	InReplyTo   []string  // In-Reply-To ids without angle brackets
	References  []string  // References ids without angle brackets, oldest first
	Date        time.Time // Date header; zero when missing or unparseable

	// Text is the full plain text: the text/plain part, or text derived
	// from the HTML part when the message has none (TextFromHTML).
	Text         string
	TextFromHTML bool
	// HTML is the HTML part sanitised for display: no scripts, styles,
	// event handlers or remote images. Inline images keep their cid: URLs.
	HTML string
	// NewText is Text without quoted history and signatures: the words the
	// customer wrote in this message, the part worth analysing. It is
	// drawn from the first 256 kB of Text.
	NewText string

	Attachments []Attachment // attachments and inline images, in message order

	// Automatic is set when the message was sent by a machine (auto-reply,
	// bounce, bulk mail) rather than written by the customer;
	// AutomaticReason names the evidence, e.g. "Auto-Submitted: auto-replied".
	Automatic       AutoKind
	AutomaticReason string

	// CaseRef is the case number from a [#1234] token in the subject, 0 if none.
	CaseRef int64

	// Fingerprint is "sha256:" and the hex SHA-256 of the raw message.
	Fingerprint string

	// Problems lists what was wrong with the message but did not stop
	// parsing: unknown charsets, broken MIME, attachments dropped by limits.
	Problems []string
}

// DedupKey is the key under which this message is stored once: its
// Message-ID, or its Fingerprint when it has none, so that a sender
// retrying the same bytes is not stored twice either.
func (in *Inbound) DedupKey() string {
	if in.MessageID != "" {
		return in.MessageID
	}
	return in.Fingerprint
}

// Address is a mailbox: a display name and an address.
type Address struct {
	Name  string // display name, decoded and cleaned; may be empty
	Email string // address as written, e.g. "ana@example.com"
}

// String formats the address for display, e.g. `Ana <ana@example.com>`.
func (a Address) String() string {
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

// Attachment is a non-text part of a message: a file or an inline image.
type Attachment struct {
	Filename    string // cleaned base name, never empty
	ContentType string // media type, e.g. "image/png"
	ContentID   string // Content-ID without angle brackets, for cid: links
	Inline      bool   // shown inside the HTML body (an inline image)
	Size        int64  // decoded size in bytes, also when Data was dropped
	Data        []byte // decoded content; nil when Omitted is set
	// Omitted says why Data was not kept (size or count limit); "" if kept.
	Omitted string

	charset string // of a text part, should it become the body
}

// AutoKind says which kind of machine sent an automatic message.
type AutoKind string

// The kinds of automatic message.
const (
	NotAutomatic AutoKind = ""           // written by a person
	AutoReply    AutoKind = "auto-reply" // out-of-office, vacation, autoresponder
	Bounce       AutoKind = "bounce"     // delivery status notification
	Bulk         AutoKind = "bulk"       // list or bulk mail (Precedence: bulk/list/junk)
	Report       AutoKind = "report"     // abuse or spam feedback report (ARF)
)
