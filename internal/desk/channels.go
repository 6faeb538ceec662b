package desk

// EmailsReplies reports whether replies on email cases are emailed: the
// desk has an outbox, which serve gives it when outbound mail (an SMTP
// relay) is configured. Without one, replies are stored but not sent, and
// the pages say so.
func (d *Desk) EmailsReplies() bool { return d.outbox != nil }
