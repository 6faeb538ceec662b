-- +goose Up
CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('agent', 'supervisor', 'admin', 'trainee')),
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    disabled_at   TIMESTAMPTZ
);

CREATE TABLE api_tokens (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    name         TEXT NOT NULL DEFAULT '',
    token_hash   BYTEA NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL,
    revoked_at   TIMESTAMPTZ
);

CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BYTEA NOT NULL,
    expiry TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

CREATE TABLE login_failures (
    id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_email_at ON login_failures (email, at);
CREATE INDEX login_failures_ip_at ON login_failures (ip, at);

CREATE TABLE customers (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL DEFAULT '',
    tier            TEXT NOT NULL DEFAULT 'standard',
    value_cents     BIGINT NOT NULL DEFAULT 0,
    time_zone       TEXT NOT NULL DEFAULT '',
    contact_count   INTEGER NOT NULL DEFAULT 0,
    first_contact_at TIMESTAMPTZ NOT NULL,
    last_contact_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE cases (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id           BIGINT NOT NULL REFERENCES customers (id),
    subject               TEXT NOT NULL DEFAULT '',
    status                TEXT NOT NULL CHECK (status IN ('new', 'open', 'pending', 'escalated', 'resolved', 'closed')),
    priority              INTEGER NOT NULL DEFAULT 0,
    assignee_id           BIGINT REFERENCES users (id),
    category              TEXT NOT NULL DEFAULT '',
    tags                  JSONB NOT NULL DEFAULT '[]',
    channel               TEXT NOT NULL DEFAULT '',
    anger_first           INTEGER NOT NULL DEFAULT 0,
    anger_latest          INTEGER NOT NULL DEFAULT 0,
    anger_peak            INTEGER NOT NULL DEFAULT 0,
    signals               JSONB NOT NULL DEFAULT '[]',
    inbound_count         INTEGER NOT NULL DEFAULT 0,
    outbound_count        INTEGER NOT NULL DEFAULT 0,
    created_at            TIMESTAMPTZ NOT NULL,
    updated_at            TIMESTAMPTZ NOT NULL,
    last_inbound_at       TIMESTAMPTZ,
    first_response_due_at TIMESTAMPTZ,
    resolution_due_at     TIMESTAMPTZ,
    first_responded_at    TIMESTAMPTZ,
    escalated_at          TIMESTAMPTZ,
    escalation_reason     TEXT NOT NULL DEFAULT '',
    resolved_at           TIMESTAMPTZ,
    closed_at             TIMESTAMPTZ
);
CREATE INDEX cases_hottest ON cases (priority DESC, id DESC);
CREATE INDEX cases_status_hottest ON cases (status, priority DESC, id DESC);
CREATE INDEX cases_assignee ON cases (assignee_id, status);
CREATE INDEX cases_customer ON cases (customer_id);

CREATE TABLE messages (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id        BIGINT NOT NULL REFERENCES cases (id),
    direction      TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'note')),
    channel        TEXT NOT NULL,
    author_user_id BIGINT REFERENCES users (id),
    customer_id    BIGINT REFERENCES customers (id),
    external_id    TEXT UNIQUE,
    raw_text       TEXT NOT NULL,
    clean_text     TEXT NOT NULL,
    reading        JSONB,
    review         JSONB,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX messages_case ON messages (case_id, id);

CREATE TABLE commitments (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id       BIGINT NOT NULL REFERENCES cases (id),
    message_id    BIGINT NOT NULL REFERENCES messages (id),
    owner_user_id BIGINT REFERENCES users (id),
    action        TEXT NOT NULL,
    amount        TEXT NOT NULL DEFAULT '',
    quote         TEXT NOT NULL DEFAULT '',
    due_at        TIMESTAMPTZ,
    vague         BOOLEAN NOT NULL DEFAULT FALSE,
    status        TEXT NOT NULL CHECK (status IN ('open', 'kept', 'broken', 'cancelled')),
    note          TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMPTZ NOT NULL,
    closed_at     TIMESTAMPTZ
);
CREATE INDEX commitments_status_due ON commitments (status, due_at);
CREATE INDEX commitments_case ON commitments (case_id);

CREATE TABLE escalations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id     BIGINT NOT NULL REFERENCES cases (id),
    rule        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    summary     TEXT NOT NULL DEFAULT '',
    by_user_id  BIGINT REFERENCES users (id),
    created_at  TIMESTAMPTZ NOT NULL,
    ended_at    TIMESTAMPTZ
);
CREATE INDEX escalations_case ON escalations (case_id);

-- The audit log is append-only: the database itself refuses to change history.
CREATE TABLE audit_events (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at            TIMESTAMPTZ NOT NULL,
    actor         TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users (id),
    case_id       BIGINT REFERENCES cases (id),
    action        TEXT NOT NULL,
    detail        JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_case ON audit_events (case_id, id);

-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit log is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- +goose Down
DROP TABLE audit_events;
DROP FUNCTION audit_events_append_only;
DROP TABLE escalations;
DROP TABLE commitments;
DROP TABLE messages;
DROP TABLE cases;
DROP TABLE customers;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;
