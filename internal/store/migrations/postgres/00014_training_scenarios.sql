-- +goose Up
-- Training scenarios kept by the desk: drafts made from resolved cases,
-- reviewed, edited and published by a supervisor, and the status of the
-- built-in scenarios an admin hid (the built-ins themselves stay data in
-- internal/training/scenarios.json; their row holds only the status).
CREATE TABLE training_scenarios (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,              -- 'case' or 'built-in'
    case_id     BIGINT REFERENCES cases(id),
    status      TEXT NOT NULL,              -- 'draft', 'published', 'retired'
    version     INTEGER NOT NULL DEFAULT 1, -- +1 on every edit
    scenario    JSONB NOT NULL,             -- the scenario; '{}' for a built-in
    created_by  BIGINT REFERENCES users(id),
    updated_by  BIGINT REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX training_scenarios_case ON training_scenarios (case_id);

-- +goose Down
DROP TABLE training_scenarios;
