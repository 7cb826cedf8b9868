-- Scanned documents an HR officer attaches to an edit of their own (the decision behind a
-- salary change, a diploma), as an individual does to a change request: linked to the version
-- the edit wrote, and to the section they prove.
CREATE TABLE version_attachments (
    person_id BIGINT NOT NULL REFERENCES persons(id),
    version BIGINT NOT NULL,
    sha256 TEXT {{C}} NOT NULL REFERENCES attachments(sha256),
    file_name TEXT NOT NULL,
    section TEXT,
    added_by BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (person_id, version, sha256)
);
