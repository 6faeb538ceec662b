-- +goose Up
-- Inbox search finds a substring of a case's subject or its customer's
-- email or name (LOWER(x) LIKE '%term%'), which no b-tree can answer: a
-- rare term walked every case. Trigram GIN indexes (pg_trgm, in Debian's
-- postgresql package, trusted so the database owner may create it) answer
-- LIKE with any pattern, rechecking each candidate, so results stay exact.
-- The extension is created where the search path points unless it is
-- already installed; the indexes name its schema, which need not be on
-- the search path.
-- +goose StatementBegin
DO $$
DECLARE
    ext text;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE EXTENSION pg_trgm;
    END IF;
    SELECT n.nspname INTO ext FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX cases_subject_trgm ON cases USING gin (LOWER(subject) %I.gin_trgm_ops)', ext);
    EXECUTE format('CREATE INDEX customers_email_trgm ON customers USING gin (LOWER(email) %I.gin_trgm_ops)', ext);
    EXECUTE format('CREATE INDEX customers_name_trgm ON customers USING gin (LOWER(name) %I.gin_trgm_ops)', ext);
END
$$;
-- +goose StatementEnd

-- The breaching view: a case is breaching once its earliest pending SLA
-- deadline has passed. The deadline is a generated column, so every write
-- keeps it without knowing; the partial index holds only cases with a
-- pending deadline, hottest first, so the view walks the cases still in
-- play (not the desk's history) and reads the deadline from the index.
ALTER TABLE cases ADD COLUMN sla_due_at TIMESTAMPTZ GENERATED ALWAYS AS (
    CASE
        WHEN status IN ('resolved', 'closed') THEN NULL
        WHEN first_responded_at IS NULL AND first_response_due_at IS NOT NULL
             AND (resolution_due_at IS NULL OR first_response_due_at < resolution_due_at) THEN first_response_due_at
        ELSE resolution_due_at
    END) STORED;
CREATE INDEX cases_sla_hottest ON cases (priority DESC, id DESC, sla_due_at) WHERE sla_due_at IS NOT NULL;

-- +goose Down
DROP INDEX cases_sla_hottest;
ALTER TABLE cases DROP COLUMN sla_due_at;
DROP INDEX customers_name_trgm;
DROP INDEX customers_email_trgm;
DROP INDEX cases_subject_trgm;
