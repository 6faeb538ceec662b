-- +goose Up
-- Role-play practice: one row per attempt at a training scenario. The
-- session column holds the whole simulator state (package training), so an
-- attempt goes on exactly where it stopped; the other columns are for lists.
CREATE TABLE training_sessions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    scenario_id TEXT NOT NULL,
    seed        BIGINT NOT NULL,
    exam        BOOLEAN NOT NULL DEFAULT FALSE,
    turns       INTEGER NOT NULL DEFAULT 0,
    done        BOOLEAN NOT NULL DEFAULT FALSE,
    outcome     TEXT NOT NULL DEFAULT '',
    score       INTEGER NOT NULL DEFAULT 0,
    session     JSONB NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX training_sessions_user ON training_sessions (user_id, id);

-- +goose Down
DROP TABLE training_sessions;
