-- The backups this installation took (issue 15): the archive file in the backup folder, how
-- the run ended, what it holds and whether a trial restore verified it. Not itself backed up
-- (it describes files on this machine).
CREATE TABLE backups (
    id {{ID}},
    file_name TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    finished_at BIGINT,
    -- running, succeeded, failed, pruned
    status TEXT NOT NULL,
    size_bytes BIGINT,
    sha256 TEXT,
    people BIGINT,
    versions BIGINT,
    audit_entries BIGINT,
    attachments BIGINT,
    error TEXT,
    verified_at BIGINT,
    -- passed, failed
    verify_status TEXT,
    verify_note TEXT,
    created_by BIGINT
);
CREATE INDEX backups_started ON backups(started_at);
