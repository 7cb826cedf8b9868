-- Reorganisations of the tree (issue 14 item 3): units merged (sáp nhập, hợp nhất) or split
-- (chia tách) by one decision, their people moved through the version writer (each version names
-- the reorganisation by `record_versions.source_ref`). `plan` is the operation as asked (JSON).
CREATE TABLE reorganisations (
    id {{ID}},
    kind TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    signer TEXT,
    effective_date TEXT NOT NULL,
    plan TEXT NOT NULL,
    actor_id BIGINT,
    created_at BIGINT NOT NULL
);

-- Which units became which: a merged unit's row names the unit it went into, the receiving
-- unit's row the units it received (ids separated by commas).
ALTER TABLE org_unit_history ADD COLUMN related_unit_ids TEXT;
