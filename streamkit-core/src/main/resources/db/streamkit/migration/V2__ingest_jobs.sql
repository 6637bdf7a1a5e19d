-- Durable ingest queue: one row per source file waiting for, or under, transcoding. Standard SQL for H2 2.x and
-- PostgreSQL 12+. Workers claim rows with SELECT ... FOR UPDATE SKIP LOCKED and hold them by a lease they renew.

CREATE TABLE streamkit_ingest_jobs (
    id            UUID                     NOT NULL PRIMARY KEY,
    title_id      UUID                     NOT NULL REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    source_path   VARCHAR(4000)            NOT NULL,
    state         VARCHAR(16)              NOT NULL,
    attempts      INTEGER                  NOT NULL,
    owner         VARCHAR(128),
    lease_until   TIMESTAMP WITH TIME ZONE,
    error_message VARCHAR(2000),
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
-- Claiming scans waiting and running rows oldest first.
CREATE INDEX streamkit_ingest_jobs_claimable ON streamkit_ingest_jobs (state, created_at, id);
CREATE INDEX streamkit_ingest_jobs_by_title ON streamkit_ingest_jobs (title_id);
