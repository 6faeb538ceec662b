// Package mail is calmdesk's email channel: it parses inbound MIME messages
// into an [Inbound] that is safe to store and show (sanitised HTML, decoded
// charsets, bounded attachments), strips quoted history so only the
// customer's new words are analysed, recognises auto-replies and bounces,
// receives mail over SMTP/LMTP and IMAP, and composes and sends replies.
//
// The package knows nothing of the database: received messages are handed
// to a [Deliverer], and the IMAP poller keeps its position through a
// [CursorStore], both implemented by the caller.
package mail
