-- Column mappings an HR officer saved on the import page, by name, for the next file of the
-- same layout: each header as the file words it (normalised) and what it is imported into.
CREATE TABLE import_mappings (
    id {{ID}},
    name TEXT NOT NULL UNIQUE,
    -- JSON: [{"header": "...", "target": {...}}]
    columns TEXT NOT NULL,
    saved_by BIGINT NOT NULL,
    saved_at BIGINT NOT NULL
);
