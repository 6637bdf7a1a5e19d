-- Access policy shared by every origin node: revoked tokens and concurrent playback sessions. Standard SQL for H2 2.x
-- and PostgreSQL 12+.

-- One row per viewer with a policy state. tokens_revoked_at: tokens issued at or before it no longer open anything.
-- The row is also what admitting a playback session locks (SELECT ... FOR UPDATE), so that two nodes admitting the
-- same viewer at once count each other's sessions.
CREATE TABLE streamkit_viewer_access (
    viewer_id         VARCHAR(128)             NOT NULL PRIMARY KEY,
    tokens_revoked_at TIMESTAMP WITH TIME ZONE
);

-- Single playback sessions (a token's sid) revoked before their token expires; purged once it has.
CREATE TABLE streamkit_revoked_sessions (
    session_id VARCHAR(128)             NOT NULL PRIMARY KEY,
    revoked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX streamkit_revoked_sessions_by_expiry ON streamkit_revoked_sessions (expires_at);

-- Playback sessions in progress: admitted at the master playlist, kept alive by the session's requests, ended by
-- the player or after a time without requests.
CREATE TABLE streamkit_playback_sessions (
    session_id   VARCHAR(128)             NOT NULL PRIMARY KEY,
    viewer_id    VARCHAR(128)             NOT NULL,
    title_id     VARCHAR(128)             NOT NULL,
    started_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX streamkit_playback_sessions_by_viewer ON streamkit_playback_sessions (viewer_id, last_seen_at);
