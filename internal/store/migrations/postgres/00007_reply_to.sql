-- +goose Up
-- Where the customer asked replies to go (an email's Reply-To), kept on
-- the message it came with: the desk's answer to that message goes there.
ALTER TABLE messages ADD COLUMN reply_to TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE messages DROP COLUMN reply_to;
