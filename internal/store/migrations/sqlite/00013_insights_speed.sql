-- +goose Up
-- Insights pick the cases of a period by when they were opened; without
-- this index every summary, trend and problem list scanned every case and
-- every message (docs/insights.md, "Speed").
CREATE INDEX cases_created ON cases (created_at);
-- Repeat contacts: a customer's earlier cases by time, from the index alone.
CREATE INDEX cases_customer_created ON cases (customer_id, created_at);

-- The parts of each customer message's reading that insights count —
-- level, angry flag, concerns — kept beside it by triggers in the
-- transaction that writes the message, so a summary reads a few small
-- columns instead of parsing every stored reading (a JSON document of
-- about 1.5 kB). An unreadable reading counts as none, as before.
CREATE TABLE reading_facts (
    message_id INTEGER PRIMARY KEY,  -- messages.id of an inbound message
    case_id    INTEGER NOT NULL,
    created_at TIMESTAMP NOT NULL,
    level      TEXT NOT NULL DEFAULT '',
    angry      INTEGER NOT NULL DEFAULT 0,
    concerns   TEXT                  -- the reading's concerns (JSON array); NULL when none
);
CREATE INDEX reading_facts_case ON reading_facts (case_id, created_at, message_id);

INSERT INTO reading_facts (message_id, case_id, created_at, level, angry, concerns)
SELECT id, case_id, created_at,
       CASE WHEN json_valid(reading) THEN COALESCE(json_extract(reading, '$.level'), '') ELSE '' END,
       CASE WHEN json_valid(reading) AND json_extract(reading, '$.angry') THEN 1 ELSE 0 END,
       CASE WHEN json_valid(reading) THEN json_extract(reading, '$.concerns') END
  FROM messages WHERE direction = 'inbound';

-- +goose StatementBegin
CREATE TRIGGER reading_facts_insert AFTER INSERT ON messages WHEN NEW.direction = 'inbound'
BEGIN
    INSERT OR REPLACE INTO reading_facts (message_id, case_id, created_at, level, angry, concerns)
    VALUES (NEW.id, NEW.case_id, NEW.created_at,
            CASE WHEN json_valid(NEW.reading) THEN COALESCE(json_extract(NEW.reading, '$.level'), '') ELSE '' END,
            CASE WHEN json_valid(NEW.reading) AND json_extract(NEW.reading, '$.angry') THEN 1 ELSE 0 END,
            CASE WHEN json_valid(NEW.reading) THEN json_extract(NEW.reading, '$.concerns') END);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reading_facts_update AFTER UPDATE OF reading, case_id, created_at, direction ON messages
BEGIN
    DELETE FROM reading_facts WHERE message_id = OLD.id;
    INSERT INTO reading_facts (message_id, case_id, created_at, level, angry, concerns)
    SELECT NEW.id, NEW.case_id, NEW.created_at,
           CASE WHEN json_valid(NEW.reading) THEN COALESCE(json_extract(NEW.reading, '$.level'), '') ELSE '' END,
           CASE WHEN json_valid(NEW.reading) AND json_extract(NEW.reading, '$.angry') THEN 1 ELSE 0 END,
           CASE WHEN json_valid(NEW.reading) THEN json_extract(NEW.reading, '$.concerns') END
     WHERE NEW.direction = 'inbound';
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER reading_facts_delete AFTER DELETE ON messages
BEGIN
    DELETE FROM reading_facts WHERE message_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER reading_facts_delete;
DROP TRIGGER reading_facts_update;
DROP TRIGGER reading_facts_insert;
DROP TABLE reading_facts;
DROP INDEX cases_customer_created;
DROP INDEX cases_created;
