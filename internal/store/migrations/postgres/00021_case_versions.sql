-- +goose Up
-- A version per case (docs/performance.md, "Reading one case", third
-- step): bumped in the transaction of every write to a row the case's
-- answer is read from, so a reader can tell with one small query whether
-- the answer it encoded earlier is still the answer — on every instance,
-- since the version is in the database. Triggers, not the Go writers: a
-- writer added later cannot forget it. The customer's row (part of every
-- one of their cases' answers) has a version of its own rather than
-- bumping all their cases on each contact.
ALTER TABLE cases ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE customers ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- An update that did not set the version itself bumps it.
-- +goose StatementBegin
CREATE FUNCTION row_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version THEN
        NEW.version := OLD.version + 1;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_version BEFORE UPDATE ON cases
    FOR EACH ROW EXECUTE FUNCTION row_version_bump();
CREATE TRIGGER customer_version BEFORE UPDATE ON customers
    FOR EACH ROW EXECUTE FUNCTION row_version_bump();

-- The case's lists: messages, escalations, commitments, surveys, goodwill.
-- +goose StatementBegin
CREATE FUNCTION case_version_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE cases SET version = version + 1 WHERE id = OLD.case_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
        UPDATE cases SET version = version + 1 WHERE id = NEW.case_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_version AFTER INSERT OR UPDATE OR DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION case_version_row();
CREATE TRIGGER case_version AFTER INSERT OR UPDATE OR DELETE ON escalations
    FOR EACH ROW EXECUTE FUNCTION case_version_row();
CREATE TRIGGER case_version AFTER INSERT OR UPDATE OR DELETE ON commitments
    FOR EACH ROW EXECUTE FUNCTION case_version_row();
CREATE TRIGGER case_version AFTER INSERT OR UPDATE OR DELETE ON surveys
    FOR EACH ROW EXECUTE FUNCTION case_version_row();
CREATE TRIGGER case_version AFTER INSERT OR UPDATE OR DELETE ON goodwill
    FOR EACH ROW EXECUTE FUNCTION case_version_row();

-- Attachments hang off a message, not the case.
-- +goose StatementBegin
CREATE FUNCTION case_version_attachment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE cases SET version = version + 1 WHERE id = (SELECT case_id FROM messages WHERE id = OLD.message_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.message_id IS DISTINCT FROM OLD.message_id) THEN
        UPDATE cases SET version = version + 1 WHERE id = (SELECT case_id FROM messages WHERE id = NEW.message_id);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER case_version AFTER INSERT OR UPDATE OR DELETE ON attachments
    FOR EACH ROW EXECUTE FUNCTION case_version_attachment();

-- +goose Down
DROP TRIGGER case_version ON attachments;
DROP FUNCTION case_version_attachment();
DROP TRIGGER case_version ON goodwill;
DROP TRIGGER case_version ON surveys;
DROP TRIGGER case_version ON commitments;
DROP TRIGGER case_version ON escalations;
DROP TRIGGER case_version ON messages;
DROP FUNCTION case_version_row();
DROP TRIGGER customer_version ON customers;
DROP TRIGGER case_version ON cases;
DROP FUNCTION row_version_bump();
ALTER TABLE customers DROP COLUMN version;
ALTER TABLE cases DROP COLUMN version;
