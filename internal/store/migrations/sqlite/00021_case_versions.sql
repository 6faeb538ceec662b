-- +goose Up
-- A version per case (docs/performance.md, "Reading one case", third
-- step): bumped in the transaction of every write to a row the case's
-- answer is read from, so a reader can tell with one small query whether
-- the answer it encoded earlier is still the answer — on every instance,
-- since the version is in the database. Triggers, not the Go writers: a
-- writer added later cannot forget it. The customer's row (part of every
-- one of their cases' answers) has a version of its own rather than
-- bumping all their cases on each contact.
ALTER TABLE cases ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

-- An update that did not set the version itself bumps it. (Recursive
-- triggers are off in SQLite; the WHEN stops the nested update anyway.)
-- +goose StatementBegin
CREATE TRIGGER case_version AFTER UPDATE ON cases WHEN NEW.version = OLD.version
BEGIN
    UPDATE cases SET version = version + 1 WHERE id = NEW.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER customer_version AFTER UPDATE ON customers WHEN NEW.version = OLD.version
BEGIN
    UPDATE customers SET version = version + 1 WHERE id = NEW.id;
END;
-- +goose StatementEnd

-- The case's lists: messages, escalations, commitments, surveys, goodwill.
-- +goose StatementBegin
CREATE TRIGGER case_version_messages_insert AFTER INSERT ON messages
BEGIN UPDATE cases SET version = version + 1 WHERE id = NEW.case_id; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_messages_update AFTER UPDATE ON messages
BEGIN UPDATE cases SET version = version + 1 WHERE id IN (OLD.case_id, NEW.case_id); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_messages_delete AFTER DELETE ON messages
BEGIN UPDATE cases SET version = version + 1 WHERE id = OLD.case_id; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_escalations_insert AFTER INSERT ON escalations
BEGIN UPDATE cases SET version = version + 1 WHERE id = NEW.case_id; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_escalations_update AFTER UPDATE ON escalations
BEGIN UPDATE cases SET version = version + 1 WHERE id IN (OLD.case_id, NEW.case_id); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_escalations_delete AFTER DELETE ON escalations
BEGIN UPDATE cases SET version = version + 1 WHERE id = OLD.case_id; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_commitments_insert AFTER INSERT ON commitments
BEGIN UPDATE cases SET version = version + 1 WHERE id = NEW.case_id; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_commitments_update AFTER UPDATE ON commitments
BEGIN UPDATE cases SET version = version + 1 WHERE id IN (OLD.case_id, NEW.case_id); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_commitments_delete AFTER DELETE ON commitments
BEGIN UPDATE cases SET version = version + 1 WHERE id = OLD.case_id; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_surveys_insert AFTER INSERT ON surveys
BEGIN UPDATE cases SET version = version + 1 WHERE id = NEW.case_id; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_surveys_update AFTER UPDATE ON surveys
BEGIN UPDATE cases SET version = version + 1 WHERE id IN (OLD.case_id, NEW.case_id); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_surveys_delete AFTER DELETE ON surveys
BEGIN UPDATE cases SET version = version + 1 WHERE id = OLD.case_id; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_goodwill_insert AFTER INSERT ON goodwill
BEGIN UPDATE cases SET version = version + 1 WHERE id = NEW.case_id; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_goodwill_update AFTER UPDATE ON goodwill
BEGIN UPDATE cases SET version = version + 1 WHERE id IN (OLD.case_id, NEW.case_id); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_goodwill_delete AFTER DELETE ON goodwill
BEGIN UPDATE cases SET version = version + 1 WHERE id = OLD.case_id; END;
-- +goose StatementEnd

-- Attachments hang off a message, not the case.
-- +goose StatementBegin
CREATE TRIGGER case_version_attachments_insert AFTER INSERT ON attachments
BEGIN UPDATE cases SET version = version + 1 WHERE id = (SELECT case_id FROM messages WHERE id = NEW.message_id); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_attachments_update AFTER UPDATE ON attachments
BEGIN UPDATE cases SET version = version + 1 WHERE id IN (SELECT case_id FROM messages WHERE id IN (OLD.message_id, NEW.message_id)); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_version_attachments_delete AFTER DELETE ON attachments
BEGIN UPDATE cases SET version = version + 1 WHERE id = (SELECT case_id FROM messages WHERE id = OLD.message_id); END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER case_version_attachments_delete;
DROP TRIGGER case_version_attachments_update;
DROP TRIGGER case_version_attachments_insert;
DROP TRIGGER case_version_goodwill_delete;
DROP TRIGGER case_version_goodwill_update;
DROP TRIGGER case_version_goodwill_insert;
DROP TRIGGER case_version_surveys_delete;
DROP TRIGGER case_version_surveys_update;
DROP TRIGGER case_version_surveys_insert;
DROP TRIGGER case_version_commitments_delete;
DROP TRIGGER case_version_commitments_update;
DROP TRIGGER case_version_commitments_insert;
DROP TRIGGER case_version_escalations_delete;
DROP TRIGGER case_version_escalations_update;
DROP TRIGGER case_version_escalations_insert;
DROP TRIGGER case_version_messages_delete;
DROP TRIGGER case_version_messages_update;
DROP TRIGGER case_version_messages_insert;
DROP TRIGGER customer_version;
DROP TRIGGER case_version;
ALTER TABLE customers DROP COLUMN version;
ALTER TABLE cases DROP COLUMN version;
