-- +goose Up
-- Saved replies (macros): an agent's own, or shared with the team. Each is
-- reviewed by the coach when saved; coach_problems holds the error-level
-- findings (JSON list of plain sentences), empty when it passes.
CREATE TABLE saved_replies (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner_id       BIGINT NOT NULL REFERENCES users (id),
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    shared         BOOLEAN NOT NULL DEFAULT FALSE,
    coach_problems TEXT NOT NULL DEFAULT '[]',
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL,
    UNIQUE (owner_id, title)
);
CREATE INDEX saved_replies_shared ON saved_replies (shared, title);

-- +goose Down
DROP TABLE saved_replies;
