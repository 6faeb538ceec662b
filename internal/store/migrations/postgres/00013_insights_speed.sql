-- +goose Up
-- Insights pick the cases of a period by when they were opened; without
-- this index every summary, trend and problem list scanned every case and
-- every message (docs/insights.md, "Speed").
CREATE INDEX cases_created ON cases (created_at);
-- Repeat contacts: a customer's earlier cases by time, from the index alone.
CREATE INDEX cases_customer_created ON cases (customer_id, created_at);

-- The parts of each customer message's reading that insights count —
-- level, angry flag, concerns — kept beside it by a trigger in the
-- transaction that writes the message, so a summary reads a few small
-- columns instead of every stored reading.
CREATE TABLE reading_facts (
    message_id BIGINT PRIMARY KEY,   -- messages.id of an inbound message
    case_id    BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    level      TEXT NOT NULL DEFAULT '',
    angry      INTEGER NOT NULL DEFAULT 0,
    concerns   TEXT                  -- the reading's concerns (JSON array); NULL when none
);
CREATE INDEX reading_facts_case ON reading_facts (case_id, created_at, message_id);

INSERT INTO reading_facts (message_id, case_id, created_at, level, angry, concerns)
SELECT id, case_id, created_at, COALESCE(reading->>'level', ''),
       CASE WHEN reading->>'angry' = 'true' THEN 1 ELSE 0 END, (reading->'concerns')::text
  FROM messages WHERE direction = 'inbound';

-- +goose StatementBegin
CREATE FUNCTION reading_facts_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM reading_facts WHERE message_id = OLD.id;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF NEW.direction = 'inbound' THEN
        INSERT INTO reading_facts (message_id, case_id, created_at, level, angry, concerns)
        VALUES (NEW.id, NEW.case_id, NEW.created_at, COALESCE(NEW.reading->>'level', ''),
                CASE WHEN NEW.reading->>'angry' = 'true' THEN 1 ELSE 0 END, (NEW.reading->'concerns')::text);
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER reading_facts_sync AFTER INSERT OR DELETE OR UPDATE OF reading, case_id, created_at, direction ON messages
    FOR EACH ROW EXECUTE FUNCTION reading_facts_sync();

-- +goose Down
DROP TRIGGER reading_facts_sync ON messages;
DROP FUNCTION reading_facts_sync();
DROP TABLE reading_facts;
DROP INDEX cases_customer_created;
DROP INDEX cases_created;
