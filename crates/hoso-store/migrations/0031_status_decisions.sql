-- Decisions that end or resume service (nghỉ hưu, thôi việc, buộc thôi việc, chấm dứt hợp đồng,
-- từ trần, trở lại công tác): the decision, and the record version that set the status on its
-- effective date (`version`; none while it waits for that date).
CREATE TABLE status_decisions (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    kind TEXT NOT NULL,
    decision_number TEXT NOT NULL,
    decision_date TEXT NOT NULL,
    signer TEXT NOT NULL,
    effective_date TEXT NOT NULL,
    note TEXT,
    -- waiting | done | cancelled
    state TEXT NOT NULL,
    decided_by BIGINT NOT NULL,
    decided_at BIGINT NOT NULL,
    version BIGINT
);
CREATE INDEX status_decisions_person ON status_decisions(person_id, state);
CREATE INDEX status_decisions_due ON status_decisions(state, effective_date);
