-- +goose Up
-- Lessons learned: the short note an agent may leave when resolving a
-- case (what caused it, what would have prevented it). A case resolved
-- again after a reopen may have several.
CREATE TABLE lessons (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES cases (id),
    text       TEXT NOT NULL,
    by_user_id BIGINT REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX lessons_case ON lessons (case_id);
CREATE INDEX lessons_created ON lessons (created_at);

-- +goose Down
DROP TABLE lessons;
