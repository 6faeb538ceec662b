-- +goose Up
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin', 'trainee')),
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    disabled_at   TIMESTAMP
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL DEFAULT '',
    token_hash   BLOB NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP
);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email_at ON login_failures (email, at);
CREATE INDEX login_failures_ip_at ON login_failures (ip, at);

CREATE TABLE customers (
    id              INTEGER PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL DEFAULT '',
    tier            TEXT NOT NULL DEFAULT 'standard',
    value_cents     INTEGER NOT NULL DEFAULT 0,
    time_zone       TEXT NOT NULL DEFAULT '',
    contact_count   INTEGER NOT NULL DEFAULT 0,
    first_contact_at TIMESTAMP NOT NULL,
    last_contact_at TIMESTAMP NOT NULL
);

CREATE TABLE cases (
    id                    INTEGER PRIMARY KEY,
    customer_id           INTEGER NOT NULL REFERENCES customers (id),
    subject               TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'escalated', 'resolved', 'closed')),
    priority              INTEGER NOT NULL DEFAULT 0,
    assignee_id           INTEGER REFERENCES users (id),
    category              TEXT NOT NULL DEFAULT '',
    tags                  TEXT NOT NULL DEFAULT '[]',
    channel               TEXT NOT NULL DEFAULT '',
    anger_first           INTEGER NOT NULL DEFAULT 0,
    anger_latest          INTEGER NOT NULL DEFAULT 0,
    anger_peak            INTEGER NOT NULL DEFAULT 0,
    signals               TEXT NOT NULL DEFAULT '[]',
    inbound_count         INTEGER NOT NULL DEFAULT 0,
    outbound_count        INTEGER NOT NULL DEFAULT 0,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    last_inbound_at       TIMESTAMP,
    first_response_due_at TIMESTAMP,
    resolution_due_at     TIMESTAMP,
    first_responded_at    TIMESTAMP,
    escalated_at          TIMESTAMP,
    escalation_reason     TEXT NOT NULL DEFAULT '',
    resolved_at           TIMESTAMP,
    closed_at             TIMESTAMP
);
CREATE INDEX cases_hottest ON cases (priority DESC, id DESC);
CREATE INDEX cases_status_hottest ON cases (status, priority DESC, id DESC);
CREATE INDEX cases_assignee ON cases (assignee_id, status);
CREATE INDEX cases_customer ON cases (customer_id);

CREATE TABLE messages (
    id             INTEGER PRIMARY KEY,
    case_id        INTEGER NOT NULL REFERENCES cases (id),
    direction      TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'note')),
    channel        TEXT NOT NULL,
    author_user_id INTEGER REFERENCES users (id),
    customer_id    INTEGER REFERENCES customers (id),
    external_id    TEXT UNIQUE,
    raw_text       TEXT NOT NULL,
    clean_text     TEXT NOT NULL,
    reading        TEXT,
    review         TEXT,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX messages_case ON messages (case_id, id);

CREATE TABLE commitments (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases (id),
    message_id    INTEGER NOT NULL REFERENCES messages (id),
    owner_user_id INTEGER REFERENCES users (id),
    action        TEXT NOT NULL,
    amount        TEXT NOT NULL DEFAULT '',
    quote         TEXT NOT NULL DEFAULT '',
    due_at        TIMESTAMP,
    vague         INTEGER NOT NULL DEFAULT 0,
    status        TEXT NOT NULL CHECK (status IN ('open', 'kept', 'broken', 'cancelled')),
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    closed_at     TIMESTAMP
);
CREATE INDEX commitments_status_due ON commitments (status, due_at);
CREATE INDEX commitments_case ON commitments (case_id);

CREATE TABLE escalations (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    rule        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    by_user_id  INTEGER REFERENCES users (id),
    created_at  TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP
);
CREATE INDEX escalations_case ON escalations (case_id);

-- The audit log is append-only: the database itself refuses to change history.
CREATE TABLE audit_events (
    id            INTEGER PRIMARY KEY,
    at            TIMESTAMP NOT NULL,
    actor         TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users (id),
    case_id       INTEGER REFERENCES cases (id),
    action        TEXT NOT NULL,
    detail        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_case ON audit_events (case_id, id);

-- +goose StatementBegin
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TABLE audit_events;
DROP TABLE escalations;
DROP TABLE commitments;
DROP TABLE messages;
DROP TABLE cases;
DROP TABLE customers;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;
