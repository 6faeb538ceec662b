-- +goose Up
-- Insights at a million cases (docs/insights.md, "Speed"): what each case
-- contributes to the figures, one short row per case, kept by triggers in
-- the transaction of every write that changes it — a message written,
-- re-read or moved, a reopen, an escalation, a survey answer, a promise
-- kept or broken, goodwill approved, the case's category, channel,
-- assignee, SLA times or customer (and that customer's tier). A summary
-- or trend then aggregates these rows in the database instead of loading
-- seven tables. Each row is recomputed whole from case_rollup_source, so
-- it always equals the full computation (a test holds the two equal).
-- Durations are in milliseconds; what depends on the time of asking (a
-- target whose due time has passed, an open promise past due) is decided
-- when asked, from the due times kept here.
CREATE TABLE case_rollups (
    case_id          INTEGER PRIMARY KEY,
    created_at       TIMESTAMP NOT NULL,
    customer_id      INTEGER NOT NULL,
    tier             TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL DEFAULT '',
    channel          TEXT NOT NULL DEFAULT '',
    assignee_id      INTEGER,
    angry            INTEGER NOT NULL DEFAULT 0,
    deescalated      INTEGER NOT NULL DEFAULT 0,
    calm_ms          INTEGER,              -- time to calm; NULL when none
    first_due_at     TIMESTAMP,
    first_ms         INTEGER,              -- opening to first reply; NULL when not answered
    first_met        INTEGER NOT NULL DEFAULT 0,
    resolve_due_at   TIMESTAMP,
    resolve_ms       INTEGER,              -- opening to the latest resolution
    resolve_met      INTEGER NOT NULL DEFAULT 0,
    survey_sent      INTEGER NOT NULL DEFAULT 0,
    survey_score     INTEGER,              -- the latest answered score
    promises_due     INTEGER NOT NULL DEFAULT 0, -- kept or broken, with a due time
    promises_kept    INTEGER NOT NULL DEFAULT 0, -- kept at or before the due time
    escalated        INTEGER NOT NULL DEFAULT 0,
    escalation_rules TEXT NOT NULL DEFAULT '',   -- distinct rules, sorted, ';'-separated
    repeat_contact   INTEGER NOT NULL DEFAULT 0,
    reopened         INTEGER NOT NULL DEFAULT 0,
    goodwill_cents   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX case_rollups_created ON case_rollups (created_at);

CREATE VIEW case_rollup_source AS
SELECT x.case_id, x.created_at, x.customer_id, x.tier, x.category, x.channel, x.assignee_id,
       CASE WHEN x.first_angry_id IS NOT NULL THEN 1 ELSE 0 END AS angry,
       CASE WHEN x.first_angry_id IS NOT NULL AND ((x.latest_level = 'calm' AND x.latest_angry = 0) OR x.survey_score >= 4) THEN 1 ELSE 0 END AS deescalated,
       CAST(round((julianday(x.calm_at) - julianday(x.first_angry_at)) * 86400000) AS INTEGER) AS calm_ms,
       x.first_due_at, x.first_ms, x.first_met, x.resolve_due_at, x.resolve_ms, x.resolve_met,
       x.survey_sent, x.survey_score, x.promises_due, x.promises_kept,
       CASE WHEN x.escalation_rules <> '' THEN 1 ELSE 0 END AS escalated, x.escalation_rules,
       x.repeat_contact, x.reopened, x.goodwill_cents
  FROM (
SELECT c.id AS case_id, c.created_at, c.customer_id, COALESCE(cu.tier, '') AS tier, c.category, c.channel, c.assignee_id,
       fa.message_id AS first_angry_id, fa.created_at AS first_angry_at,
       (SELECT min(k.created_at) FROM reading_facts k
         WHERE k.case_id = c.id AND k.level = 'calm' AND k.angry = 0
           AND (k.created_at > fa.created_at OR (k.created_at = fa.created_at AND k.message_id > fa.message_id))) AS calm_at,
       la.level AS latest_level, la.angry AS latest_angry,
       c.first_response_due_at AS first_due_at,
       CAST(round((julianday(c.first_responded_at) - julianday(c.created_at)) * 86400000) AS INTEGER) AS first_ms,
       CASE WHEN c.first_responded_at IS NOT NULL AND c.first_response_due_at IS NOT NULL
             AND c.first_responded_at <= c.first_response_due_at THEN 1 ELSE 0 END AS first_met,
       c.resolution_due_at AS resolve_due_at,
       CAST(round((julianday(c.resolved_at) - julianday(c.created_at)) * 86400000) AS INTEGER) AS resolve_ms,
       CASE WHEN c.resolved_at IS NOT NULL AND c.resolution_due_at IS NOT NULL
             AND c.resolved_at <= c.resolution_due_at THEN 1 ELSE 0 END AS resolve_met,
       EXISTS (SELECT 1 FROM surveys s WHERE s.case_id = c.id AND s.sent_at IS NOT NULL) AS survey_sent,
       (SELECT s.score FROM surveys s WHERE s.case_id = c.id AND s.status = 'answered' AND s.score IS NOT NULL
         ORDER BY s.id DESC LIMIT 1) AS survey_score,
       (SELECT count(*) FROM commitments k WHERE k.case_id = c.id AND k.due_at IS NOT NULL AND +k.status IN ('kept', 'broken')) AS promises_due,
       -- +k.status: by the case's index, never by commitments_status_due, which
       -- SQLite 3.49 picks otherwise and then reads every kept promise per case.
       (SELECT count(*) FROM commitments k WHERE k.case_id = c.id AND k.due_at IS NOT NULL AND +k.status = 'kept'
           AND k.closed_at IS NOT NULL AND k.closed_at <= k.due_at) AS promises_kept,
       COALESCE((SELECT group_concat(r.rule, ';') FROM (SELECT DISTINCT e.rule FROM escalations e WHERE e.case_id = c.id ORDER BY e.rule) r), '') AS escalation_rules,
       EXISTS (SELECT 1 FROM cases p WHERE p.customer_id = c.customer_id AND p.created_at < c.created_at
                  AND julianday(p.created_at) >= julianday(c.created_at) - 30) AS repeat_contact,
       EXISTS (SELECT 1 FROM audit_events a WHERE a.case_id = c.id AND a.action = 'case.reopened') AS reopened,
       COALESCE((SELECT sum(g.amount_cents) FROM goodwill g WHERE g.case_id = c.id AND g.status = 'approved'), 0) AS goodwill_cents
  FROM cases c
  LEFT JOIN customers cu ON cu.id = c.customer_id
  LEFT JOIN reading_facts fa ON fa.message_id = (SELECT f.message_id FROM reading_facts f WHERE f.case_id = c.id AND f.angry = 1
                                                  ORDER BY f.created_at, f.message_id LIMIT 1)
  LEFT JOIN reading_facts la ON la.message_id = (SELECT f.message_id FROM reading_facts f WHERE f.case_id = c.id
                                                  ORDER BY f.created_at DESC, f.message_id DESC LIMIT 1)
) x;

INSERT INTO case_rollups SELECT * FROM case_rollup_source;

-- A case: its own row, and the repeat-contact flag of its customer's
-- cases in the 30 days after it.
-- +goose StatementBegin
CREATE TRIGGER case_rollups_case_insert AFTER INSERT ON cases
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source
     WHERE customer_id = NEW.customer_id AND created_at >= NEW.created_at
       AND julianday(created_at) <= julianday(NEW.created_at) + 30;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_case_update AFTER UPDATE OF created_at, customer_id, category, channel, assignee_id,
    first_response_due_at, first_responded_at, resolution_due_at, resolved_at ON cases
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.id;
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source
     WHERE (NEW.customer_id IS NOT OLD.customer_id OR NEW.created_at IS NOT OLD.created_at)
       AND customer_id IN (OLD.customer_id, NEW.customer_id) AND case_id <> NEW.id
       AND julianday(created_at) > min(julianday(OLD.created_at), julianday(NEW.created_at))
       AND julianday(created_at) <= max(julianday(OLD.created_at), julianday(NEW.created_at)) + 30;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_case_delete AFTER DELETE ON cases
BEGIN
    DELETE FROM case_rollups WHERE case_id = OLD.id;
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source
     WHERE customer_id = OLD.customer_id AND created_at > OLD.created_at
       AND julianday(created_at) <= julianday(OLD.created_at) + 30;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_tier AFTER UPDATE OF tier ON customers
BEGIN
    UPDATE case_rollups SET tier = NEW.tier WHERE case_id IN (SELECT id FROM cases WHERE customer_id = NEW.id);
END;
-- +goose StatementEnd

-- One case's row, whenever a row it is computed from changes.
-- +goose StatementBegin
CREATE TRIGGER case_rollups_reading_facts_insert AFTER INSERT ON reading_facts
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_reading_facts_delete AFTER DELETE ON reading_facts
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = OLD.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_escalations_insert AFTER INSERT ON escalations
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_escalations_delete AFTER DELETE ON escalations
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = OLD.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_escalations_update AFTER UPDATE OF case_id, rule ON escalations
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = OLD.case_id;
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_surveys_insert AFTER INSERT ON surveys
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_surveys_delete AFTER DELETE ON surveys
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = OLD.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_surveys_update AFTER UPDATE OF case_id, status, score, sent_at ON surveys
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = OLD.case_id;
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_commitments_insert AFTER INSERT ON commitments
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_commitments_delete AFTER DELETE ON commitments
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = OLD.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_commitments_update AFTER UPDATE OF case_id, status, due_at, closed_at ON commitments
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = OLD.case_id;
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_goodwill_insert AFTER INSERT ON goodwill
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_goodwill_delete AFTER DELETE ON goodwill
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = OLD.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_goodwill_update AFTER UPDATE OF case_id, status, amount_cents ON goodwill
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = OLD.case_id;
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_rollups_reopened AFTER INSERT ON audit_events WHEN NEW.action = 'case.reopened' AND NEW.case_id IS NOT NULL
BEGIN
    INSERT OR REPLACE INTO case_rollups SELECT * FROM case_rollup_source WHERE case_id = NEW.case_id;
END;
-- +goose StatementEnd

-- A version per day (in 16 shards, so that concurrent writers on
-- PostgreSQL rarely wait for one another): bumped whenever a case_rollups
-- row of that day (by created_at, UTC) is written or leaves the day.
-- Insights keep each day's aggregate in memory and recompute a day only
-- when its version has moved, so a summary or trend reads a few hundred
-- version rows, not the cases (docs/insights.md, "Speed").
CREATE TABLE rollup_day_versions (
    day     TEXT NOT NULL,     -- YYYY-MM-DD
    shard   INTEGER NOT NULL,  -- case_id % 16
    version INTEGER NOT NULL,
    PRIMARY KEY (day, shard)
);
INSERT INTO rollup_day_versions (day, shard, version)
SELECT date(created_at), case_id % 16, 1 FROM case_rollups GROUP BY 1, 2;
-- +goose StatementBegin
CREATE TRIGGER rollup_day_insert AFTER INSERT ON case_rollups
BEGIN
    INSERT INTO rollup_day_versions (day, shard, version) VALUES (date(NEW.created_at), NEW.case_id % 16, 1)
        ON CONFLICT (day, shard) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rollup_day_update AFTER UPDATE ON case_rollups
BEGIN
    INSERT INTO rollup_day_versions (day, shard, version) VALUES (date(OLD.created_at), OLD.case_id % 16, 1)
        ON CONFLICT (day, shard) DO UPDATE SET version = version + 1;
    INSERT INTO rollup_day_versions (day, shard, version) VALUES (date(NEW.created_at), NEW.case_id % 16, 1)
        ON CONFLICT (day, shard) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER rollup_day_delete AFTER DELETE ON case_rollups
BEGIN
    INSERT INTO rollup_day_versions (day, shard, version) VALUES (date(OLD.created_at), OLD.case_id % 16, 1)
        ON CONFLICT (day, shard) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd
-- INSERT OR REPLACE deletes without firing the delete trigger: a case
-- whose opening time moved leaves its old day here.
-- +goose StatementBegin
CREATE TRIGGER rollup_day_case_moved AFTER UPDATE OF created_at ON cases WHEN NEW.created_at IS NOT OLD.created_at
BEGIN
    INSERT INTO rollup_day_versions (day, shard, version) VALUES (date(OLD.created_at), OLD.id % 16, 1)
        ON CONFLICT (day, shard) DO UPDATE SET version = version + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER rollup_day_case_moved;
DROP TRIGGER rollup_day_delete;
DROP TRIGGER rollup_day_update;
DROP TRIGGER rollup_day_insert;
DROP TABLE rollup_day_versions;
DROP TRIGGER case_rollups_reopened;
DROP TRIGGER case_rollups_reading_facts_insert;
DROP TRIGGER case_rollups_reading_facts_delete;
DROP TRIGGER case_rollups_escalations_insert;
DROP TRIGGER case_rollups_escalations_delete;
DROP TRIGGER case_rollups_escalations_update;
DROP TRIGGER case_rollups_surveys_insert;
DROP TRIGGER case_rollups_surveys_delete;
DROP TRIGGER case_rollups_surveys_update;
DROP TRIGGER case_rollups_commitments_insert;
DROP TRIGGER case_rollups_commitments_delete;
DROP TRIGGER case_rollups_commitments_update;
DROP TRIGGER case_rollups_goodwill_insert;
DROP TRIGGER case_rollups_goodwill_delete;
DROP TRIGGER case_rollups_goodwill_update;
DROP TRIGGER case_rollups_tier;
DROP TRIGGER case_rollups_case_delete;
DROP TRIGGER case_rollups_case_update;
DROP TRIGGER case_rollups_case_insert;
DROP VIEW case_rollup_source;
DROP TABLE case_rollups;
