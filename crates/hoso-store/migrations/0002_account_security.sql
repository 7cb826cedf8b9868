-- Account security (issue 3): password history and ageing, public session ids, grant changes,
-- TOTP second factor.

-- Hashes of an account's previous passwords, so a change cannot reuse any of the last few.
CREATE TABLE password_history (
    id {{ID}},
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    password_hash TEXT NOT NULL,
    changed_at BIGINT NOT NULL
);
CREATE INDEX password_history_account ON password_history(account_id, id);

-- A session's public id: what the owner sees and revokes, never the token or its hash.
ALTER TABLE sessions ADD COLUMN public_id TEXT;
CREATE UNIQUE INDEX sessions_public_id ON sessions(public_id);

-- Who revoked a grant and on which written request (văn bản đề nghị).
ALTER TABLE role_grants ADD COLUMN revoked_by BIGINT;
ALTER TABLE role_grants ADD COLUMN revoke_ref TEXT;

-- TOTP (RFC 6238) second factor: the secret (base32), whether it is confirmed, and the last
-- accepted time step (a code is never accepted twice).
ALTER TABLE accounts ADD COLUMN totp_secret TEXT;
ALTER TABLE accounts ADD COLUMN totp_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN totp_last_step BIGINT;

CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action);
