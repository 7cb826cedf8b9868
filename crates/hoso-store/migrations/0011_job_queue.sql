-- The background job queue: one row per run of a job, claimed through the database so that of
-- several nodes exactly one runs it (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite: the single
-- writer). A claim holds a lease (locked_until, real-clock ms) that progress reports extend; a
-- lease that runs out (the node died) lets another node take the job over.
CREATE TABLE job_runs (
    id {{ID}},
    kind TEXT NOT NULL,
    -- One run per key, whoever enqueues it: `alerts.daily:2026-12-03`. NULL: no deduplication.
    dedup_key TEXT UNIQUE,
    params TEXT NOT NULL,
    -- queued, running, succeeded, failed, cancelled
    status TEXT NOT NULL,
    progress_done BIGINT NOT NULL,
    progress_total BIGINT,
    progress_note TEXT,
    -- Attempts started (a claim counts one; giving a job back on shutdown does not).
    attempts BIGINT NOT NULL,
    max_attempts BIGINT NOT NULL,
    run_after BIGINT NOT NULL,
    locked_by TEXT,
    locked_until BIGINT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT,
    result TEXT,
    -- Why the last attempt failed: counts and kinds only, never personal data.
    error TEXT,
    created_by BIGINT
);
CREATE INDEX job_runs_claim ON job_runs(status, run_after);
CREATE INDEX job_runs_kind ON job_runs(kind, id);

-- The one-row-per-job table of migration 5 is replaced by job_runs.
DROP TABLE jobs;
