-- The ladder an upload asked for by name (apple, bench, small, auto); NULL for the worker's configured default.
-- Standard SQL for H2 2.x and PostgreSQL 12+.
ALTER TABLE streamkit_ingest_jobs ADD COLUMN ladder VARCHAR(16);
