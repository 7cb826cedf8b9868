-- Each person's state over time (issue 12: "any report can be run as of a past day"): the
-- projection of every version of the record, in force from the day the version took effect
-- (the effective date of the decision it records, else the day it was recorded; the first
-- version from the day of recruitment when that is earlier) until the next one did. `id` is the
-- person's, as in `persons`, so that a report reads either table by the same names. Derived
-- from `record_versions`: `hoso rebuild-projections` rebuilds it.
CREATE TABLE person_states (
    id BIGINT NOT NULL REFERENCES persons(id),
    version BIGINT NOT NULL,
    valid_from TEXT NOT NULL,
    -- The day the next version took effect (not in force on it); none while in force.
    valid_to TEXT,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    status TEXT NOT NULL,
    full_name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    sort_key TEXT {{C}} NOT NULL,
    gender TEXT,
    date_of_birth TEXT,
    personnel_category TEXT,
    rank_or_title_code TEXT,
    salary_step BIGINT,
    salary_coefficient BIGINT,
    ethnicity TEXT,
    religion TEXT,
    highest_qualification TEXT,
    political_theory TEXT,
    state_management TEXT,
    current_position TEXT,
    first_recruitment_date TEXT,
    party_admission_date TEXT,
    rank_appointment_date TEXT,
    beyond_scale_percent BIGINT,
    position_allowance BIGINT,
    PRIMARY KEY (id, version)
);
CREATE INDEX person_states_day ON person_states(valid_from, valid_to);
