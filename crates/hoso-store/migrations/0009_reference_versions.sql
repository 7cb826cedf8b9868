-- Reference data cached in every node (catalogs, the holiday calendar): a counter per kind,
-- bumped in the same transaction as each edit. Every node polls it and reloads what changed.
CREATE TABLE reference_versions (
    name TEXT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO reference_versions (name, version) VALUES ('catalogs', 0);
INSERT INTO reference_versions (name, version) VALUES ('holidays', 0);
