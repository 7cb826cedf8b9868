-- The deadlines that alerts followed, kept after their alert clears: the Sở's inspection of
-- which deadlines each unit met or missed, and by how much (LS Đ15.5; ĐN Đ15.4, Đ20.4; ĐT
-- Đ22.3). The daily alert job opens a row the first day an alert of a deadline rule shows
-- (first_seen) and closes it when a run no longer shows it: cleared_on is the day before that
-- run (the job runs as the day begins, so it sees what was done by the end of the day before),
-- never before first_seen. One row per person, rule and due date.
CREATE TABLE deadline_outcomes (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    -- The unit responsible: the one keeping the record while the deadline was open.
    unit_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    rule_name TEXT NOT NULL,
    due TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    cleared_on TEXT
);
CREATE UNIQUE INDEX deadline_outcomes_key ON deadline_outcomes(person_id, rule_id, due);
CREATE INDEX deadline_outcomes_due ON deadline_outcomes(due, unit_id);
CREATE INDEX deadline_outcomes_open ON deadline_outcomes(person_id, cleared_on);
