-- +goose Up
-- What an email carried besides its text: the sanitised HTML part and its
-- attachments (within the parser's size and count limits; an attachment
-- over a limit keeps its name, type and size and says why it was omitted).
ALTER TABLE messages ADD COLUMN html TEXT NOT NULL DEFAULT '';

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    message_id   INTEGER NOT NULL REFERENCES messages (id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content_id   TEXT NOT NULL DEFAULT '',
    inline       INTEGER NOT NULL DEFAULT 0,
    size         INTEGER NOT NULL,
    data         BLOB,
    omitted      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attachments_message ON attachments (message_id);

-- +goose Down
DROP TABLE attachments;
ALTER TABLE messages DROP COLUMN html;
