-- +goose Up
-- Deactivating a user ends their browser sessions for good: a session
-- remembers a stamp of the password hash and this counter at sign-in, and
-- deactivation moves the counter on, so a later reactivation does not
-- bring an old cookie back to life.
ALTER TABLE users ADD COLUMN session_epoch INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN session_epoch;
