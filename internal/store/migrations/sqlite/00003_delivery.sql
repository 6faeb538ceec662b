-- +goose Up
-- Outbound email: each agent reply or check-in on an email case is queued
-- and its delivery tracked, so a permanent failure shows on the case.
ALTER TABLE messages ADD COLUMN delivery_status TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN delivery_error TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN delivered_at TIMESTAMP;

-- +goose Down
ALTER TABLE messages DROP COLUMN delivered_at;
ALTER TABLE messages DROP COLUMN delivery_error;
ALTER TABLE messages DROP COLUMN delivery_status;
