-- +goose Up
-- Role-play practice: one row per attempt at a training scenario. The
-- session column holds the whole simulator state (package training), so an
-- attempt goes on exactly where it stopped; the other columns are for lists.
CREATE TABLE training_sessions (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users(id),
    scenario_id TEXT NOT NULL,
    seed        INTEGER NOT NULL,
    exam        INTEGER NOT NULL DEFAULT 0,
    turns       INTEGER NOT NULL DEFAULT 0,
    done        INTEGER NOT NULL DEFAULT 0,
    outcome     TEXT NOT NULL DEFAULT '',
    score       INTEGER NOT NULL DEFAULT 0,
    session     TEXT NOT NULL,           -- JSON
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX training_sessions_user ON training_sessions (user_id, id);

-- +goose Down
DROP TABLE training_sessions;
