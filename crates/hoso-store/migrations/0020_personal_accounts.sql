-- Personal accounts for every record (LS Đ7.1, LC Đ6.2–6.3, ĐN Đ6.5, ĐT Đ8.2c). The unit's HR
-- officer creates a person's account (username = số định danh) without a password and hands the
-- person a one-time activation code; the person chooses the password with it. The same code
-- brings back a person who forgot the password. Only the code's hash is kept, with its expiry;
-- a new code replaces the old one, and using it deletes the row.
CREATE TABLE account_activations (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
    code_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Wrong codes tried against this one; at the limit it is thrown away.
    failures BIGINT NOT NULL DEFAULT 0,
    issued_by BIGINT,
    issued_at BIGINT NOT NULL
);
