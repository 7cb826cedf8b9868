-- The register of periodic reports sent (LS Đ13.6, Đ15.7; LC Đ15.6, Đ16.8; ĐT Đ22.6, Đ26.8;
-- ĐN Đ14.1): for one deadline rule's cycle (the year of the date its text names) and one
-- reporting unit (an agency, or the province's root for the Sở's own report), the day the
-- report was sent and the number of the document that carried it. `due` is the due date as
-- computed when it was recorded, kept for the record: a later amendment of the holidays does
-- not make a recorded report a different cycle's. One row per rule, cycle and unit.
CREATE TABLE report_submissions (
    id {{ID}},
    rule_id TEXT NOT NULL,
    cycle_year BIGINT NOT NULL,
    due TEXT NOT NULL,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    sent_on TEXT NOT NULL,
    reference TEXT NOT NULL,
    note TEXT,
    recorded_by BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX report_submissions_key ON report_submissions (rule_id, cycle_year, unit_id);
