-- Live streams: what a publisher's stream key opens, and which stream is on air. Standard SQL for H2 2.x and
-- PostgreSQL 12+.

-- stream_key_sha256: lower-case hex SHA-256 of the Base64url key, never the key itself; a publisher's key is looked
-- up by it. status moves IDLE/ENDED -> LIVE by a conditional UPDATE, so one node wins a race for the stream.
-- recording_title_id: the title the last event became; it outlives the stream, and deleting it leaves the stream.
CREATE TABLE streamkit_live_streams (
    id                 UUID                     NOT NULL PRIMARY KEY,
    name               VARCHAR(200)             NOT NULL,
    status             VARCHAR(16)              NOT NULL,
    stream_key_sha256  CHAR(64)                 NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at         TIMESTAMP WITH TIME ZONE,
    ended_at           TIMESTAMP WITH TIME ZONE,
    recording_title_id UUID REFERENCES streamkit_titles (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX streamkit_live_streams_by_key ON streamkit_live_streams (stream_key_sha256);
CREATE INDEX streamkit_live_streams_by_created ON streamkit_live_streams (created_at, id);
CREATE INDEX streamkit_live_streams_by_recording ON streamkit_live_streams (recording_title_id);
