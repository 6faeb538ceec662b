-- +goose Up
-- Category models the desk learned from its agents' categorisations, newest
-- last. Every instance reads the newest; old ones stay for the record.
CREATE TABLE category_models (
    id            INTEGER PRIMARY KEY,
    trained_at    TIMESTAMP NOT NULL,
    examples      INTEGER NOT NULL,
    categories    TEXT NOT NULL,          -- JSON array of names
    accuracy      REAL NOT NULL,          -- on held-out examples; 0 when too few to hold out
    last_event_id INTEGER NOT NULL,       -- the newest case.categorized event it learned from
    model         BLOB NOT NULL
);

-- +goose Down
DROP TABLE category_models;
