-- +goose Up
-- A case can be on hold (waiting on a third party): its SLA clocks pause.
-- sla_paused_at is when the hold began; when it ends the due times move
-- later by the business time the case was on hold.
ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check
    CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'escalated', 'resolved', 'closed'));
ALTER TABLE cases ADD COLUMN sla_paused_at TIMESTAMPTZ;

-- +goose Down
UPDATE cases SET status = 'pending' WHERE status = 'on_hold';
ALTER TABLE cases DROP COLUMN sla_paused_at;
ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check
    CHECK (status IN ('new', 'open', 'pending', 'escalated', 'resolved', 'closed'));
