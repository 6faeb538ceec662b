-- +goose Up
-- Every webhook attempt, for the delivery log admins read.
CREATE TABLE webhook_deliveries (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url         TEXT NOT NULL,
    event_id    BIGINT NOT NULL,
    event       TEXT NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    at          TIMESTAMPTZ NOT NULL,
    duration_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_at ON webhook_deliveries (id DESC);

-- Staff notifications are also emailed when outbound mail is configured.
ALTER TABLE notifications ADD COLUMN emailed_at TIMESTAMPTZ;
CREATE INDEX notifications_unemailed ON notifications (id) WHERE emailed_at IS NULL;

-- Automatic assignment reads each agent's latest assignments.
CREATE INDEX cases_assignee_assigned ON cases (assignee_id, assigned_at);
-- The inbox's "mine" and "unassigned" views, hottest first.
CREATE INDEX cases_assignee_hottest ON cases (assignee_id, priority DESC, id DESC);

-- +goose Down
DROP INDEX cases_assignee_hottest;
DROP INDEX cases_assignee_assigned;
DROP INDEX notifications_unemailed;
ALTER TABLE notifications DROP COLUMN emailed_at;
DROP TABLE webhook_deliveries;
