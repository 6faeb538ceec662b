-- +goose Up
-- A case can be on hold (waiting on a third party): its SLA clocks pause.
-- sla_paused_at is when the hold began; when it ends the due times move
-- later by the business time the case was on hold.
--
-- SQLite cannot alter a CHECK constraint. Widening one (no stored row can
-- break it) is the case SQLite's documentation allows editing the stored
-- schema for (https://sqlite.org/lang_altertable.html, "making other kinds
-- of table schema changes"): it keeps every column, index and foreign key
-- as they are. RESET makes this connection read the edited schema again;
-- the ALTER TABLE after it changes the schema cookie, so every other
-- connection does too.
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, '''pending'', ''escalated'', ''resolved''', '''pending'', ''on_hold'', ''escalated'', ''resolved''')
 WHERE type = 'table' AND name = 'cases';
PRAGMA writable_schema = RESET;
ALTER TABLE cases ADD COLUMN sla_paused_at TIMESTAMP;

-- +goose Down
UPDATE cases SET status = 'pending' WHERE status = 'on_hold';
ALTER TABLE cases DROP COLUMN sla_paused_at;
PRAGMA writable_schema = ON;
UPDATE sqlite_master
   SET sql = replace(sql, '''pending'', ''on_hold'', ''escalated'', ''resolved''', '''pending'', ''escalated'', ''resolved''')
 WHERE type = 'table' AND name = 'cases';
PRAGMA writable_schema = RESET;
-- any DDL changes the schema cookie, so other connections read it again
CREATE TABLE on_hold_schema_bump (x INTEGER);
DROP TABLE on_hold_schema_bump;
