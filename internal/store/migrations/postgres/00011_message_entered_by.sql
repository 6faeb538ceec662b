-- +goose Up
-- The staff member who entered a customer's message (an agent logging a
-- phone call, or an integration's API token); NULL when it came by the
-- customer's own channel (mail, the contact form).
ALTER TABLE messages ADD COLUMN entered_by BIGINT REFERENCES users (id);

-- +goose Down
ALTER TABLE messages DROP COLUMN entered_by;
