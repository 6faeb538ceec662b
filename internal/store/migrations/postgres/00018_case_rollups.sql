-- +goose Up
-- Insights at a million cases (docs/insights.md, "Speed"): what each case
-- contributes to the figures, one short row per case, kept by triggers in
-- the transaction of every write that changes it (see the SQLite
-- migration for the whole story). Each row is recomputed whole from
-- case_rollup_source; case_rollup_refresh locks the case first, so two
-- transactions writing to one case cannot leave a row computed from a
-- snapshot missing the other's write.
CREATE TABLE case_rollups (
    case_id          BIGINT PRIMARY KEY,
    created_at       TIMESTAMPTZ NOT NULL,
    customer_id      BIGINT NOT NULL,
    tier             TEXT NOT NULL DEFAULT '',
    category         TEXT NOT NULL DEFAULT '',
    channel          TEXT NOT NULL DEFAULT '',
    assignee_id      BIGINT,
    angry            INTEGER NOT NULL DEFAULT 0,
    deescalated      INTEGER NOT NULL DEFAULT 0,
    calm_ms          BIGINT,
    first_due_at     TIMESTAMPTZ,
    first_ms         BIGINT,
    first_met        INTEGER NOT NULL DEFAULT 0,
    resolve_due_at   TIMESTAMPTZ,
    resolve_ms       BIGINT,
    resolve_met      INTEGER NOT NULL DEFAULT 0,
    survey_sent      INTEGER NOT NULL DEFAULT 0,
    survey_score     INTEGER,
    promises_due     INTEGER NOT NULL DEFAULT 0,
    promises_kept    INTEGER NOT NULL DEFAULT 0,
    escalated        INTEGER NOT NULL DEFAULT 0,
    escalation_rules TEXT NOT NULL DEFAULT '',
    repeat_contact   INTEGER NOT NULL DEFAULT 0,
    reopened         INTEGER NOT NULL DEFAULT 0,
    goodwill_cents   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX case_rollups_created ON case_rollups (created_at);

CREATE VIEW case_rollup_source AS
SELECT x.case_id, x.created_at, x.customer_id, x.tier, x.category, x.channel, x.assignee_id,
       CASE WHEN x.first_angry_id IS NOT NULL THEN 1 ELSE 0 END AS angry,
       CASE WHEN x.first_angry_id IS NOT NULL AND ((x.latest_level = 'calm' AND x.latest_angry = 0) OR x.survey_score >= 4) THEN 1 ELSE 0 END AS deescalated,
       round(extract(epoch FROM (x.calm_at - x.first_angry_at)) * 1000)::bigint AS calm_ms,
       x.first_due_at, x.first_ms, x.first_met, x.resolve_due_at, x.resolve_ms, x.resolve_met,
       x.survey_sent, x.survey_score, x.promises_due, x.promises_kept,
       CASE WHEN x.escalation_rules <> '' THEN 1 ELSE 0 END AS escalated, x.escalation_rules,
       x.repeat_contact, x.reopened, x.goodwill_cents
  FROM (
SELECT c.id AS case_id, c.created_at, c.customer_id, COALESCE(cu.tier, '') AS tier, c.category, c.channel, c.assignee_id,
       fa.message_id AS first_angry_id, fa.created_at AS first_angry_at,
       (SELECT min(k.created_at) FROM reading_facts k
         WHERE k.case_id = c.id AND k.level = 'calm' AND k.angry = 0
           AND (k.created_at, k.message_id) > (fa.created_at, fa.message_id)) AS calm_at,
       la.level AS latest_level, la.angry AS latest_angry,
       c.first_response_due_at AS first_due_at,
       round(extract(epoch FROM (c.first_responded_at - c.created_at)) * 1000)::bigint AS first_ms,
       CASE WHEN c.first_responded_at IS NOT NULL AND c.first_response_due_at IS NOT NULL
             AND c.first_responded_at <= c.first_response_due_at THEN 1 ELSE 0 END AS first_met,
       c.resolution_due_at AS resolve_due_at,
       round(extract(epoch FROM (c.resolved_at - c.created_at)) * 1000)::bigint AS resolve_ms,
       CASE WHEN c.resolved_at IS NOT NULL AND c.resolution_due_at IS NOT NULL
             AND c.resolved_at <= c.resolution_due_at THEN 1 ELSE 0 END AS resolve_met,
       CASE WHEN EXISTS (SELECT 1 FROM surveys s WHERE s.case_id = c.id AND s.sent_at IS NOT NULL) THEN 1 ELSE 0 END AS survey_sent,
       (SELECT s.score FROM surveys s WHERE s.case_id = c.id AND s.status = 'answered' AND s.score IS NOT NULL
         ORDER BY s.id DESC LIMIT 1) AS survey_score,
       (SELECT count(*) FROM commitments k WHERE k.case_id = c.id AND k.due_at IS NOT NULL AND k.status IN ('kept', 'broken'))::int AS promises_due,
       (SELECT count(*) FROM commitments k WHERE k.case_id = c.id AND k.due_at IS NOT NULL AND k.status = 'kept'
           AND k.closed_at IS NOT NULL AND k.closed_at <= k.due_at)::int AS promises_kept,
       COALESCE((SELECT string_agg(DISTINCT e.rule, ';' ORDER BY e.rule) FROM escalations e WHERE e.case_id = c.id), '') AS escalation_rules,
       CASE WHEN EXISTS (SELECT 1 FROM cases p WHERE p.customer_id = c.customer_id AND p.created_at < c.created_at
                  AND p.created_at >= c.created_at - interval '30 days') THEN 1 ELSE 0 END AS repeat_contact,
       CASE WHEN EXISTS (SELECT 1 FROM audit_events a WHERE a.case_id = c.id AND a.action = 'case.reopened') THEN 1 ELSE 0 END AS reopened,
       COALESCE((SELECT sum(g.amount_cents) FROM goodwill g WHERE g.case_id = c.id AND g.status = 'approved'), 0)::bigint AS goodwill_cents
  FROM cases c
  LEFT JOIN customers cu ON cu.id = c.customer_id
  LEFT JOIN reading_facts fa ON fa.message_id = (SELECT f.message_id FROM reading_facts f WHERE f.case_id = c.id AND f.angry = 1
                                                  ORDER BY f.created_at, f.message_id LIMIT 1)
  LEFT JOIN reading_facts la ON la.message_id = (SELECT f.message_id FROM reading_facts f WHERE f.case_id = c.id
                                                  ORDER BY f.created_at DESC, f.message_id DESC LIMIT 1)
) x;

INSERT INTO case_rollups SELECT * FROM case_rollup_source;

-- +goose StatementBegin
CREATE FUNCTION case_rollup_refresh(cid BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cid IS NULL THEN
        RETURN;
    END IF;
    -- Serialise the refreshes of one case: the statement below then sees
    -- every write committed before it (READ COMMITTED takes a new snapshot).
    PERFORM 1 FROM cases WHERE cases.id = cid FOR UPDATE;
    DELETE FROM case_rollups WHERE case_id = cid;
    INSERT INTO case_rollups SELECT * FROM case_rollup_source s WHERE s.case_id = cid;
END;
$$;
-- +goose StatementEnd

-- The repeat-contact flags of a customer's cases opened in (since, until + 30 days].
-- +goose StatementBegin
CREATE FUNCTION case_rollup_refresh_customer(cust BIGINT, since TIMESTAMPTZ, until TIMESTAMPTZ) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    c BIGINT;
BEGIN
    FOR c IN SELECT id FROM cases WHERE customer_id = cust AND created_at > since AND created_at <= until + interval '30 days' ORDER BY id LOOP
        PERFORM case_rollup_refresh(c);
    END LOOP;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION case_rollups_case_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM case_rollups WHERE case_id = OLD.id;
        PERFORM case_rollup_refresh_customer(OLD.customer_id, OLD.created_at, OLD.created_at);
        RETURN OLD;
    END IF;
    PERFORM case_rollup_refresh(NEW.id);
    IF TG_OP = 'INSERT' THEN
        PERFORM case_rollup_refresh_customer(NEW.customer_id, NEW.created_at, NEW.created_at);
    ELSIF NEW.customer_id IS DISTINCT FROM OLD.customer_id OR NEW.created_at IS DISTINCT FROM OLD.created_at THEN
        PERFORM case_rollup_refresh_customer(OLD.customer_id, LEAST(OLD.created_at, NEW.created_at), GREATEST(OLD.created_at, NEW.created_at));
        PERFORM case_rollup_refresh_customer(NEW.customer_id, LEAST(OLD.created_at, NEW.created_at), GREATEST(OLD.created_at, NEW.created_at));
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_rollups_case_sync AFTER INSERT OR DELETE OR UPDATE OF created_at, customer_id, category, channel, assignee_id,
    first_response_due_at, first_responded_at, resolution_due_at, resolved_at ON cases
    FOR EACH ROW EXECUTE FUNCTION case_rollups_case_sync();

-- +goose StatementBegin
CREATE FUNCTION case_rollups_tier_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.tier IS DISTINCT FROM OLD.tier THEN
        UPDATE case_rollups SET tier = NEW.tier WHERE case_id IN (SELECT id FROM cases WHERE customer_id = NEW.id);
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_rollups_tier_sync AFTER UPDATE OF tier ON customers
    FOR EACH ROW EXECUTE FUNCTION case_rollups_tier_sync();

-- One case's row, whenever a row it is computed from changes.
-- +goose StatementBegin
CREATE FUNCTION case_rollups_row_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM case_rollup_refresh(OLD.case_id);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
        PERFORM case_rollup_refresh(NEW.case_id);
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_rollups_sync AFTER INSERT OR DELETE ON reading_facts
    FOR EACH ROW EXECUTE FUNCTION case_rollups_row_sync();
CREATE TRIGGER case_rollups_sync AFTER INSERT OR DELETE OR UPDATE OF case_id, rule ON escalations
    FOR EACH ROW EXECUTE FUNCTION case_rollups_row_sync();
CREATE TRIGGER case_rollups_sync AFTER INSERT OR DELETE OR UPDATE OF case_id, status, score, sent_at ON surveys
    FOR EACH ROW EXECUTE FUNCTION case_rollups_row_sync();
CREATE TRIGGER case_rollups_sync AFTER INSERT OR DELETE OR UPDATE OF case_id, status, due_at, closed_at ON commitments
    FOR EACH ROW EXECUTE FUNCTION case_rollups_row_sync();
CREATE TRIGGER case_rollups_sync AFTER INSERT OR DELETE OR UPDATE OF case_id, status, amount_cents ON goodwill
    FOR EACH ROW EXECUTE FUNCTION case_rollups_row_sync();
CREATE TRIGGER case_rollups_sync AFTER INSERT ON audit_events
    FOR EACH ROW WHEN (NEW.action = 'case.reopened' AND NEW.case_id IS NOT NULL) EXECUTE FUNCTION case_rollups_row_sync();

-- A version per day (in 16 shards, so that concurrent writers rarely wait
-- for one another on one row): bumped whenever a case_rollups row of that
-- day (by created_at, UTC) is written or deleted. Insights keep each day's
-- aggregate in memory and recompute a day only when its version has moved.
CREATE TABLE rollup_day_versions (
    day     DATE NOT NULL,
    shard   INTEGER NOT NULL,  -- case_id % 16
    version BIGINT NOT NULL,
    PRIMARY KEY (day, shard)
);
INSERT INTO rollup_day_versions (day, shard, version)
SELECT (created_at AT TIME ZONE 'UTC')::date, case_id % 16, 1 FROM case_rollups GROUP BY 1, 2;
-- +goose StatementBegin
CREATE FUNCTION rollup_day_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO rollup_day_versions (day, shard, version) VALUES ((OLD.created_at AT TIME ZONE 'UTC')::date, OLD.case_id % 16, 1)
            ON CONFLICT (day, shard) DO UPDATE SET version = rollup_day_versions.version + 1;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO rollup_day_versions (day, shard, version) VALUES ((NEW.created_at AT TIME ZONE 'UTC')::date, NEW.case_id % 16, 1)
            ON CONFLICT (day, shard) DO UPDATE SET version = rollup_day_versions.version + 1;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER rollup_day_bump AFTER INSERT OR UPDATE OR DELETE ON case_rollups
    FOR EACH ROW EXECUTE FUNCTION rollup_day_bump();

-- +goose Down
DROP TRIGGER rollup_day_bump ON case_rollups;
DROP FUNCTION rollup_day_bump();
DROP TABLE rollup_day_versions;
DROP TRIGGER case_rollups_sync ON audit_events;
DROP TRIGGER case_rollups_sync ON goodwill;
DROP TRIGGER case_rollups_sync ON commitments;
DROP TRIGGER case_rollups_sync ON surveys;
DROP TRIGGER case_rollups_sync ON escalations;
DROP TRIGGER case_rollups_sync ON reading_facts;
DROP FUNCTION case_rollups_row_sync();
DROP TRIGGER case_rollups_tier_sync ON customers;
DROP FUNCTION case_rollups_tier_sync();
DROP TRIGGER case_rollups_case_sync ON cases;
DROP FUNCTION case_rollups_case_sync();
DROP FUNCTION case_rollup_refresh_customer(BIGINT, TIMESTAMPTZ, TIMESTAMPTZ);
DROP FUNCTION case_rollup_refresh(BIGINT);
DROP VIEW case_rollup_source;
DROP TABLE case_rollups;
