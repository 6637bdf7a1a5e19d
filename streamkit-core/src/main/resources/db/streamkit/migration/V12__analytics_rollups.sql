-- Analytics rollups, folded incrementally from streamkit_events by io.streamkit.core.analytics.AnalyticsRollups.
-- Standard SQL for H2 2.x and PostgreSQL 12+. Readers sum rows; nothing here is written by the event insert path.

-- One row per title and UTC hour. The two sketches are mergeable across hours and titles: viewers_hll holds the
-- registers of a HyperLogLog (Flajolet et al. 2007) and startup_histogram the counts of a DDSketch-style
-- logarithmic histogram (Masson et al., VLDB 2019), both as text (see AnalyticsRollups for their encoding).
CREATE TABLE streamkit_rollup_title_hours (
    title_id          UUID                     NOT NULL REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    hour_start        TIMESTAMP WITH TIME ZONE NOT NULL,
    plays             BIGINT                   NOT NULL,
    watch_ms          BIGINT                   NOT NULL,
    completions       BIGINT                   NOT NULL,
    stalled_ms        BIGINT                   NOT NULL,
    errors            BIGINT                   NOT NULL,
    bitrate_ms        BIGINT                   NOT NULL,
    bitrate_product   DOUBLE PRECISION         NOT NULL,
    startups          BIGINT                   NOT NULL,
    startup_histogram VARCHAR(4000)            NOT NULL,
    viewers_hll       VARCHAR(4000)            NOT NULL,
    PRIMARY KEY (title_id, hour_start)
);
-- Covers the top-titles query (sums of plays and watch time per title over recent hours) without reading the wide
-- sketch columns.
CREATE INDEX streamkit_rollup_title_hours_by_hour ON streamkit_rollup_title_hours (hour_start, title_id, plays,
    watch_ms);

-- The same measures over every title, per UTC hour, so platform series read one row per hour.
CREATE TABLE streamkit_rollup_platform_hours (
    hour_start        TIMESTAMP WITH TIME ZONE NOT NULL PRIMARY KEY,
    plays             BIGINT                   NOT NULL,
    watch_ms          BIGINT                   NOT NULL,
    completions       BIGINT                   NOT NULL,
    stalled_ms        BIGINT                   NOT NULL,
    errors            BIGINT                   NOT NULL,
    bitrate_ms        BIGINT                   NOT NULL,
    bitrate_product   DOUBLE PRECISION         NOT NULL,
    startups          BIGINT                   NOT NULL,
    startup_histogram VARCHAR(4000)            NOT NULL,
    viewers_hll       VARCHAR(4000)            NOT NULL
);

-- What the fold carries from one run to the next for each playback session it has seen: whether the session already
-- counted as a play, its last event (for watch time and time-weighted bitrate) and an open stall. Rows of sessions
-- quiet for longer than AnalyticsRollups' session expiry are deleted by the fold.
CREATE TABLE streamkit_rollup_sessions (
    title_id         UUID                     NOT NULL REFERENCES streamkit_titles (id) ON DELETE CASCADE,
    session_id       VARCHAR(128)             NOT NULL,
    played           BOOLEAN                  NOT NULL,
    last_event_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    last_position_ms BIGINT                   NOT NULL,
    stall_started_at TIMESTAMP WITH TIME ZONE,
    bitrate          BIGINT,
    bitrate_since    TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (title_id, session_id)
);
CREATE INDEX streamkit_rollup_sessions_by_last_event ON streamkit_rollup_sessions (last_event_at);

-- One row: the fold's watermark and lease. Events with folded_through < id <= horizon_id are folded once
-- horizon_noted_at is a settle lag old, so an insert that drew its id before the horizon was noted has committed.
CREATE TABLE streamkit_rollup_state (
    id               INTEGER                  NOT NULL PRIMARY KEY,
    folded_through   BIGINT                   NOT NULL,
    horizon_id       BIGINT                   NOT NULL,
    horizon_noted_at TIMESTAMP WITH TIME ZONE NOT NULL,
    folded_at        TIMESTAMP WITH TIME ZONE,
    lease_owner      VARCHAR(128),
    lease_until      TIMESTAMP WITH TIME ZONE NOT NULL
);
INSERT INTO streamkit_rollup_state (id, folded_through, horizon_id, horizon_noted_at, folded_at, lease_owner,
    lease_until) VALUES (1, 0, 0, TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00', NULL, NULL,
    TIMESTAMP WITH TIME ZONE '1970-01-01 00:00:00+00');
