-- A head's "not yet" before signing: the record's verified versions up to `version` go back to
-- the unit's HR officer with the head's comment, and leave the approval queue until HR writes
-- a corrected version (then `version` is behind the record) or sends them back unchanged with
-- a reply (`resolved_at`).
CREATE TABLE approval_returns (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    version BIGINT NOT NULL,
    comment TEXT NOT NULL,
    returned_by BIGINT NOT NULL,
    returned_at BIGINT NOT NULL,
    resolved_by BIGINT,
    resolved_at BIGINT,
    reply TEXT
);
CREATE INDEX approval_returns_person ON approval_returns (person_id, version);
