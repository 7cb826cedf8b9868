-- The projection tables follow the record schema: a field with `projection = "…"` in
-- hoso-domain/data/schema/*.toml has a column of that name, in `persons` for a single section
-- and in `record_history` for a repeating one (TEXT for text, codes, dates and months; BIGINT
-- for numbers, decimals in hundredths). The application refuses to start when a declared
-- column is missing, and rebuilds both tables from the versions when the declared layout
-- changes (`projection_state`).
ALTER TABLE persons RENAME COLUMN rank_code TO rank_or_title_code;
ALTER TABLE persons RENAME COLUMN ethnicity_code TO ethnicity;
ALTER TABLE persons ADD COLUMN religion TEXT;
DROP INDEX persons_rank;
CREATE INDEX persons_rank_or_title ON persons(rank_or_title_code);
CREATE INDEX persons_category ON persons(personnel_category);

-- One row per row of a repeating section of each person's current version.
CREATE TABLE record_history (
    person_id BIGINT NOT NULL REFERENCES persons(id),
    section TEXT NOT NULL,
    row_no BIGINT NOT NULL,
    valid_from TEXT,
    valid_to TEXT,
    event_type TEXT,
    degree_level TEXT,
    year BIGINT,
    performance_rating TEXT,
    emulation_title TEXT,
    evaluation_score BIGINT,
    discipline_system TEXT,
    discipline_form TEXT,
    party_rating TEXT,
    relationship TEXT,
    birth_year BIGINT,
    rank_or_title_code TEXT,
    salary_step BIGINT,
    salary_coefficient BIGINT,
    allowance_type TEXT,
    allowance_percent BIGINT,
    allowance_coefficient BIGINT,
    PRIMARY KEY (person_id, section, row_no)
);
-- Every report on a history names its section and most ask "as of" a day; further indexes
-- (on a key column) cost every record write and are added when a report needs them.
CREATE INDEX record_history_period ON record_history(section, valid_from, valid_to);

-- Which layout of the schema the projection tables were last built for.
CREATE TABLE projection_state (
    name TEXT PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    rebuilt_at BIGINT NOT NULL
);
