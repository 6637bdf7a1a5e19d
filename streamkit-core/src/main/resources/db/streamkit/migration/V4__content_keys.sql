-- Content keys of encrypted titles, never in clear: each is wrapped (AES-256-GCM under a master key, or by a KMS) and
-- stored with the id of the key-encryption key that wrapped it, so rotating the master key re-wraps rows without
-- touching media. A title's keys go with the title. Standard SQL for H2 2.x and PostgreSQL 12+.

CREATE TABLE streamkit_content_keys (
    title_id        UUID                     NOT NULL REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    key_id          CHAR(32)                 NOT NULL,
    wrapping_key_id VARCHAR(200)             NOT NULL,
    wrapped_key     VARCHAR(2000)            NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (title_id, key_id)
);
CREATE INDEX streamkit_content_keys_by_wrapping_key ON streamkit_content_keys (wrapping_key_id);
