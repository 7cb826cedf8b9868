-- An HR officer's mark that an alert has been dealt with (the decision sent to the Sở, the
-- person told). Kept by the alert's person, kind and due day, so the daily recompute keeps the
-- mark, and the next due day of the same kind starts open again.
CREATE TABLE alert_handled (
    person_id BIGINT NOT NULL REFERENCES persons(id),
    kind TEXT {{C}} NOT NULL,
    due TEXT {{C}} NOT NULL,
    handled_by BIGINT NOT NULL,
    handled_at BIGINT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (person_id, kind, due)
);
