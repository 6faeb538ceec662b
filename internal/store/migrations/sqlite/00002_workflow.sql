-- +goose Up
-- Settings: admin-editable configuration as JSON documents, one per key
-- (escalation rules, SLA policy, goodwill limits, follow-up, business hours).
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

ALTER TABLE cases ADD COLUMN acknowledge_first INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN assigned_at TIMESTAMP;
ALTER TABLE commitments ADD COLUMN reminded_at TIMESTAMP;
ALTER TABLE users ADD COLUMN skills TEXT NOT NULL DEFAULT '[]';

CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER REFERENCES users (id),
    role       TEXT NOT NULL DEFAULT '',
    case_id    INTEGER REFERENCES cases (id),
    kind       TEXT NOT NULL,
    message    TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at    TIMESTAMP
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_role ON notifications (role, id);

CREATE TABLE sla_events (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES cases (id),
    target     TEXT NOT NULL CHECK (target IN ('first_response', 'resolution')),
    stage      TEXT NOT NULL CHECK (stage IN ('warning', 'breach')),
    due_at     TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (case_id, target, stage, due_at)
);

CREATE TABLE surveys (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    token_hash   BLOB NOT NULL UNIQUE,
    status       TEXT NOT NULL CHECK (status IN ('scheduled', 'sent', 'answered', 'cancelled', 'expired')),
    due_at       TIMESTAMP NOT NULL,
    sent_at      TIMESTAMP,
    expires_at   TIMESTAMP,
    answered_at  TIMESTAMP,
    score        INTEGER,
    comment      TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX surveys_case ON surveys (case_id);
CREATE INDEX surveys_status_due ON surveys (status, due_at);

CREATE TABLE goodwill (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    kind         TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    requested_by INTEGER NOT NULL REFERENCES users (id),
    decided_by   INTEGER REFERENCES users (id),
    decided_at   TIMESTAMP,
    decision_note TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX goodwill_status ON goodwill (status, id);
CREATE INDEX goodwill_case ON goodwill (case_id);

-- +goose Down
DROP TABLE goodwill;
DROP TABLE surveys;
DROP TABLE sla_events;
DROP TABLE notifications;
ALTER TABLE users DROP COLUMN skills;
ALTER TABLE commitments DROP COLUMN reminded_at;
ALTER TABLE cases DROP COLUMN assigned_at;
ALTER TABLE cases DROP COLUMN acknowledge_first;
DROP TABLE settings;
