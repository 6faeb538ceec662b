-- +goose Up
-- Problems that spiked and when supervisors were told, so a spike is
-- announced once a week, not on every check.
CREATE TABLE insight_spikes (
    id          INTEGER PRIMARY KEY,
    problem     TEXT NOT NULL,          -- the words that define it, space-separated
    label       TEXT NOT NULL,
    cases       INTEGER NOT NULL,
    baseline    REAL NOT NULL,
    notified_at TIMESTAMP NOT NULL
);
CREATE INDEX insight_spikes_problem ON insight_spikes (problem, notified_at);

-- +goose Down
DROP TABLE insight_spikes;
