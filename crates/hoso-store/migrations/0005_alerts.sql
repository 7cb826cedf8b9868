-- Alerts computed by the daily job, replaced per person on each run.
CREATE TABLE alerts (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    unit_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    due TEXT NOT NULL,
    message TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    computed_for TEXT NOT NULL
);
CREATE INDEX alerts_person ON alerts(person_id);
CREATE INDEX alerts_unit ON alerts(unit_id, due);
CREATE INDEX alerts_kind ON alerts(kind, due);

-- Background jobs, claimed through the database so that two server nodes never run one twice:
-- a node owns a job while its lease (locked_until) runs.
CREATE TABLE jobs (
    name TEXT PRIMARY KEY,
    locked_by TEXT,
    locked_until BIGINT,
    last_run_on TEXT,
    last_finished_at BIGINT,
    last_result TEXT
);
INSERT INTO jobs (name) VALUES ('alerts.daily');
