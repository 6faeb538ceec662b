-- +goose Up
-- Saved inbox views: a person's named filters (the inbox's query string).
CREATE TABLE inbox_views (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    name       TEXT NOT NULL,
    query      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, name)
);

-- Who is writing a reply on a case, until when: the case page's live
-- stream tells the others ("Sam is replying"). Rows are overwritten while
-- the person types and deleted when they send; a stale row means nothing
-- once its time has passed.
CREATE TABLE case_typing (
    case_id BIGINT NOT NULL REFERENCES cases (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    until   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- +goose Down
DROP TABLE case_typing;
DROP TABLE inbox_views;
