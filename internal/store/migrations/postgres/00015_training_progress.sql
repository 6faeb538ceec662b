-- +goose Up
-- Certification: the pass mark of each scenario set (a scenario's family),
-- set by an admin; and scenarios a supervisor assigns to a trainee, with a
-- due date and whether it must be taken as an exam. An assignment's result
-- is the trainee's best finished attempt at the scenario since it was
-- assigned (in exam mode when the assignment requires it). Each reply's
-- time is kept in the attempt's session column.
CREATE TABLE training_pass_marks (
    set_name    TEXT PRIMARY KEY,
    pass_mark   INTEGER NOT NULL,
    updated_by  BIGINT REFERENCES users(id),
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE TABLE training_assignments (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id),
    scenario_id TEXT NOT NULL,
    exam        BOOLEAN NOT NULL DEFAULT FALSE,
    due_at      TIMESTAMPTZ,
    assigned_by BIGINT NOT NULL REFERENCES users(id),
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX training_assignments_user ON training_assignments (user_id, id);

-- +goose Down
DROP TABLE training_assignments;
DROP TABLE training_pass_marks;
