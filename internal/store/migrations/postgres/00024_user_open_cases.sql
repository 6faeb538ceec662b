-- +goose Up
-- Each agent's open cases, kept as a count on the user's row. Assignment
-- (least loaded first) counted every agent's open cases on every ingest:
-- a walk of the index that grows with the backlog, until assignment was
-- two fifths of an ingest's time at 40,000 open cases and the desk's
-- ingest rate fell with every case it took (docs/performance.md, "Ingest
-- tails on SQLite"). A trigger keeps the count, so no writer can forget it.
-- Open is new, open, pending or escalated: what assignment counts.
ALTER TABLE users ADD COLUMN open_cases integer NOT NULL DEFAULT 0;
UPDATE users SET open_cases = (SELECT count(*) FROM cases c
    WHERE c.assignee_id = users.id AND c.status IN ('new', 'open', 'pending', 'escalated'));

-- A reassignment moves one case between two users' counts in a single
-- UPDATE, so two reassignments crossing each other lock the two rows in
-- the same order.
-- +goose StatementBegin
CREATE FUNCTION users_open_cases() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_id bigint;
    now_id bigint;
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.status IN ('new', 'open', 'pending', 'escalated') THEN
        was_id := OLD.assignee_id;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.status IN ('new', 'open', 'pending', 'escalated') THEN
        now_id := NEW.assignee_id;
    END IF;
    IF was_id IS NOT DISTINCT FROM now_id THEN
        RETURN NULL;
    END IF;
    UPDATE users SET open_cases = open_cases
        + CASE WHEN id = now_id THEN 1 ELSE 0 END
        - CASE WHEN id = was_id THEN 1 ELSE 0 END
     WHERE id IN (was_id, now_id);
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER users_open_cases AFTER INSERT OR DELETE OR UPDATE OF assignee_id, status ON cases
    FOR EACH ROW EXECUTE FUNCTION users_open_cases();

-- +goose Down
DROP TRIGGER users_open_cases ON cases;
DROP FUNCTION users_open_cases();
ALTER TABLE users DROP COLUMN open_cases;
