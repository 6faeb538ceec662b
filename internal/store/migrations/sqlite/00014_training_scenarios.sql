-- +goose Up
-- Training scenarios kept by the desk: drafts made from resolved cases,
-- reviewed, edited and published by a supervisor, and the status of the
-- built-in scenarios an admin hid (the built-ins themselves stay data in
-- internal/training/scenarios.json; their row holds only the status).
CREATE TABLE training_scenarios (
    id          TEXT PRIMARY KEY,
    source      TEXT NOT NULL,              -- 'case' or 'built-in'
    case_id     INTEGER REFERENCES cases(id),
    status      TEXT NOT NULL,              -- 'draft', 'published', 'retired'
    version     INTEGER NOT NULL DEFAULT 1, -- +1 on every edit
    scenario    TEXT NOT NULL,              -- JSON; '{}' for a built-in
    created_by  INTEGER REFERENCES users(id),
    updated_by  INTEGER REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX training_scenarios_case ON training_scenarios (case_id);

-- +goose Down
DROP TABLE training_scenarios;
