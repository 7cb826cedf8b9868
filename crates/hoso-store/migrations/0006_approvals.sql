-- Self-service changes, verification and signed approval (F4).

-- The version of each record an approver has signed: the official one. Versions after it were
-- entered or verified by HR and wait for approval. Records that existed before this workflow,
-- and records loaded in bulk from a legacy system, count as approved as they stand.
ALTER TABLE persons ADD COLUMN official_version BIGINT NOT NULL DEFAULT 0;
UPDATE persons SET official_version = current_version;
CREATE INDEX persons_awaiting_approval ON persons(unit_id) WHERE current_version > official_version;

-- Proposed changes (phiếu bổ sung lý lịch). The proposed sections are sealed with the record
-- key (they may hold sensitive fields), bound to the request id.
CREATE TABLE change_requests (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    base_version BIGINT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT NOT NULL,
    sections TEXT NOT NULL,
    key_id TEXT NOT NULL,
    sealed TEXT NOT NULL,
    proposed_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    reviewed_by BIGINT,
    reviewed_at BIGINT,
    review_comment TEXT,
    result_version BIGINT
);
CREATE INDEX change_requests_person ON change_requests(person_id, state);
CREATE INDEX change_requests_state ON change_requests(state, submitted_at);
CREATE INDEX change_requests_proposer ON change_requests(proposed_by, updated_at);

-- Scanned documents (bản số hóa), stored by content in the attachment store.
CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by BIGINT
);
CREATE TABLE change_request_attachments (
    change_request_id BIGINT NOT NULL REFERENCES change_requests(id),
    sha256 TEXT NOT NULL REFERENCES attachments(sha256),
    file_name TEXT NOT NULL,
    section TEXT,
    row_index BIGINT,
    added_by BIGINT NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (change_request_id, sha256)
);

-- Batches of verified versions signed by an approver. A batch is prepared (manifest fixed),
-- then signed; its items are written only when the signature has been verified.
CREATE TABLE approval_batches (
    id {{ID}},
    state TEXT NOT NULL,
    prepared_by BIGINT NOT NULL REFERENCES accounts(id),
    prepared_at BIGINT NOT NULL,
    manifest TEXT NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    signature TEXT,
    signer_subject TEXT,
    signer_certificate TEXT,
    signing_mode TEXT,
    signed_by BIGINT,
    signed_at BIGINT,
    window_override BIGINT NOT NULL
);
CREATE INDEX approval_batches_state ON approval_batches(state, prepared_at);

-- Each version is approved once.
CREATE TABLE approval_items (
    batch_id BIGINT NOT NULL REFERENCES approval_batches(id),
    person_id BIGINT NOT NULL REFERENCES persons(id),
    version BIGINT NOT NULL,
    hash TEXT NOT NULL,
    prev_hash TEXT,
    PRIMARY KEY (person_id, version)
);
CREATE INDEX approval_items_batch ON approval_items(batch_id);

-- Approved versions waiting to be sent to the hub (F14 sends them).
CREATE TABLE hub_outbox (
    id {{ID}},
    batch_id BIGINT NOT NULL REFERENCES approval_batches(id),
    person_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    queued_at BIGINT NOT NULL,
    sent_at BIGINT,
    attempts BIGINT NOT NULL,
    last_error TEXT
);
CREATE INDEX hub_outbox_pending ON hub_outbox(sent_at, id);
