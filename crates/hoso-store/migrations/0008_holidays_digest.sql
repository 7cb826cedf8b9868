-- Holiday schedules amended by the system administrator when the Government announces them, on
-- top of the schedules shipped in holidays.tsv: a year present here replaces that year entirely.
CREATE TABLE holiday_days (
    on_date TEXT PRIMARY KEY,
    year BIGINT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX holiday_days_year ON holiday_days(year);

-- Who amended a year last, and on which announcement.
CREATE TABLE holiday_years (
    year BIGINT PRIMARY KEY,
    updated_at BIGINT NOT NULL,
    updated_by BIGINT,
    note TEXT NOT NULL
);

-- Where the daily digest of alerts goes (optional; accounts without one get none).
ALTER TABLE accounts ADD COLUMN email TEXT;

INSERT INTO jobs (name) VALUES ('alerts.digest');
