-- +goose Up
-- Each agent's open cases, kept as a count on the user's row. Assignment
-- (least loaded first) counted every agent's open cases on every ingest:
-- a walk of the index that grows with the backlog, until assignment was
-- two fifths of an ingest's time at 40,000 open cases and the desk's
-- ingest rate fell with every case it took (docs/performance.md, "Ingest
-- tails on SQLite"). Triggers keep the count, so no writer can forget it.
-- Open is new, open, pending or escalated: what assignment counts.
ALTER TABLE users ADD COLUMN open_cases INTEGER NOT NULL DEFAULT 0;
UPDATE users SET open_cases = (SELECT count(*) FROM cases c
    WHERE c.assignee_id = users.id AND c.status IN ('new', 'open', 'pending', 'escalated'));

-- +goose StatementBegin
CREATE TRIGGER users_open_cases_insert AFTER INSERT ON cases
WHEN NEW.assignee_id IS NOT NULL AND NEW.status IN ('new', 'open', 'pending', 'escalated')
BEGIN
    UPDATE users SET open_cases = open_cases + 1 WHERE id = NEW.assignee_id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_open_cases_update AFTER UPDATE OF assignee_id, status ON cases
WHEN NEW.assignee_id IS NOT OLD.assignee_id
  OR (NEW.status IN ('new', 'open', 'pending', 'escalated')) <> (OLD.status IN ('new', 'open', 'pending', 'escalated'))
BEGIN
    UPDATE users SET open_cases = open_cases - 1
     WHERE id = OLD.assignee_id AND OLD.status IN ('new', 'open', 'pending', 'escalated');
    UPDATE users SET open_cases = open_cases + 1
     WHERE id = NEW.assignee_id AND NEW.status IN ('new', 'open', 'pending', 'escalated');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER users_open_cases_delete AFTER DELETE ON cases
WHEN OLD.assignee_id IS NOT NULL AND OLD.status IN ('new', 'open', 'pending', 'escalated')
BEGIN
    UPDATE users SET open_cases = open_cases - 1 WHERE id = OLD.assignee_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER users_open_cases_delete;
DROP TRIGGER users_open_cases_update;
DROP TRIGGER users_open_cases_insert;
ALTER TABLE users DROP COLUMN open_cases;
