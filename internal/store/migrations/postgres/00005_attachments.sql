-- +goose Up
-- What an email carried besides its text: the sanitised HTML part and its
-- attachments (within the parser's size and count limits; an attachment
-- over a limit keeps its name, type and size and says why it was omitted).
ALTER TABLE messages ADD COLUMN html TEXT NOT NULL DEFAULT '';

CREATE TABLE attachments (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id   BIGINT NOT NULL REFERENCES messages (id),
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content_id   TEXT NOT NULL DEFAULT '',
    inline       BOOLEAN NOT NULL DEFAULT FALSE,
    size         BIGINT NOT NULL,
    data         BYTEA,
    omitted      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attachments_message ON attachments (message_id);

-- +goose Down
DROP TABLE attachments;
ALTER TABLE messages DROP COLUMN html;
