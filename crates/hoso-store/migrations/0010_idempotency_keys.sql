-- Create-record idempotency (form tokens, the Idempotency-Key header), shared by every node.
-- A key is claimed (person_id NULL, "in flight" until lease_until), then settled with the record
-- it created; a failed attempt deletes its claim so the request may be corrected and sent again.
CREATE TABLE idempotency_keys (
    token TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL,
    request_hash TEXT,
    person_id BIGINT,
    lease_until BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys(expires_at);
