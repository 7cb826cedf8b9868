-- Issue 3: access to one record outside the management line (NĐ 27/2026: an inspector,
-- another agency), and TOTP secrets sealed at rest.

-- One account may read one record, for a stated purpose, on the strength of the person's
-- consent or an authorising document, until `expires_at` (exclusive, milliseconds), up to the
-- field level `clearance`. Revoked grants are kept (who revoked, on which document).
CREATE TABLE record_access_grants (
    id {{ID}},
    person_id BIGINT NOT NULL REFERENCES persons(id),
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    purpose TEXT NOT NULL,
    legal_ref TEXT NOT NULL,
    clearance TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    granted_by BIGINT NOT NULL REFERENCES accounts(id),
    granted_at BIGINT NOT NULL,
    revoked_at BIGINT,
    revoked_by BIGINT,
    revoke_ref TEXT
);
CREATE INDEX record_access_grants_account ON record_access_grants(account_id, person_id);
CREATE INDEX record_access_grants_person ON record_access_grants(person_id);

-- The key that sealed `totp_secret` (AES-256-GCM, hex); NULL marks a secret still in clear,
-- written before this migration, which the application seals when it starts.
ALTER TABLE accounts ADD COLUMN totp_key_id TEXT;
-- Set by an administrator's TOTP reset (lost phone): the account must enrol again before doing
-- anything else.
ALTER TABLE accounts ADD COLUMN totp_reset_pending BIGINT NOT NULL DEFAULT 0;

-- Sign-ins through the shared account system (OpenID Connect) between the redirect to the
-- provider and its answer: the state (hashed), the PKCE verifier and the nonce, used once.
CREATE TABLE oidc_logins (
    state_hash TEXT PRIMARY KEY,
    pkce_verifier TEXT NOT NULL,
    nonce TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
