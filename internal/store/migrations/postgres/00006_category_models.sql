-- +goose Up
-- Category models the desk learned from its agents' categorisations, newest
-- last. Every instance reads the newest; old ones stay for the record.
CREATE TABLE category_models (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trained_at    TIMESTAMPTZ NOT NULL,
    examples      INTEGER NOT NULL,
    categories    TEXT NOT NULL,            -- JSON array of names
    accuracy      DOUBLE PRECISION NOT NULL, -- on held-out examples; 0 when too few to hold out
    last_event_id BIGINT NOT NULL,          -- the newest case.categorized event it learned from
    model         BYTEA NOT NULL
);

-- +goose Down
DROP TABLE category_models;
