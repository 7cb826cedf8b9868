-- Hoso initial schema. Written once for both databases: {{ID}} is the auto-increment primary
-- key of each backend and {{C}} the byte-order collation that makes the materialised-path
-- range scans below work the same way on both.
-- Dates are ISO-8601 TEXT (YYYY-MM-DD), instants are BIGINT milliseconds since the Unix epoch.

CREATE TABLE org_units (
    id {{ID}},
    parent_id BIGINT REFERENCES org_units(id),
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    kind TEXT NOT NULL,
    path TEXT {{C}} NOT NULL,
    depth BIGINT NOT NULL,
    valid_from TEXT NOT NULL,
    dissolved_on TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);
CREATE INDEX org_units_path ON org_units(path);

-- Effective-dated history of every unit: one row per change, never updated.
CREATE TABLE org_unit_history (
    id {{ID}},
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    change TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    parent_id BIGINT,
    actor_id BIGINT,
    decision_ref TEXT,
    recorded_at BIGINT NOT NULL
);
CREATE INDEX org_unit_history_unit ON org_unit_history(unit_id, id);

-- Current state of each person, projected from the latest approved record version. Rebuildable.
CREATE TABLE persons (
    id {{ID}},
    national_id_hash TEXT NOT NULL UNIQUE,
    unit_id BIGINT NOT NULL REFERENCES org_units(id),
    status TEXT NOT NULL,
    full_name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    gender TEXT,
    date_of_birth TEXT,
    personnel_category TEXT,
    rank_code TEXT,
    salary_step BIGINT,
    salary_coefficient BIGINT,
    ethnicity_code TEXT,
    highest_qualification TEXT,
    political_theory TEXT,
    current_position TEXT,
    first_recruitment_date TEXT,
    current_version BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX persons_unit ON persons(unit_id, full_name);
CREATE INDEX persons_rank ON persons(rank_code);
CREATE INDEX persons_status ON persons(status);
CREATE INDEX persons_search ON persons(search_key {{C}});

-- Every approved version of every record: immutable, hashed, chained to its predecessor.
CREATE TABLE record_versions (
    person_id BIGINT NOT NULL REFERENCES persons(id),
    version BIGINT NOT NULL,
    schema_version TEXT NOT NULL,
    document TEXT NOT NULL,
    hash TEXT NOT NULL,
    prev_hash TEXT,
    unit_id BIGINT NOT NULL,
    status TEXT NOT NULL,
    created_by BIGINT,
    created_at BIGINT NOT NULL,
    note TEXT,
    PRIMARY KEY (person_id, version)
);

CREATE TABLE accounts (
    id {{ID}},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    person_id BIGINT REFERENCES persons(id),
    active BIGINT NOT NULL,
    must_change_password BIGINT NOT NULL,
    password_changed_at BIGINT NOT NULL,
    failed_logins BIGINT NOT NULL,
    locked_until BIGINT,
    created_at BIGINT NOT NULL,
    created_by BIGINT
);
CREATE INDEX accounts_person ON accounts(person_id);

CREATE TABLE role_grants (
    id {{ID}},
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    role TEXT NOT NULL,
    unit_id BIGINT REFERENCES org_units(id),
    read_only BIGINT NOT NULL,
    granted_by BIGINT,
    granted_at BIGINT NOT NULL,
    request_ref TEXT,
    revoked_at BIGINT
);
CREATE INDEX role_grants_account ON role_grants(account_id);
CREATE INDEX role_grants_unit ON role_grants(unit_id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    client_addr TEXT,
    user_agent TEXT,
    revoked_at BIGINT
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE catalog_items (
    catalog TEXT NOT NULL,
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    attrs TEXT NOT NULL,
    active BIGINT NOT NULL,
    PRIMARY KEY (catalog, kind, code)
);

-- Append-only, hash-chained audit trail. audit_head serialises appends so that two writers
-- can never fork the chain.
CREATE TABLE audit_log (
    id {{ID}},
    at BIGINT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    target_kind TEXT NOT NULL,
    target_id TEXT,
    client_addr TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_target ON audit_log(target_kind, target_id);
CREATE INDEX audit_log_actor ON audit_log(actor_id);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_hash) VALUES (1, '');
