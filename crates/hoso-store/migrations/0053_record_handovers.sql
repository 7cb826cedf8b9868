-- Records crossing the province's border (issue 14): a person transferred out hands their
-- record over as a signed package; a person received from outside arrives with one, verified
-- against the trusted roots, and the receiving unit confirms what it received. The package
-- itself is kept, content-addressed, in the attachment store (`package_sha256`).
CREATE TABLE record_handovers (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    -- 'out' (handed over to another agency) or 'in' (received from one).
    direction TEXT NOT NULL,
    -- The agency on the other side, as the HR officer names it.
    counterpart TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    package_sha256 TEXT NOT NULL,
    -- What the package says of itself: the record and version it carries in the system that
    -- signed it, how many versions of its history came with it, who signed it.
    origin_person_id BIGINT NOT NULL,
    origin_version BIGINT NOT NULL,
    versions_in_package BIGINT NOT NULL,
    signer_subject TEXT NOT NULL,
    note TEXT,
    created_by BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    -- A received record, confirmed by the receiving unit (none while it waits).
    confirmed_by BIGINT,
    confirmed_at BIGINT,
    -- The day the unit reported the arrival or departure to the Sở Nội vụ, with the number of
    -- its report (ĐT Đ22.5); none while not recorded.
    reported_on TEXT,
    report_ref TEXT,
    reported_by BIGINT
);
CREATE INDEX record_handovers_person ON record_handovers (person_id);
