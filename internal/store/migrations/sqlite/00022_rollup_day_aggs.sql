-- +goose Up
-- Insights at a million cases (docs/insights.md, "Speed"): the day
-- aggregates of case_rollups, persisted, so that the first summary or
-- trend after a start reads one row per day instead of every case of its
-- days. A row holds what one UTC day's cases of one slice contribute
-- (insights encodes it), under the day's version (the sum of its
-- rollup_day_versions shards) read before the cases were: a row whose
-- version is not the day's current one is stale and recomputed, so it
-- never answers for a day that has changed since.
CREATE TABLE rollup_day_aggs (
    slice   TEXT NOT NULL,     -- the filter, '{}' for all cases
    day     TEXT NOT NULL,     -- YYYY-MM-DD
    version INTEGER NOT NULL,
    agg     BLOB NOT NULL,
    PRIMARY KEY (slice, day)
);

-- +goose Down
DROP TABLE rollup_day_aggs;
