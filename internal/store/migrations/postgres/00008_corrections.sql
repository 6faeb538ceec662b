-- +goose Up
-- What agents say a reading or a coach finding got wrong, one row per
-- person, message and thing said (slot): "anger", "signal:<kind>",
-- "finding:<rule>" or "promise:<commitment id>". Saying the same thing
-- twice is one row; saying the opposite is refused.
CREATE TABLE corrections (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    message_id BIGINT NOT NULL REFERENCES messages (id),
    case_id    BIGINT NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL,            -- not_angry, angrier, missed_signal, wrong_signal, not_finding, not_promise
    target     TEXT NOT NULL DEFAULT '', -- the signal kind, rule id or commitment id
    slot       TEXT NOT NULL,
    note       TEXT NOT NULL DEFAULT '',
    shown      TEXT NOT NULL DEFAULT '{}' -- JSON: what the reading or review showed
);
CREATE UNIQUE INDEX corrections_once ON corrections (user_id, message_id, slot);
CREATE INDEX corrections_kind ON corrections (kind, id);
CREATE INDEX corrections_case ON corrections (case_id, id);

-- The adjusters the desk learned from corrections, newest last. Every
-- instance reads the newest; old ones stay for the record.
CREATE TABLE correction_models (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    trained_at         TIMESTAMPTZ NOT NULL,
    corrections        INTEGER NOT NULL,  -- corrections of readings it learned from
    last_correction_id BIGINT NOT NULL,
    summary            TEXT NOT NULL,     -- JSON: per correction kind, what was measured and whether it applies
    models             BYTEA NOT NULL     -- JSON: the adjusters that apply
);

-- +goose Down
DROP TABLE correction_models;
DROP TABLE corrections;
