-- +goose Up
-- The rollup refresh serialised the refreshes of one case with FOR UPDATE.
-- That lock is stronger than the one the case's own UPDATE holds, and it
-- conflicts with the key-share lock another transaction takes when it
-- inserts a message (its foreign key) on the same case. A reply inserting
-- its message while the customer's next message updated the case then
-- waited on each other: a deadlock (40P01), which a 2-instance desk under
-- load hit a few times a minute. FOR NO KEY UPDATE is the lock an UPDATE
-- takes: it still serialises refreshes and does not conflict with key-share.
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_rollup_refresh(cid BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cid IS NULL THEN
        RETURN;
    END IF;
    -- Serialise the refreshes of one case: the statement below then sees
    -- every write committed before it (READ COMMITTED takes a new snapshot).
    PERFORM 1 FROM cases WHERE cases.id = cid FOR NO KEY UPDATE;
    DELETE FROM case_rollups WHERE case_id = cid;
    INSERT INTO case_rollups SELECT * FROM case_rollup_source s WHERE s.case_id = cid;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_rollup_refresh(cid BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cid IS NULL THEN
        RETURN;
    END IF;
    PERFORM 1 FROM cases WHERE cases.id = cid FOR UPDATE;
    DELETE FROM case_rollups WHERE case_id = cid;
    INSERT INTO case_rollups SELECT * FROM case_rollup_source s WHERE s.case_id = cid;
END;
$$;
-- +goose StatementEnd
