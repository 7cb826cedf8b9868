-- Sensitive fields of each record version, encrypted (AES-256-GCM) as one JSON object.
-- Unlike record_versions this table is updated, by key rotation only: the version hash covers
-- the plaintext, so re-encrypting never changes what a version is.
CREATE TABLE record_secrets (
    person_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    key_id TEXT NOT NULL,
    sealed TEXT NOT NULL,
    PRIMARY KEY (person_id, version),
    FOREIGN KEY (person_id, version) REFERENCES record_versions (person_id, version)
);
CREATE INDEX record_secrets_key ON record_secrets(key_id);
