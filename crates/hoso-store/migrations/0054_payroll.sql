-- The monthly payroll sheet (bảng lương, F6) and Đồng Tháp's salary cycle (Đ17): a unit records
-- the month's pay of the people working in it and the units under it, with the day it is paid;
-- the lines are computed from the records and frozen when recorded. A sheet may be made again
-- for the same month until the month is consolidated; `recorded_on` stays the day it was first
-- recorded (the deadline counts it).
CREATE TABLE payroll_sheets (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    -- 'YYYY-MM'
    period TEXT NOT NULL,
    -- Thời gian chi trả (ISO).
    paid_on TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    headcount BIGINT NOT NULL,
    -- People whose pay the record does not let Hoso compute (no coefficient…).
    incomplete BIGINT NOT NULL,
    -- In đồng.
    total BIGINT NOT NULL,
    -- JSON: the lines, a person each.
    lines TEXT NOT NULL,
    note TEXT,
    recorded_by BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL,
    revised_by BIGINT,
    revised_at BIGINT
);
CREATE UNIQUE INDEX payroll_sheets_unit_period ON payroll_sheets (unit_id, period);
CREATE INDEX payroll_sheets_period ON payroll_sheets (period);

-- The consolidation of a month's sheets for the province (ĐT Đ17.3: Sở Tài chính, the 25th):
-- what each unit had recorded that day, frozen.
CREATE TABLE payroll_consolidations (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    period TEXT NOT NULL,
    recorded_on TEXT NOT NULL,
    units_expected BIGINT NOT NULL,
    units_recorded BIGINT NOT NULL,
    headcount BIGINT NOT NULL,
    total BIGINT NOT NULL,
    -- JSON: a line per unit.
    summary TEXT NOT NULL,
    note TEXT,
    recorded_by BIGINT NOT NULL,
    recorded_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX payroll_consolidations_unit_period ON payroll_consolidations (unit_id, period);
