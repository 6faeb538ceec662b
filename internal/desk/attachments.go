package desk

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/calmdesk/calmdesk/internal/textkit"
)

// Limits on what a message may carry besides its text.
const (
	MaxAttachments      = 50
	MaxAttachmentsBytes = 40 << 20 // all attachments of one message together
	MaxHTMLBytes        = 1 << 20
)

// Attachment is a file or inline image that came with a message. Data is
// nil when the channel left it out (over a limit; Omitted says why).
type Attachment struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	ContentID   string `json:"content_id,omitempty"`
	Inline      bool   `json:"inline"`
	Size        int64  `json:"size"`
	Omitted     string `json:"omitted,omitempty"`
	Data        []byte `json:"-"`
}

func validateAttachments(v validator, html string, atts []Attachment) {
	v.check(utf8.ValidString(html) && len(html) <= MaxHTMLBytes, "html", fmt.Sprintf("must be valid UTF-8 of at most %d bytes", MaxHTMLBytes))
	v.check(len(atts) <= MaxAttachments, "attachments", fmt.Sprintf("at most %d", MaxAttachments))
	total := 0
	for _, a := range atts {
		total += len(a.Data)
		v.check(a.Filename != "" && utf8.ValidString(a.Filename) && len(a.Filename) <= 255, "attachments", "each needs a file name of at most 255 bytes of valid UTF-8")
		v.check(utf8.ValidString(a.ContentType) && len(a.ContentType) <= 255, "attachments", "content types are at most 255 bytes")
	}
	v.check(total <= MaxAttachmentsBytes, "attachments", fmt.Sprintf("at most %d bytes in all", MaxAttachmentsBytes))
}

func storeAttachments(ctx context.Context, tx *sql.Tx, messageID int64, atts []Attachment) error {
	for _, a := range atts {
		if _, err := tx.ExecContext(ctx,
			`INSERT INTO attachments (message_id, filename, content_type, content_id, inline, size, data, omitted) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			messageID, a.Filename, a.ContentType, textkit.Clip(a.ContentID, 255), a.Inline, a.Size, a.Data, textkit.Clip(a.Omitted, 255)); err != nil {
			return fmt.Errorf("store attachment: %w", err)
		}
	}
	return nil
}

// caseAttachments lists the attachments of a case's messages (without
// their bytes), by message id.
func caseAttachments(ctx context.Context, db querier, caseID int64) (map[int64][]Attachment, error) {
	rows, err := db.QueryContext(ctx,
		`SELECT a.id, a.message_id, a.filename, a.content_type, a.content_id, a.inline, a.size, a.omitted
		   FROM attachments a JOIN messages m ON m.id = a.message_id WHERE m.case_id = $1 ORDER BY a.id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64][]Attachment{}
	for rows.Next() {
		var a Attachment
		var msgID int64
		if err := rows.Scan(&a.ID, &msgID, &a.Filename, &a.ContentType, &a.ContentID, &a.Inline, &a.Size, &a.Omitted); err != nil {
			return nil, err
		}
		out[msgID] = append(out[msgID], a)
	}
	return out, rows.Err()
}

// AttachmentFile returns an attachment with its bytes.
func (d *Desk) AttachmentFile(ctx context.Context, id int64) (Attachment, error) {
	var a Attachment
	err := d.db.Read().QueryRowContext(ctx,
		`SELECT id, filename, content_type, content_id, inline, size, data, omitted FROM attachments WHERE id = $1`, id).
		Scan(&a.ID, &a.Filename, &a.ContentType, &a.ContentID, &a.Inline, &a.Size, &a.Data, &a.Omitted)
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("attachment")
	}
	if err != nil {
		return a, fmt.Errorf("desk: attachment %d: %w", id, err)
	}
	return a, nil
}

// MessageHTML returns the sanitised HTML part of a message ("" when none).
func (d *Desk) MessageHTML(ctx context.Context, messageID int64) (string, error) {
	var html string
	err := d.db.Read().QueryRowContext(ctx, `SELECT html FROM messages WHERE id = $1`, messageID).Scan(&html)
	if errors.Is(err, sql.ErrNoRows) {
		return "", notFound("message")
	}
	if err != nil {
		return "", fmt.Errorf("desk: message %d html: %w", messageID, err)
	}
	return html, nil
}
