-- Movements of people between units of the province (điều động, luân chuyển, biệt phái: LS Đ9.2,
-- LC Đ10.2–10.3, ĐN Đ11.1–11.2, ĐT Đ18). Each carries its decision; the sending unit proposes,
-- the receiving unit accepts or refuses (one step when the proposer keeps both units), and the
-- record moves on the effective date through the version writer (`version`: the version written).
-- The scan of the decision is an attachment (stored by SHA-256 like the change requests').
CREATE TABLE movements (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL,
    from_unit_id BIGINT NOT NULL REFERENCES org_units(id),
    to_unit_id BIGINT NOT NULL REFERENCES org_units(id),
    decision_number TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    signer TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    position TEXT,
    note TEXT,
    scan_sha256 TEXT,
    scan_name TEXT,
    scan_type TEXT,
    -- proposed | accepted | refused | cancelled | done
    state TEXT NOT NULL,
    proposed_by BIGINT NOT NULL,
    proposed_at BIGINT NOT NULL,
    answered_by BIGINT,
    answered_at BIGINT,
    answer_note TEXT,
    version BIGINT
);
CREATE INDEX movements_person ON movements(person_id, state);
CREATE INDEX movements_to ON movements(to_unit_id, state);
CREATE INDEX movements_due ON movements(state, effective_date);
