package mail

import (
	"errors"
	"fmt"
)

// Limits bound what Parse keeps from one message. A zero field takes the
// value from DefaultLimits.
type Limits struct {
	MaxMessageBytes    int64 // the whole raw message; larger is an error
	MaxAttachmentBytes int64 // one attachment; larger ones keep metadata only
	MaxAttachments     int   // attachments kept with data; later ones keep metadata only
	MaxTextBytes       int   // Text and HTML each; longer is truncated
	MaxParts           int   // MIME parts walked; the rest is ignored
	MaxDepth           int   // multipart nesting followed
}

// DefaultLimits returns limits fit for a support desk: 40 MiB messages
// (room for a 25 MiB attachment, which base64 makes 34 MiB), 25 MiB
// attachments, 50 attachments, 1 MiB of text.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageBytes:    40 << 20,
		MaxAttachmentBytes: 25 << 20,
		MaxAttachments:     50,
		MaxTextBytes:       1 << 20,
		MaxParts:           500,
		MaxDepth:           20,
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = d.MaxMessageBytes
	}
	if l.MaxAttachmentBytes <= 0 {
		l.MaxAttachmentBytes = d.MaxAttachmentBytes
	}
	if l.MaxAttachments <= 0 {
		l.MaxAttachments = d.MaxAttachments
	}
	if l.MaxTextBytes <= 0 {
		l.MaxTextBytes = d.MaxTextBytes
	}
	if l.MaxParts <= 0 {
		l.MaxParts = d.MaxParts
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	return l
}

// ErrTooLarge is returned (wrapped in a *TooLargeError) when a message is
// larger than Limits.MaxMessageBytes.
var ErrTooLarge = errors.New("mail: message too large")

// ErrMalformed is returned (wrapped) when a message's header cannot be
// read at all. Broken bodies are not errors: they are recorded in
// Inbound.Problems.
var ErrMalformed = errors.New("mail: malformed message")

// TooLargeError reports a message over the size limit.
type TooLargeError struct {
	Limit int64
}

// Error implements error.
func (e *TooLargeError) Error() string {
	return fmt.Sprintf("mail: message larger than %d bytes", e.Limit)
}

// Unwrap lets errors.Is(err, ErrTooLarge) match.
func (e *TooLargeError) Unwrap() error { return ErrTooLarge }
